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
import argparse, os, shutil, socket, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_server import corpus_library, healthz_once, percentiles, slow_clients, start_serve  # noqa: E402

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
t0 = time.time()
lib = corpus_library(args.binary, corpus, work)
print(f"imported the corpus in {time.time() - t0:.0f} s")

conf = os.path.join(work, "wenyuan.toml")
with open(conf, "w") as f:
    if args.workers: f.write(f"workers = {args.workers}\n")
    f.write("[rate]\nsearch = { per_second = 100000, burst = 100000 }\n")
server, port = start_serve(args.binary, lib, conf, os.path.join(work, "serve.log"))
try:
    def healthz_phase(name, n):
        lat, bad = [], 0
        for _ in range(n):
            ms, ok = healthz_once(port); lat.append(ms); bad += 0 if ok else 1
            time.sleep(0.01)
        print(f"{name:6s} /healthz n={n} {percentiles(lat)} not-200={bad}")

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
    stop = threading.Event(); got = {}
    clients = slow_clients(port, 4, stop, got)
    time.sleep(1)
    healthz_phase("slow", args.requests)
    stop.set()
    for t in clients: t.join()
    print("slow clients got:", dict(sorted(got.items())))
finally:
    server.terminate(); server.wait()
    if not args.keep: shutil.rmtree(work, ignore_errors=True)
