#!/usr/bin/env python3
"""Crash test (issue 14): imports, deletes, uploads and merges while this
parent SIGKILLs them at random moments; after every kill `wenyuan verify` must
pass, and at the end every acknowledged document must be present (`wenyuan
list`) and found by a search for its own unique phrase (`wenyuan search
--batch`), and every acknowledged delete must be gone.

Acknowledged means: `wenyuan import` exited 0 (its documents), `wenyuan delete`
exited 0, an upload got HTTP 200 with the document's id. A killed operation
acknowledged nothing; what it may have done anyway is allowed, not required
(a killed delete's document may be there or not).

  tests/crash/crash_test.py WENYUAN_BINARY [--kills N] [--seed S] [--keep]

Short form in ctest (20 kills); the long form (--kills 200) is for the closing
figures. Exit 0: every check held; 1: a failure (printed).
"""
import argparse, http.client, json, os, random, shutil, signal, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("binary")
ap.add_argument("--kills", type=int, default=20)
ap.add_argument("--seed", type=int, default=14)
ap.add_argument("--keep", action="store_true")
args = ap.parse_args()
rng = random.Random(args.seed)
work = tempfile.mkdtemp(prefix="wy-crash-")
data = os.path.join(work, "data")
DIGITS = "零一二三四五六七八九"
next_id = [0]
present, deleted = {}, set()  # acknowledged: id -> unique phrase; ids whose delete was acknowledged
failures = []


def phrase(n):
    return "崩溃测试标记" + "".join(DIGITS[int(c)] for c in str(n)) + "号"


def new_docs(k):
    docs = []
    for _ in range(k):
        n = next_id[0]; next_id[0] += 1
        docs.append((f"crash-{n:06d}", phrase(n)))
    return docs


def jsonl(docs):
    lines = []
    for i, p in docs:
        body = f"关于{p}的通知\n" + "各单位：现将有关事项通知如下。" * rng.randint(5, 80) + f"\n本文的唯一标记是{p}。\n"
        lines.append(json.dumps({"id": i, "title": f"关于{p}的通知", "text": body, "source": "崩溃测试"},
                                ensure_ascii=False))
    return "\n".join(lines) + "\n"


def run(cmd, timeout=120):
    return subprocess.run([args.binary] + cmd + ["--data", data], capture_output=True, text=True, timeout=timeout)


def killed_run(cmd, stdin=None):
    """Starts cmd, SIGKILLs it after a random delay; returns the exit code (negative: killed)."""
    p = subprocess.Popen([args.binary] + cmd + ["--data", data], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=rng.uniform(0.0, 0.6))
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
    return p.returncode


def verify(after):
    r = run(["verify"], timeout=300)
    if r.returncode != 0:
        failures.append(f"verify failed after {after}: {r.stdout.strip()} {r.stderr.strip()}")


def op_import():
    docs = new_docs(rng.randint(1, 40))
    f = os.path.join(work, f"in-{docs[0][0]}.jsonl")
    with open(f, "w", encoding="utf-8") as o:
        o.write(jsonl(docs))
    rc = killed_run(["import", "-q", f])
    if rc == 0:
        present.update(docs)
    return rc


def op_delete():
    if not present:
        return op_import()
    i = rng.choice(sorted(present))
    rc = killed_run(["delete", i])
    # Killed, the delete may or may not have committed: the document is required
    # neither present nor absent from now on.
    present.pop(i)
    if rc == 0:
        deleted.add(i)
    return rc


def op_merge():
    return killed_run(["optimize"])


admin_token = [None]


def op_upload():
    if admin_token[0] is None:
        if run(["user", "add", "admin", "--tier", "admin", "--password", "crash-test-password"]).returncode != 0:
            failures.append("cannot create the admin account"); return 0
        admin_token[0] = run(["token", "create", "--user", "admin"]).stdout.strip().split()[-1]
    p = subprocess.Popen([args.binary, "serve", "--data", data, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    port = None
    line = p.stdout.readline()
    if line.startswith("listening on port "):
        port = int(line.split()[-1])
    kill_at = time.monotonic() + rng.uniform(0.05, 1.5)
    try:
        while port and time.monotonic() < kill_at:
            docs = new_docs(rng.randint(1, 5))
            b = "----wyCrash"
            body = (f"--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"u.jsonl\"\r\n"
                    f"Content-Type: application/octet-stream\r\n\r\n" + jsonl(docs) + f"\r\n--{b}--\r\n").encode()
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                c.request("POST", "/api/admin/documents", body, {"Authorization": "Bearer " + admin_token[0],
                                                                  "Content-Type": "multipart/form-data; boundary=" + b})
                r = c.getresponse(); payload = r.read()
                if r.status == 200:
                    ids = set(json.loads(payload).get("ids", []))
                    present.update((i, ph) for i, ph in docs if i in ids)
            except (OSError, http.client.HTTPException):
                break  # killed mid-request: not acknowledged
    finally:
        p.send_signal(signal.SIGKILL); p.wait()
    return -9


ops = [op_import] * 5 + [op_delete] * 2 + [op_merge] * 2 + [op_upload]
os.makedirs(work, exist_ok=True)
kills = 0
t0 = time.time()
try:
    # A first import that is not killed, so deletes have something to work on.
    seed_docs = new_docs(20)
    seed = os.path.join(work, "seed.jsonl")
    with open(seed, "w", encoding="utf-8") as o:
        o.write(jsonl(seed_docs))
    r = run(["import", "-q", seed])
    if r.returncode != 0:
        print("crash_test: the first import failed:", r.stderr); sys.exit(1)
    present.update(seed_docs)
    while kills < args.kills and not failures:
        op = rng.choice(ops)
        rc = op()
        if rc < 0:
            kills += 1
        verify(f"{op.__name__} (kill {kills})")
    # Every acknowledged document present and found; every acknowledged delete gone.
    listed = run(["list", "--json", "--limit", "0"])
    ids = set()
    try:
        j = json.loads(listed.stdout)
        docs = j["documents"] if isinstance(j, dict) else j
        ids = {d["id"] for d in docs}
    except (ValueError, KeyError, TypeError):
        failures.append("cannot read `wenyuan list --json`: " + listed.stdout[:200])
    missing = sorted(set(present) - ids)
    if missing:
        failures.append(f"{len(missing)} acknowledged documents missing, e.g. {missing[:5]}")
    back = sorted(deleted & ids)
    if back:
        failures.append(f"{len(back)} acknowledged deletes came back, e.g. {back[:5]}")
    qfile = os.path.join(work, "queries.txt")
    order = sorted(present)
    with open(qfile, "w", encoding="utf-8") as o:
        for i in order:
            o.write(present[i] + "\n")
    sr = run(["search", "--batch", qfile, "--limit", "0"], timeout=600)
    not_found = []
    lines = [l for l in sr.stdout.splitlines() if l.strip()]
    if len(lines) != len(order):
        failures.append(f"search --batch answered {len(lines)} of {len(order)} queries: {sr.stderr[:200]}")
    else:
        for i, l in zip(order, lines):
            if i not in json.loads(l)["ids"]:
                not_found.append(i)
    if not_found:
        failures.append(f"{len(not_found)} acknowledged documents not found by their phrase, e.g. {not_found[:5]}")
    print(f"crash_test: {kills} kills in {time.time() - t0:.0f} s, {len(present)} acknowledged documents present "
          f"and found, {len(deleted)} acknowledged deletes gone, verify passed after every kill"
          if not failures else "crash_test: FAILED")
    for f in failures:
        print("  " + f)
finally:
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept", work)
sys.exit(1 if failures else 0)
