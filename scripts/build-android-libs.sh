#!/usr/bin/env bash
# Builds the library the Android app ships, for arm64-v8a, armeabi-v7a and x86_64
# (profile `mobile`, API 28, identical code folded, relocations packed the Android
# way), into OUT/<abi>/libclavepin_ffi.so. Gradle's :lib runs it before every build.
# Needs the Android NDK (ANDROID_NDK_HOME), `cargo install cargo-ndk`, and
#   rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
#   scripts/build-android-libs.sh OUT
set -euo pipefail
out=$(realpath -m "${1:?usage: scripts/build-android-libs.sh OUT}")
cd "$(dirname "$0")/.."
source scripts/mobile-sqlite.sh
command -v cargo-ndk >/dev/null 2>&1 || { echo "install cargo-ndk (cargo install cargo-ndk)" >&2; exit 1; }
cargo ndk --platform 28 -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$out" \
  rustc --profile mobile -p clavepin-ffi --crate-type cdylib -- \
  -C link-arg=-Wl,--icf=all -C link-arg=-Wl,--pack-dyn-relocs=android+relr
