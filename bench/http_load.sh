#!/usr/bin/env bash
# Load benchmark of the HTTP server with wrk: imports the public corpus
# (../shared/corpus) into a fresh library, starts `wenyuan serve` on loopback,
# and sends a mix of real queries (substrings of the corpus, 1-12 characters,
# some with filters) at 64 connections for 30 s. Prints wrk's report with
# throughput, latency percentiles and errors. Traffic stays on 127.0.0.1.
#
#   bench/http_load.sh [WENYUAN_BINARY] [DURATION] [CONNECTIONS]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$repo/build/release/wenyuan}"
duration="${2:-30s}"
connections="${3:-64}"
corpus="$repo/../shared/corpus"
if [ ! -d "$corpus" ]; then echo "http_load: skipped: $corpus is absent"; exit 0; fi
command -v wrk >/dev/null || { echo "http_load: wrk is not installed (scripts/setup installs it)"; exit 1; }

work="$(mktemp -d /tmp/wenyuan-http-load.XXXXXX)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/in"
for f in "$corpus"/*.jsonl.xz; do xz -dc "$f" > "$work/in/$(basename "$f" .xz)"; done
"$bin" import -q --data "$work/lib" "$work/in" >/dev/null
"$bin" optimize --data "$work/lib" >/dev/null

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

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
cat > "$work/serve.toml" <<TOML
[rate.search]
per_second = 0   # no per-IP search limit: all load comes from one address
TOML
"$bin" serve --data "$work/lib" --listen "127.0.0.1:$port" --config "$work/serve.toml" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
echo "http_load: $(nproc) cores, $connections connections, $duration, 400 distinct queries over the public corpus"
wrk -t2 -c"$connections" -d"$duration" --latency -s "$work/queries.lua" "http://127.0.0.1:$port"
