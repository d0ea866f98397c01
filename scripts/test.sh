#!/usr/bin/env bash
# Runs every test ClavePIN has, the way CI does: formatting, one debug build that
# serves clippy, the Rust tests and the bindings, the bindings freshness check, and
# the Kotlin library's tests on the JVM through JNA against that same build.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "toolchain"
scripts/install-prerequisites.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo build (debug, whole workspace)"
cargo build --workspace --all-targets --locked

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "generated bindings are up to date"
scripts/generate-bindings.sh --check

step "Kotlin library on the JVM (JNA → target/debug/libclavepin_ffi.so, a real clavepin serve)"
service_dir=$(mktemp -d)
target/debug/clavepin serve --listen 127.0.0.1:0 --data "$service_dir/data" > "$service_dir/out" 2> "$service_dir/log" &
service_pid=$!
trap 'kill "$service_pid" 2>/dev/null; rm -rf "$service_dir"' EXIT
for _ in $(seq 50); do grep -q listening "$service_dir/out" 2>/dev/null && break; sleep 0.1; done
service_url=$(sed -n 's/^clavepin service listening on //p' "$service_dir/out")
[ -n "$service_url" ] || { cat "$service_dir/log" >&2; echo "clavepin serve did not start" >&2; exit 1; }
mvn -B -q -Dstyle.color=never -f android/lib/pom.xml clean test \
  -Dclavepin.service.url="$service_url" -Dclavepin.service.data="$service_dir/data"
# Surefire's own summary lines are quiet under -q: count the reports instead.
python3 scripts/surefire-summary.py android/lib/target/surefire-reports
