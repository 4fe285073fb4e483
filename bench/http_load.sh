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
#                       (bench/healthz_flood.py's); their answers are counted
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
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/in"
for f in "$corpus"/*.jsonl.xz; do xz -dc "$f" > "$work/in/$(basename "$f" .xz)"; done
lib="${LIB:-$work/lib}"
if [ ! -d "$lib" ]; then
  "$bin" import -q --data "$lib" "$work/in" >/dev/null
  "$bin" optimize --data "$lib" >/dev/null
fi

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
${SERVE_TOML:-}
[rate.search]
per_second = 0   # no per-IP search limit: all load comes from one address
TOML
"$bin" serve --data "$lib" --listen "127.0.0.1:$port" --config "$work/serve.toml" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

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
python3 - "$port" "$secs" "${FLOOD:-0}" > "$work/side.txt" <<'PY' &
import http.client, json, sys, threading, time, urllib.parse
port, secs, flood = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "1"
stop = threading.Event(); got = {}; lock = threading.Lock()
words = ("发展 建设 经济 社会 改革 人民 国家 政府 工作 推进 加强 坚持 全面 提高 完善 服务 管理 制度 企业 市场 "
         "农村 城市 教育 文化 安全 生态 环境 创新 科技 就业 收入 保障 医疗 卫生 住房 交通 能源 资源 保护 治理 "
         "法律 规定 条例 办法 责任 组织 领导 监督 检查 标准 质量 投资 消费 财政 金融 税收 产业 农业 工业 开放 "
         "合作 稳定 群众").split()
slow_q = urllib.parse.quote(" | ".join(words))
def slow_client():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while not stop.is_set():
        try:
            c.request("GET", f"/api/search?q={slow_q}&unit=paragraph&size=10")
            r = c.getresponse(); body = r.read(); key = str(r.status)
            if r.status != 200:
                try: key += " " + json.loads(body)["error"]["code"]
                except Exception: pass
            with lock: got[key] = got.get(key, 0) + 1
            if r.status == 503: time.sleep(0.05)  # as a client honouring Retry-After would, sooner
        except OSError:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
clients = [threading.Thread(target=slow_client) for _ in range(4 if flood else 0)]
for t in clients: t.start()
lat, bad = [], 0
end = time.time() + secs
time.sleep(0.5)
while time.time() < end - 0.5:
    t = time.perf_counter()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/healthz"); r = c.getresponse(); r.read(); c.close()
        if r.status != 200: bad += 1
    except OSError:
        bad += 1
    lat.append((time.perf_counter() - t) * 1000)
    time.sleep(0.01)
stop.set()
for t in clients: t.join()
lat.sort(); q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"/healthz during the run: n={len(lat)} p50={q(0.5):.1f} ms p99={q(0.99):.1f} ms max={lat[-1]:.1f} ms not-200={bad}")
if flood: print("slow-query flood (4 clients, 63-term OR, paragraph) got:", dict(sorted(got.items())))
PY
side+=($!)
echo "http_load: $(nproc) cores, $connections connections, $duration, 400 distinct queries over the public corpus${FLOOD:+, flood=$FLOOD}"
wrk -t2 -c"$connections" -d"$duration" --latency -s "$work/queries.lua" "http://127.0.0.1:$port"
wait "${side[@]}" 2>/dev/null || true
side=()
cat "$work/side.txt"
