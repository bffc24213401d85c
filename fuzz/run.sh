#!/usr/bin/env bash
# Fuzz every reader for SECONDS each: fuzz/run.sh SECONDS [TARGET...]
#
# Coverage-guided (libFuzzer through `cargo fuzz`, on stable Rust with RUSTC_BOOTSTRAP=1; install
# it once with `cargo install cargo-fuzz`). Each target starts from its committed seeds
# (fuzz/seeds/TARGET) plus the working corpus it grew before (fuzz/corpus/TARGET, not committed).
# Crashes land in fuzz/artifacts/TARGET/: each one becomes a regression test and gets fixed.
# FUZZ_SANITIZER=address turns AddressSanitizer on (default none: the readers are safe Rust,
# and panics are what we look for); FUZZ_JOBS=N runs N processes per target.
# Prints one line per target: runs, seconds, crashes. Exit 1 when any target crashed.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(html warc jsonl text conllu iob2 store_json)
export RUSTC_BOOTSTRAP=1
san="${FUZZ_SANITIZER:-none}"
jobs="${FUZZ_JOBS:-1}"
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz missing: cargo install cargo-fuzz" >&2; exit 2; }
for t in "${targets[@]}"; do cargo fuzz build -O -s "$san" "$t" >/dev/null 2>&1 || { echo "build of $t failed" >&2; exit 2; }; done
status=0
printf 'target\truns\tseconds\tcrashes\tcorpus\n'
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  before=$(find "artifacts/$t" -type f | wc -l)
  log="artifacts/$t.log"
  start=$(date +%s)
  # -timeout: a single input slower than 10 s is a finding (hang) too.
  cargo fuzz run -O -s "$san" "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -print_final_stats=1 -jobs="$jobs" -workers="$jobs" >"$log" 2>&1 || true
  end=$(date +%s)
  runs=$(grep -h 'stat::number_of_executed_units' "$log" fuzz-*.log 2>/dev/null | awk '{s+=$2} END {print s+0}')
  rm -f fuzz-*.log
  after=$(find "artifacts/$t" -type f | wc -l)
  crashes=$((after - before))
  [ "$crashes" -eq 0 ] || status=1
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$runs" "$((end - start))" "$crashes" "$(find "corpus/$t" -type f | wc -l)"
done
exit $status
