#!/usr/bin/env bash
# Runs every test ClavePIN has, the way CI does: formatting, one debug build that
# serves clippy, the Rust tests and the bindings, the bindings freshness check, and
# the Kotlin library's tests on the JVM through JNA against that same build, and the
# Android platform code under Robolectric.
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

step "the service's suite again, on PostgreSQL (a throwaway cluster on loopback)"
pg_dir=$(mktemp -d)
trap 'scripts/postgres.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
CLAVEPIN_TEST_DATABASE=$(scripts/postgres.sh start "$pg_dir" 54329) \
CLAVEPIN_TEST_DATABASE_CA=$pg_dir/ca.pem \
  cargo test -p clavepin-server --locked --tests
scripts/postgres.sh stop "$pg_dir"
rm -rf "$pg_dir"
trap - EXIT

step "generated bindings are up to date"
scripts/generate-bindings.sh --check

step "Kotlin library on the JVM (JNA → target/debug/libclavepin_ffi.so, real clavepin serve processes)"
service_dir=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$service_dir"' EXIT
# Starts `clavepin serve` (through the command given before `--`, e.g. faketime) with
# its data in $service_dir/NAME; sets served_url to the address it listens on.
serve() {
  local name=$1; shift
  local wrapper=()
  while [ "$1" != "--" ]; do wrapper+=("$1"); shift; done
  shift
  ${wrapper[@]+"${wrapper[@]}"} target/debug/clavepin serve --listen 127.0.0.1:0 --data "$service_dir/$name" "$@" \
    > "$service_dir/$name.out" 2> "$service_dir/$name.log" &
  pids+=($!)
  for _ in $(seq 50); do grep -q listening "$service_dir/$name.out" 2>/dev/null && break; sleep 0.1; done
  served_url=$(sed -n 's/^clavepin service listening on //p' "$service_dir/$name.out")
  [ -n "$served_url" ] || { cat "$service_dir/$name.log" >&2; echo "clavepin serve ($name) did not start" >&2; exit 1; }
}
serve data --
service_url=$served_url
# The device tests' clock skew: a service whose clock is 7 minutes behind the JVM's is
# a phone 7 minutes fast (Debian's faketime moves the service, the device stays real).
serve skewed faketime -f -7m --
skewed_url=$served_url
serve ahead faketime -f +7m --
ahead_url=$served_url
# TLS with a throwaway CA (Debian's openssl): the certificate names localhost.
tls=$service_dir/tls
mkdir -p "$tls"
p256=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${p256[@]}" -days 2 -subj "/CN=ClavePIN test CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
openssl req "${p256[@]}" -subj /CN=localhost -keyout "$tls/key.pem" -out "$tls/leaf.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$tls/leaf.ext"
openssl x509 -req -in "$tls/leaf.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 1 \
  -extfile "$tls/leaf.ext" -out "$tls/cert.pem" 2>/dev/null
openssl x509 -in "$tls/ca.pem" -outform der -out "$tls/ca.der"
serve tls -- --tls-cert "$tls/cert.pem" --tls-key "$tls/key.pem"
tls_url=${served_url/127.0.0.1/localhost}
mvn -B -q -Dstyle.color=never -f android/lib/pom.xml clean test \
  -Dclavepin.service.url="$service_url" -Dclavepin.service.data="$service_dir/data" \
  -Dclavepin.skewed.url="$skewed_url" -Dclavepin.skewed.data="$service_dir/skewed" \
  -Dclavepin.ahead.url="$ahead_url" -Dclavepin.ahead.data="$service_dir/ahead" \
  -Dclavepin.tls.url="$tls_url" -Dclavepin.tls.ca="$tls/ca.der" -Dclavepin.tls.cert="$tls/cert.pem"
# Surefire's own summary lines are quiet under -q: count the reports instead.
python3 scripts/surefire-summary.py android/lib/target/surefire-reports

step "Android platform code under Robolectric (notification, clipboard, Keystore key, push entry; API 36)"
# Maven's own Guava warns about sun.misc.Unsafe on Java 24+: not ours, kept quiet.
MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" JAVA_HOME=$(scripts/java21-home.sh) mvn -B -q -Dstyle.color=never -f android/lib/pom-android.xml clean test
python3 scripts/surefire-summary.py android/lib/target/android/surefire-reports robolectric

step "app sources only the Android SDK and Xcode build: parsed, resources cross-checked"
# tree-sitter's Kotlin and Swift grammars, from PyPI, in a venv of the build's own.
if [ ! -x target/pyenv/bin/python ]; then
  python3 -m venv target/pyenv
  target/pyenv/bin/pip install -q tree-sitter==0.26.1 tree-sitter-kotlin==1.1.0 tree-sitter-swift==0.7.4
fi
target/pyenv/bin/python scripts/check-sources.py

step "fuzzing: every target briefly (the corpora were replayed by cargo test; scripts/fuzz.sh 3600 fuzzes for hours)"
scripts/fuzz.sh "${CLAVEPIN_FUZZ_SECONDS:-15}"
