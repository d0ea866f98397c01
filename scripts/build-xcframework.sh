#!/usr/bin/env bash
# Builds ios/build/ClavePINRust.xcframework, the binary target ios/Package.swift names:
# the Rust library (profile `mobile`, a static library the app links) for iPhones
# (aarch64-apple-ios), for the simulator on Apple silicon and Intel Macs
# (aarch64-apple-ios-sim + x86_64-apple-ios, joined into one slice with lipo), and for
# macOS (aarch64 + x86_64), so that `swift test` runs the package's tests on a Mac.
# Needs a Mac with Xcode and
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh needs a Mac with Xcode" >&2; exit 1; }
source scripts/mobile-sqlite.sh

target_dir=${CARGO_TARGET_DIR:-target}
out=ios/build
staging=$out/staging
rm -rf "$out/ClavePINRust.xcframework" "$staging"
mkdir -p "$staging/ios" "$staging/ios-simulator" "$staging/macos"

for triple in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin; do
  echo "== $triple"
  cargo rustc --profile mobile -p clavepin-ffi --crate-type staticlib --target "$triple"
done
lib() { echo "$target_dir/$1/mobile/libclavepin_ffi.a"; }

cp "$(lib aarch64-apple-ios)" "$staging/ios/libclavepin_ffi.a"
# One simulator slice for both kinds of Mac; an XCFramework takes one per platform.
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$staging/ios-simulator/libclavepin_ffi.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$staging/macos/libclavepin_ffi.a"

# The headers and module maps are the package's own ClavePINFFI target; the
# XCFramework carries only the code.
xcodebuild -create-xcframework \
  -library "$staging/ios/libclavepin_ffi.a" \
  -library "$staging/ios-simulator/libclavepin_ffi.a" \
  -library "$staging/macos/libclavepin_ffi.a" \
  -output "$out/ClavePINRust.xcframework"
rm -rf "$staging"
for slice in "$out"/ClavePINRust.xcframework/*/libclavepin_ffi.a; do
  echo "$slice: $(stat -f %z "$slice") bytes"
done
