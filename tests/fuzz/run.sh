#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan+UBSan) and runs
# each for SECONDS (default 20) from its seed corpus. New inputs that grow
# coverage go to build/fuzz/corpus/<name>/ (not the checked-in seeds); a crash
# leaves its input in build/fuzz/crashes/<name>/ and makes the script exit 1
# after all targets ran. Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(text docx html jsonl outline query check)

cmake --preset fuzz >/dev/null || exit 2
cmake --build --preset fuzz -j"${JOBS:-2}" || exit 2

failed=()
for t in "${targets[@]}"; do
  work=build/fuzz/corpus/$t
  crashes=build/fuzz/crashes/$t
  mkdir -p "$work" "$crashes"
  echo "== fuzz_$t: ${seconds}s"
  # -rss_limit_mb: an input that needs more memory than this is a finding too.
  if ! build/fuzz/tests/fuzz/fuzz_$t "$work" "tests/fuzz/corpus/$t" -max_total_time="$seconds" \
      -rss_limit_mb=2048 -timeout=10 -max_len=262144 -artifact_prefix="$crashes/" -print_final_stats=1 \
      2>"build/fuzz/fuzz_$t.log"; then
    failed+=("$t")
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^(==[0-9]+==)?ERROR|SUMMARY" "build/fuzz/fuzz_$t.log" || true
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]} (inputs under build/fuzz/crashes/, logs build/fuzz/fuzz_*.log)"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s), ${seconds}s each, no findings"
