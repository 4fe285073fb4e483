#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan+UBSan) and runs
# each for SECONDS (default 20) from its seed corpus. New inputs that grow
# coverage go to build/$preset/corpus/<name>/ (not the checked-in seeds); a crash
# leaves its input in build/$preset/crashes/<name>/ and makes the script exit 1
# after all targets ran. Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(text docx html jsonl outline query check pdf multipart http)

# PRESET=asan (scripts/sanitize): the asan tree builds the same targets beside the tests.
preset=${PRESET:-fuzz}
cmake --preset "$preset" >/dev/null || exit 2
cmake --build --preset "$preset" -j"${JOBS:-2}" --target fuzz >/dev/null || exit 2

failed=()
for t in "${targets[@]}"; do
  work=build/$preset/corpus/$t
  crashes=build/$preset/crashes/$t
  mkdir -p "$work" "$crashes"
  echo "== fuzz_$t: ${seconds}s"
  # -rss_limit_mb: an input that needs more memory than this is a finding too.
  if ! build/$preset/tests/fuzz/fuzz_$t "$work" "tests/fuzz/corpus/$t" -max_total_time="$seconds" \
      -rss_limit_mb=2048 -timeout=10 -max_len=262144 -artifact_prefix="$crashes/" -print_final_stats=1 \
      2>"build/$preset/fuzz_$t.log"; then
    failed+=("$t")
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^(==[0-9]+==)?ERROR|SUMMARY" "build/$preset/fuzz_$t.log" || true
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]} (inputs under build/$preset/crashes/, logs build/$preset/fuzz_*.log)"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s), ${seconds}s each, no findings"
