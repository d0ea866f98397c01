#!/usr/bin/env bash
# Builds the library the apps ship (profile `mobile`: size over speed), for this host
# or for the Rust target given (e.g. aarch64-linux-android, aarch64-apple-ios, with
# that platform's toolchain installed). Without arguments it reports the stripped size.
#   scripts/build-mobile-lib.sh [--target TRIPLE]
set -euo pipefail
cd "$(dirname "$0")/.."

# SQLite without the extensions ClavePIN never uses: full-text search, R-trees,
# dbstat, soundex, extended statistics, column metadata, JSON functions, loadable
# extensions. (libsqlite3-sys appends these after its defaults, so -U removes them.)
export LIBSQLITE3_FLAGS="-USQLITE_ENABLE_FTS3 -USQLITE_ENABLE_FTS3_PARENTHESIS -USQLITE_ENABLE_FTS5 \
  -USQLITE_ENABLE_RTREE -USQLITE_ENABLE_DBSTAT_VTAB -USQLITE_SOUNDEX -USQLITE_ENABLE_STAT4 \
  -USQLITE_ENABLE_COLUMN_METADATA -USQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_OMIT_LOAD_EXTENSION \
  -DSQLITE_OMIT_JSON"

cargo build --profile mobile -p clavepin-ffi "$@"

if [ $# -eq 0 ]; then
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
