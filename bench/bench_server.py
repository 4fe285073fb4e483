#!/usr/bin/env python3
"""The benchmarks' one way to get a library of the public corpus and a server
on it, and their one slow-query flood and /healthz probe (bench/http_load.sh and
bench/healthz_flood.py both use these; neither has its own copy).

As a command, for the shell benchmarks:
  bench_server.py library BINARY CORPUS WORK [LIB]   decompress CORPUS into WORK/in;
      import and optimize into LIB (default WORK/lib) unless it exists; prints LIB
  bench_server.py start BINARY LIB CONFIG LOG        start `serve` (detached), wait
      for /healthz; prints "PID PORT" (the caller kills PID)
  bench_server.py side PORT SECONDS FLOOD            probe /healthz every 10 ms for
      SECONDS, with (FLOOD=1) the 4 slow clients; prints the figures
"""
import http.client, json, lzma, os, shutil, socket, subprocess, sys, threading, time, urllib.parse

# 63 common words: the OR query of the slow-query flood (issue 14), asked in paragraph mode.
WORDS = ("发展 建设 经济 社会 改革 人民 国家 政府 工作 推进 加强 坚持 全面 提高 完善 服务 管理 制度 企业 市场 "
         "农村 城市 教育 文化 安全 生态 环境 创新 科技 就业 收入 保障 医疗 卫生 住房 交通 能源 资源 保护 治理 "
         "法律 规定 条例 办法 责任 组织 领导 监督 检查 标准 质量 投资 消费 财政 金融 税收 产业 农业 工业 开放 "
         "合作 稳定 群众").split()
assert len(WORDS) == 63, len(WORDS)


def corpus_library(binary, corpus, work, lib=None):
    """WORK/in holds the corpus's .jsonl files; LIB (imported and optimized if absent)."""
    inp = os.path.join(work, "in")
    os.makedirs(inp, exist_ok=True)
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".jsonl.xz"):
            with lzma.open(os.path.join(corpus, name)) as f, open(os.path.join(inp, name[:-3]), "wb") as o:
                shutil.copyfileobj(f, o)
    lib = lib or os.path.join(work, "lib")
    if not os.path.isdir(lib):
        subprocess.run([binary, "import", "-q", "--data", lib, inp], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([binary, "optimize", "--data", lib], check=True, stdout=subprocess.DEVNULL)
    return lib


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def start_serve(binary, lib, config, log, detach=False):
    """`serve` on a free loopback port with CONFIG, answering /healthz: (Popen, port)."""
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--data", lib, "--listen", f"127.0.0.1:{port}", "--config", config],
                              stdout=subprocess.DEVNULL, stderr=open(log, "w"), start_new_session=detach)
    for _ in range(200):
        if server.poll() is not None: break
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5); c.request("GET", "/healthz")
            if c.getresponse().status == 200: return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit(f"bench_server: serve did not answer /healthz (see {log})")


def healthz_once(port):
    """Milliseconds of one /healthz on a new connection, and whether it was a 200."""
    t = time.perf_counter()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/healthz"); r = c.getresponse(); r.read(); c.close()
        ok = r.status == 200
    except OSError:
        ok = False
    return (time.perf_counter() - t) * 1000, ok


def percentiles(lat):
    lat = sorted(lat)
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
    return f"p50={q(0.5):.1f} ms p99={q(0.99):.1f} ms max={lat[-1]:.1f} ms"


def slow_clients(port, n, stop, got):
    """N threads sending the 63-term OR paragraph query until STOP; answers counted in GOT."""
    q = urllib.parse.quote(" | ".join(WORDS))
    lock = threading.Lock()
    def client():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while not stop.is_set():
            try:
                c.request("GET", f"/api/search?q={q}&unit=paragraph&size=10")
                r = c.getresponse(); body = r.read(); key = str(r.status)
                if r.status != 200:
                    try: key += " " + json.loads(body)["error"]["code"]
                    except Exception: pass
                with lock: got[key] = got.get(key, 0) + 1
                if r.status == 503: time.sleep(0.05)  # as a client honouring Retry-After would, sooner
            except OSError:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    threads = [threading.Thread(target=client) for _ in range(n)]
    for t in threads: t.start()
    return threads


def side(port, secs, flood):
    stop = threading.Event(); got = {}
    clients = slow_clients(port, 4, stop, got) if flood else []
    lat, bad = [], 0
    end = time.time() + secs
    time.sleep(0.5)
    while time.time() < end - 0.5:
        ms, ok = healthz_once(port); lat.append(ms); bad += 0 if ok else 1
        time.sleep(0.01)
    stop.set()
    for t in clients: t.join()
    print(f"/healthz during the run: n={len(lat)} {percentiles(lat)} not-200={bad}")
    if flood: print("slow-query flood (4 clients, 63-term OR, paragraph) got:", dict(sorted(got.items())))


if __name__ == "__main__":
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "library":
        print(corpus_library(*rest))
    elif cmd == "start":
        server, port = start_serve(*rest, detach=True)
        print(server.pid, port)
    elif cmd == "side":
        side(int(rest[0]), float(rest[1]), rest[2] == "1")
    else:
        sys.exit(f"bench_server: unknown command {cmd}")
