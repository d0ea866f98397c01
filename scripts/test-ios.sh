#!/usr/bin/env bash
# On a Mac: builds the XCFramework, starts a `clavepin serve` on loopback, and runs the
# Swift package's tests against it (on macOS with `swift test`, then on an iPhone
# simulator with xcodebuild, where the pasteboard and the Keychain are the phone's).
#   scripts/test-ios.sh [SIMULATOR NAME]      (default: iPhone 16)
set -euo pipefail
cd "$(dirname "$0")/.."
simulator=${1:-iPhone 16}
scripts/build-xcframework.sh
cargo build -p clavepin-cli
data=$(mktemp -d)
target/debug/clavepin serve --listen 127.0.0.1:0 --data "$data" > "$data/out" 2> "$data/log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do grep -q listening "$data/out" 2>/dev/null && break; sleep 0.1; done
export CLAVEPIN_SERVICE_URL=$(sed -n 's/^clavepin service listening on //p' "$data/out")
export CLAVEPIN_SERVICE_DATA=$data
(cd ios && swift test)
# xcodebuild passes TEST_RUNNER_-prefixed variables on to the simulator's test process.
(cd ios && TEST_RUNNER_CLAVEPIN_SERVICE_URL=$CLAVEPIN_SERVICE_URL TEST_RUNNER_CLAVEPIN_SERVICE_DATA=$data \
  xcodebuild test -scheme ClavePIN -destination "platform=iOS Simulator,name=$simulator")
