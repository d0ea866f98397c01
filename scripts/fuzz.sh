#!/usr/bin/env bash
# Fuzzes every target in fuzz/ with cargo-fuzz (libFuzzer) for SECONDS each (default
# 20), starting from its corpus in fuzz/corpus/TARGET; new inputs go to a scratch copy,
# so the committed corpus changes only when you copy a finding into it. A crash stops
# the run and leaves its input in fuzz/artifacts/TARGET/: add it to the corpus (the
# test suite replays every corpus) with the fix.
#
#   scripts/fuzz.sh            # each target briefly, as the test command does
#   scripts/fuzz.sh 3600       # each for an hour
#   scripts/fuzz.sh 3600 http_request
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n 's/^path = "fuzz_targets\/\(.*\)\.rs"/\1/p' fuzz/Cargo.toml)
fi
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
# cargo-fuzz passes rustc -Z flags (sanitizer coverage); a stable toolchain takes them
# with RUSTC_BOOTSTRAP. No sanitizer: the code forbids unsafe, and the build is faster.
export RUSTC_BOOTSTRAP=1
# Release without whole-program LTO: a fuzz build is rebuilt often, and libFuzzer
# needs speed, not the last few percent.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
options=(--fuzz-dir fuzz --features libfuzzer --sanitizer none --target-dir target/fuzz)
cargo fuzz build "${options[@]}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target"
  echo "fuzzing $target for ${seconds}s"
  cargo fuzz run "${options[@]}" "$target" "$scratch/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 2>&1 |
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|==|SUMMARY|INFO: (Running|Seed))' || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "fuzz target $target failed: see fuzz/artifacts/$target" >&2; exit 1; }
done
