#!/usr/bin/env bash
# Installs what the tests need beyond a Rust toolchain, only where it is missing, so
# a fresh machine (or CI) needs nothing but this repository.
set -euo pipefail

need_apt=()
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# The app sources' parse check runs tree-sitter in a venv of its own.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_apt+=(python3-venv)
# The desktop companion's wrong-clock test runs it under Debian's faketime.
command -v faketime >/dev/null 2>&1 || need_apt+=(faketime)
# Throwaway TLS certificates for the TLS tests.
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
# The README's walk-through, which a test runs, asks for a PIN with curl.
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
# The suite runs a second time on PostgreSQL, in a throwaway cluster on loopback
# (scripts/postgres.sh); Debian puts its programs under /usr/lib/postgresql/N/bin.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# cargo-fuzz's libFuzzer (libfuzzer-sys) is C++, built with the system's compiler.
command -v c++ >/dev/null 2>&1 || need_apt+=(g++)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if command -v rustup >/dev/null 2>&1; then
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
fi
cargo --version
mvn -v 2>/dev/null | sed -n 1p
# The Android platform code's Robolectric tests run API 36's framework: Java 21+.
if ! java21=$(scripts/java21-home.sh); then
  echo "no JDK 21 or newer: the Robolectric tests need one (set JAVA21_HOME to it)" >&2
  exit 1
fi
echo "Robolectric tests on $java21"

# The portal's browser test (server/tests/portal) drives Debian's Chromium through
# chromedriver (WebDriver). Browser downloaders do not work here; Debian's packages do.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "installing chromium and chromium-driver from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null || true

# axe-core, which the browser tests inject into every page to check it against WCAG
# 2.1 AA (RD 1112/2018, EN 301 549), pinned by its lockfile, from the npm registry.
axe="$(dirname "$0")/../server/tests/portal/axe"
if [ ! -f "$axe/node_modules/axe-core/axe.min.js" ]; then
  echo "installing axe-core for the portal's accessibility checks"
  npm ci --prefix "$axe" --no-audit --no-fund --loglevel=error >/dev/null
fi
