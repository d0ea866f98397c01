#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings from the debug build of clavepin-ffi with
# the workspace's own uniffi-bindgen, and puts them where android/lib and ios/ expect.
#   scripts/generate-bindings.sh          regenerate in place
#   scripts/generate-bindings.sh --check  fail if the committed bindings are stale
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
[ "${1:-}" = "--check" ] && check=true

kotlin_dest=android/lib/src/main/kotlin/es/clavepin/ffi
swift_dest=ios/Sources/ClavePIN/Generated
headers_dest=ios/Sources/ClavePINFFI/include

# Library mode reads the metadata uniffi embeds in the unstripped library.
cargo build --quiet -p clavepin-ffi -p uniffi-bindgen
case "$(uname -s)" in
  Darwin) lib=target/debug/libclavepin_ffi.dylib ;;
  *) lib=target/debug/libclavepin_ffi.so ;;
esac

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
generate() {
  target/debug/uniffi-bindgen generate "$lib" --config uniffi.toml --no-format "$@"
}
generate --language kotlin --out-dir "$out/kotlin"
# Swift names its file after the module, which all three crates share: one crate at a
# time, each file then named after its crate.
crates=(clavepin_protocol clavepin_core clavepin_ffi)
for crate in "${crates[@]}"; do
  generate --language swift --crate "$crate" --out-dir "$out/swift-$crate"
done

# Lay the generated files out as they are committed.
stage=$out/stage
mkdir -p "$stage/kotlin" "$stage/swift" "$stage/headers"
cp -R "$out/kotlin/es/clavepin/ffi/." "$stage/kotlin/"
for crate in "${crates[@]}"; do
  cp "$out/swift-$crate"/*.swift "$stage/swift/$crate.swift"
  cp "$out/swift-$crate"/*.h "$stage/headers/"
  # SwiftPM's C target wants one module map named module.modulemap.
  { cat "$out/swift-$crate"/*.modulemap; echo; } >> "$stage/headers/module.modulemap"
done

if $check; then
  stale=0
  for pair in "kotlin:$kotlin_dest" "swift:$swift_dest" "headers:$headers_dest"; do
    if ! diff -r "$stage/${pair%%:*}" "${pair#*:}" >/dev/null 2>&1; then
      echo "stale generated bindings in ${pair#*:}" >&2
      stale=1
    fi
  done
  if [ "$stale" -ne 0 ]; then
    echo "run scripts/generate-bindings.sh and commit the result" >&2
    exit 1
  fi
  echo "generated bindings are up to date"
else
  for pair in "kotlin:$kotlin_dest" "swift:$swift_dest" "headers:$headers_dest"; do
    rm -rf "${pair#*:}"
    mkdir -p "${pair#*:}"
    cp -R "$stage/${pair%%:*}/." "${pair#*:}/"
  done
  echo "bindings written to $kotlin_dest, $swift_dest and $headers_dest"
fi
