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

step "Kotlin library on the JVM (JNA → target/debug/libclavepin_ffi.so)"
mvn -B -q -Dstyle.color=never -f android/lib/pom.xml clean test
# Surefire's own summary lines are quiet under -q: count the reports instead.
python3 scripts/surefire-summary.py android/lib/target/surefire-reports
