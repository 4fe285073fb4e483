#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan+UBSan) and runs
# each for SECONDS (default 20) from its seed corpus, PARALLEL (default 1) at a
# time. New inputs that grow coverage go to build/$preset/corpus/<name>/ (not
# the checked-in seeds); a crash leaves its input in build/$preset/crashes/<name>/
# and makes the script exit 1 after all targets ran. Every crash found becomes a
# seed under tests/fuzz/corpus/<name>/ and a unit test (docs/testing.md).
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
#   PRESET=asan  use the asan tree (scripts/sanitize builds the targets there)
#   PARALLEL=2   run two targets at once (CI: one per core)
#   NICE=19      run the fuzzers niced (long local runs on a shared machine)
#   FUZZ_BUILT=1 the targets are built already (scripts/sanitize after its asan build)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
seconds=${1:-20}
shift || true
targets=("$@")
# Default: every target of WENYUAN_FUZZ_TARGETS (tests/fuzz/CMakeLists.txt, the one list).
# shellcheck disable=SC2207  # the names are words
((${#targets[@]})) || targets=($(sed -n 's/^set(WENYUAN_FUZZ_TARGETS \(.*\))$/\1/p' tests/fuzz/CMakeLists.txt))
((${#targets[@]})) || { echo "run.sh: no WENYUAN_FUZZ_TARGETS in tests/fuzz/CMakeLists.txt"; exit 2; }

preset=${PRESET:-fuzz}
# FUZZ_BUILT=1: the caller has just built `fuzz` in this tree (scripts/sanitize's
# asan part), so neither configure nor build again: a second configure is not
# free (cmake re-runs, ninja re-checks every target) and cannot add anything.
if [ "${FUZZ_BUILT:-0}" = 1 ] && [ -d "build/$preset/tests/fuzz" ]; then
  :
else
  cmake --preset "$preset" >/dev/null || exit 2
  cmake --build --preset "$preset" -j"${JOBS:-2}" --target fuzz >/dev/null || exit 2
fi

run_one() {  # target: 0 when the run ended without a finding
  local t=$1 work=build/$preset/corpus/$1 crashes=build/$preset/crashes/$1
  mkdir -p "$work" "$crashes"
  # -rss_limit_mb: an input that needs more memory than this is a finding too.
  # -timeout: one input that takes more than 10 s is a finding (a stall).
  nice -n "${NICE:-0}" "build/$preset/tests/fuzz/fuzz_$t" "$work" "tests/fuzz/corpus/$t" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
    -artifact_prefix="$crashes/" -print_final_stats=1 >"build/$preset/fuzz_$t.log" 2>&1
}

report() {  # target, exit code
  local t=$1 rc=$2 execs
  execs=$(grep -E "^stat::number_of_executed_units" "build/$preset/fuzz_$t.log" | awk '{print $2}')
  echo "== fuzz_$t: ${seconds}s, ${execs:-?} executions, exit $rc"
  grep -E "^stat::peak_rss_mb|^(==[0-9]+==)?ERROR|SUMMARY|runtime error" "build/$preset/fuzz_$t.log" | head -5 || true
}

failed=()
declare -A pid_of=()
for t in "${targets[@]}"; do
  while ((${#pid_of[@]} >= ${PARALLEL:-1})); do
    wait -n || true
    for k in "${!pid_of[@]}"; do
      if ! kill -0 "${pid_of[$k]}" 2>/dev/null; then
        wait "${pid_of[$k]}"; rc=$?
        report "$k" "$rc"; ((rc == 0)) || failed+=("$k")
        unset "pid_of[$k]"
      fi
    done
  done
  run_one "$t" &
  pid_of[$t]=$!
done
for k in "${!pid_of[@]}"; do
  wait "${pid_of[$k]}"; rc=$?
  report "$k" "$rc"; ((rc == 0)) || failed+=("$k")
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]} (inputs under build/$preset/crashes/, logs build/$preset/fuzz_*.log)"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s), ${seconds}s each, no findings"
