#!/usr/bin/env bash
# Builds the library the apps ship (profile `mobile`: size over speed), for this host
# or for the Rust target given (e.g. aarch64-linux-android, aarch64-apple-ios, with
# that platform's toolchain installed). Without arguments it reports the stripped size.
#   scripts/build-mobile-lib.sh [--target TRIPLE]
set -euo pipefail
cd "$(dirname "$0")/.."

# The SQLite the apps carry (scripts/mobile-sqlite.sh).
source scripts/mobile-sqlite.sh

# The linker's share of the size (docs/PERFORMANCE.md): identical code folded once
# (--icf=all), and the ~300 KB of relative relocations that position-independent
# code needs packed (RELR; Android's own packing on phones, which Android 9+ reads).
# lld does both: it is the Android NDK's linker, and on a desktop Debian's lld-16
# (15 or later: it marks RELR for glibc). `cargo rustc` gives these to the library's
# own link only, not to build scripts.
target=""
prev=""
for arg in "$@"; do
  case "$prev" in --target) target=$arg ;; esac
  prev=$arg
done
kind=cdylib
case "$target" in
  *android*) link=(-C link-arg=-Wl,--icf=all -C link-arg=-Wl,--pack-dyn-relocs=android+relr) ;;
  # iOS links the static library into the app (scripts/build-xcframework.sh); ld64
  # strips dead code and uses chained fixups there.
  *apple*) kind=staticlib; link=() ;;
  *)
    lld_dir=/usr/lib/llvm-16/bin
    [ -x "$lld_dir/ld.lld" ] || { echo "install Debian's lld-16 (apt-get install lld-16)" >&2; exit 1; }
    link=(-C link-arg=-fuse-ld=lld "-C" "link-arg=-B$lld_dir" -C link-arg=-Wl,--icf=all -C link-arg=-Wl,-z,pack-relative-relocs) ;;
esac

cargo rustc --profile mobile -p clavepin-ffi --crate-type "$kind" "$@" -- ${link[@]+"${link[@]}"}

if [ -z "$target" ]; then
  dir=${CARGO_TARGET_DIR:-target}/mobile
  lib=""
  for candidate in "$dir"/libclavepin_ffi.so "$dir"/libclavepin_ffi.dylib; do
    [ -f "$candidate" ] && lib=$candidate && break
  done
  [ -n "$lib" ] || { echo "no library in $dir" >&2; exit 1; }
  stripped=$(mktemp)
  cp "$lib" "$stripped" && strip "$stripped" 2>/dev/null || strip -x "$stripped"
  echo "$lib: $(stat -c %s "$lib" 2>/dev/null || stat -f %z "$lib") bytes, stripped $(stat -c %s "$stripped" 2>/dev/null || stat -f %z "$stripped") bytes"
  rm -f "$stripped"
fi
