#!/usr/bin/env bash
# Load benchmark of the HTTP server with wrk: imports the public corpus into a
# fresh library (optimized), starts `wenyuan serve` on loopback, and sends a mix
# of real queries (substrings of the corpus, 1-12 characters, some with
# filters, 1 in 6 in paragraph mode, snippets on as the web UI asks) at 64
# connections for 30 s. Prints wrk's report (throughput, latency percentiles,
# errors) and, measured during the same run, /healthz latency (a new
# connection every 10 ms). Traffic stays on 127.0.0.1.
#
#   bench/http_load.sh [WENYUAN_BINARY] [DURATION] [CONNECTIONS]
#
# Environment:
#   WENYUAN_CORPUS=DIR  the corpus (default ../shared/corpus beside the repo)
#   LIB=DIR             use (and keep) this library; imported only if absent
#   FLOOD=1             also run the slow-query flood during the run: 4 clients
#                       sending 63-term OR queries in paragraph mode in a loop
#                       (bench/bench_server.py's, as healthz_flood.py's); their answers are counted
#   SERVE_TOML=TEXT     extra lines for the server's config (e.g. workers = 2)
#   CHECK_CLIENT=1      first run wrk on /healthz alone: the load generator's
#                       own ceiling on this machine, to compare with the mix
#   WARMUP=10s          first run the mix this long, unreported: the figures are
#                       then those of a warm results cache (every one of the 400
#                       queries asked before); without it the run starts cold
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$repo/build/release/wenyuan}"
duration="${2:-30s}"
connections="${3:-64}"
corpus="${WENYUAN_CORPUS:-$repo/../shared/corpus}"
if [ ! -d "$corpus" ]; then echo "http_load: skipped: $corpus is absent"; exit 0; fi
command -v wrk >/dev/null || { echo "http_load: wrk is not installed (scripts/setup installs it)"; exit 1; }

work="$(mktemp -d /tmp/wenyuan-http-load.XXXXXX)"
server=""
side=()
cleanup() {
  for p in "${side[@]}"; do kill "$p" 2>/dev/null || true; done
  # Started detached by bench_server.py (not this shell's child): wait for it to go.
  if [ -n "$server" ] && kill "$server" 2>/dev/null; then
    for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The corpus in $work/in and a library of it: bench/bench_server.py, shared with healthz_flood.py.
lib="$(python3 "$repo/bench/bench_server.py" library "$bin" "$corpus" "$work" ${LIB:+"$LIB"})"

# Queries: substrings of real texts (fixed seed), URL-encoded, as a Lua list.
python3 - "$work/in" > "$work/queries.lua" <<'PY'
import json, os, random, sys, urllib.parse
random.seed(20261129)
texts = []
for name in sorted(os.listdir(sys.argv[1])):
    with open(os.path.join(sys.argv[1], name), encoding="utf-8") as f:
        texts += [json.loads(l)["text"] for l in f if l.strip()]
qs = []
while len(qs) < 400:
    t = random.choice(texts)
    n = random.choice([1, 2, 2, 3, 4, 4, 6, 8, 12])
    if len(t) <= n: continue
    i = random.randrange(len(t) - n)
    q = t[i:i + n]
    if any(c.isspace() or c in '"()|-' for c in q): continue
    extra = random.choice(["", "", "", "&year=2000..2026", "&sort=date", "&unit=paragraph"])
    qs.append("/api/search?q=" + urllib.parse.quote(q) + "&size=10" + extra)
print("paths = {" + ",".join('"%s"' % p for p in qs) + "}")
print('counter = 0\nrequest = function()\n  counter = counter + 1\n  return wrk.format("GET", paths[(counter % #paths) + 1])\nend')
PY

cat > "$work/serve.toml" <<TOML
${SERVE_TOML:-}
[rate.search]
per_second = 0   # no per-IP search limit: all load comes from one address
TOML
read -r server port < <(python3 "$repo/bench/bench_server.py" start "$bin" "$lib" "$work/serve.toml" "$work/serve.log")
[ -n "$port" ] || { echo "http_load: serve did not start"; exit 1; }

if [ "${CHECK_CLIENT:-0}" = 1 ]; then
  echo "http_load: the client's ceiling (wrk on /healthz, $connections connections, 10 s):"
  wrk -t2 -c"$connections" -d10s "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|Latency"
fi

if [ -n "${WARMUP:-}" ]; then
  echo "http_load: warming up for $WARMUP (not reported)"
  wrk -t2 -c"$connections" -d"$WARMUP" -s "$work/queries.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec"
fi

# /healthz probe and (FLOOD=1) the slow clients, for the length of the run.
secs="${duration%s}"
python3 "$repo/bench/bench_server.py" side "$port" "$secs" "${FLOOD:-0}" > "$work/side.txt" &
side+=($!)
echo "http_load: $(nproc) cores, $connections connections, $duration, 400 distinct queries over the public corpus${FLOOD:+, flood=$FLOOD}"
wrk -t2 -c"$connections" -d"$duration" --latency -s "$work/queries.lua" "http://127.0.0.1:$port"
wait "${side[@]}" 2>/dev/null || true
side=()
cat "$work/side.txt"
