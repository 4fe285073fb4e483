#!/usr/bin/env python3
"""/healthz latency while the server is flooded (issue 14).

Imports ../shared/corpus into a fresh library, starts `wenyuan serve` on
loopback and measures /healthz (a new connection per request, from 127.0.0.1)
in three phases:
  quiet      nothing else going on;
  idle       one other address (127.0.0.2) holds IDLE sockets open without
             sending a byte (the per-IP cap answers the 65th and later with 429);
  slow       4 clients send 63-term OR queries in paragraph mode in a loop
             (the per-query budget, search_budget_ms, cuts each at 2 s).
Prints p50/p99/max of /healthz per phase and what the slow clients got.

  bench/healthz_flood.py [WENYUAN_BINARY] [--requests N] [--idle N] [--workers N] [--corpus DIR]
"""
import argparse, json, os, socket, subprocess, sys, tempfile, threading, time, urllib.parse, lzma, shutil
import http.client

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("binary", nargs="?", default=os.path.join(repo, "build/release/wenyuan"))
ap.add_argument("--requests", type=int, default=300)
ap.add_argument("--idle", type=int, default=10000)
ap.add_argument("--workers", type=int, default=0)
ap.add_argument("--keep", action="store_true")
ap.add_argument("--corpus", default=os.path.join(repo, "..", "shared", "corpus"))
args = ap.parse_args()
corpus = args.corpus
if not os.path.isdir(corpus):
    print("healthz_flood: skipped: ../shared/corpus is absent"); sys.exit(0)

work = tempfile.mkdtemp(prefix="wy-flood-")
inp = os.path.join(work, "in"); os.makedirs(inp)
for name in sorted(os.listdir(corpus)):
    if name.endswith(".jsonl.xz"):
        with lzma.open(os.path.join(corpus, name)) as f, open(os.path.join(inp, name[:-3]), "wb") as o:
            shutil.copyfileobj(f, o)
lib = os.path.join(work, "lib")
t0 = time.time()
subprocess.run([args.binary, "import", "-q", "--data", lib, inp], check=True, stdout=subprocess.DEVNULL)
subprocess.run([args.binary, "optimize", "--data", lib], check=True, stdout=subprocess.DEVNULL)
print(f"imported the corpus in {time.time() - t0:.0f} s")

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

port = free_port()
conf = os.path.join(work, "wenyuan.toml")
with open(conf, "w") as f:
    f.write(f'listen = "127.0.0.1:{port}"\n')
    if args.workers: f.write(f"workers = {args.workers}\n")
    f.write("[rate]\nsearch = { per_second = 100000, burst = 100000 }\n")
server = subprocess.Popen([args.binary, "serve", "--data", lib, "--config", conf], stdout=subprocess.DEVNULL,
                          stderr=open(os.path.join(work, "serve.log"), "w"))
try:
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5); c.request("GET", "/healthz")
            if c.getresponse().status == 200: break
        except OSError:
            time.sleep(0.1)

    def healthz_phase(name, n):
        lat, bad = [], 0
        for _ in range(n):
            t = time.perf_counter()
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("GET", "/healthz"); r = c.getresponse(); r.read(); c.close()
                if r.status != 200: bad += 1
            except OSError:
                bad += 1
            lat.append((time.perf_counter() - t) * 1000)
            time.sleep(0.01)
        lat.sort()
        q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
        print(f"{name:6s} /healthz n={n} p50={q(0.5):.1f} ms p99={q(0.99):.1f} ms max={lat[-1]:.1f} ms not-200={bad}")

    healthz_phase("quiet", args.requests)

    # Idle-socket flood from another loopback address.
    idle, refused = [], 0
    for _ in range(args.idle):
        s = socket.socket()
        try:
            s.bind(("127.0.0.2", 0)); s.connect(("127.0.0.1", port)); idle.append(s)
        except OSError:
            refused += 1; s.close()
    print(f"idle flood: {len(idle)} sockets connected from 127.0.0.2 ({refused} connect errors)")
    healthz_phase("idle", args.requests)
    for s in idle: s.close()

    # Slow-query flood: 63-term OR queries in paragraph mode.
    words = ("发展 建设 经济 社会 改革 人民 国家 政府 工作 推进 加强 坚持 全面 提高 完善 服务 管理 制度 企业 市场 "
             "农村 城市 教育 文化 安全 生态 环境 创新 科技 就业 收入 保障 医疗 卫生 住房 交通 能源 资源 保护 治理 "
             "法律 规定 条例 办法 责任 组织 领导 监督 检查 标准 质量 投资 消费 财政 金融 税收 产业 农业 工业 开放 "
             "合作 稳定 群众").split()
    assert len(words) == 63, len(words)
    q = urllib.parse.quote(" | ".join(words))
    stop = threading.Event(); got = {}
    lock = threading.Lock()
    def slow_client():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while not stop.is_set():
            try:
                c.request("GET", f"/api/search?q={q}&unit=paragraph&size=10")
                r = c.getresponse(); body = r.read()
                key = str(r.status)
                if r.status != 200:
                    try: key += " " + json.loads(body)["error"]["code"]
                    except Exception: pass
                with lock: got[key] = got.get(key, 0) + 1
            except OSError:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    clients = [threading.Thread(target=slow_client) for _ in range(4)]
    for t in clients: t.start()
    time.sleep(1)
    healthz_phase("slow", args.requests)
    stop.set()
    for t in clients: t.join()
    print("slow clients got:", dict(sorted(got.items())))
finally:
    server.terminate(); server.wait()
    if not args.keep: shutil.rmtree(work, ignore_errors=True)
