#!/usr/bin/env bash
# Browser end-to-end tests: tests/e2e/run.sh PATH/TO/wenyuan [TEST_FILE…]
# (all tests/e2e/*.test.mjs unless files are named; KEEP_E2E_DATA=1 keeps the scratch library)
#
# Builds nothing. Makes a scratch library from data/sample, creates an admin, a
# free and a VIP account, starts `wenyuan serve` on a free port with this tree's
# web/, waits for /healthz, runs the node:test files in headless Chromium
# (playwright-core, the system's /usr/bin/chromium; no browser download), stops
# the server and exits with the tests' status. Exit 77 (ctest SKIP_RETURN_CODE)
# when node, npm packages or chromium are missing, saying why.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="${1:-}"
shift || true
tests=()
for t in "$@"; do tests+=("$(realpath "$t")"); done
if [[ -z "$bin" || ! -x "$bin" ]]; then
  echo "usage: $0 PATH/TO/wenyuan (got '${bin}')" >&2
  exit 2
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
chromium="${CHROMIUM:-/usr/bin/chromium}"

skip() { echo "SKIP: $*" >&2; exit 77; }
command -v node >/dev/null || skip "node is not installed (apt-get install nodejs npm)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
(( node_major >= 18 )) || skip "node $node_major is too old (need 18+ for node --test and fetch)"
[[ -x "$chromium" ]] || skip "no chromium at $chromium (apt-get install chromium, or set CHROMIUM)"

cd "$here"
if [[ ! -d node_modules/playwright-core ]]; then
  command -v npm >/dev/null || skip "npm is not installed and tests/e2e/node_modules is missing"
  echo "e2e: npm ci (playwright-core; browsers are not downloaded)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error ||
    skip "npm ci failed (no registry access?); run it in tests/e2e once"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/wenyuan-e2e.XXXXXX")"
data="$work/data"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ "${KEEP_E2E_DATA:-}" == 1 ]]; then echo "e2e: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "e2e: importing data/sample into $data"
# The documents only: data/sample/README.md describes them and is no document.
mapfile -t samples < <(find "$repo/data/sample" -maxdepth 1 -type f ! -name README.md | sort)
"$bin" import --data "$data" -q "${samples[@]}"
"$bin" user add admin --data "$data" --tier admin --password e2e-admin-password
"$bin" user add reader --data "$data" --tier free --password e2e-reader-password
"$bin" user add vipreader --data "$data" --tier vip --password e2e-vip-password

# Generous login/search rates: the tests log in a dozen times from one address.
cat > "$work/serve.toml" <<'EOF'
[rate.login]
per_second = 50
burst = 200
[rate.search]
per_second = 200
burst = 400
[rate.register]
per_second = 50
burst = 200
[rate.download]
per_second = 50
burst = 200
EOF

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
url="http://127.0.0.1:$port"
"$bin" serve --data "$data" --listen "127.0.0.1:$port" --web "$repo/web" --config "$work/serve.toml" \
  >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 100); do
  if node -e "fetch('$url/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: the server exited early:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
node -e "fetch('$url/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" ||
  { echo "e2e: no /healthz answer from $url" >&2; cat "$work/server.log" >&2; exit 1; }
echo "e2e: server at $url (log: $work/server.log)"

(( ${#tests[@]} > 0 )) || tests=("$here"/*.test.mjs)
status=0
WENYUAN_URL="$url" WENYUAN_BIN="$bin" WENYUAN_REPO="$repo" CHROMIUM="$chromium" \
  node --test --test-concurrency=1 "${tests[@]}" || status=$?
if (( status != 0 )); then
  echo "e2e: failed; last server log lines:" >&2
  tail -n 40 "$work/server.log" >&2
fi
exit "$status"
