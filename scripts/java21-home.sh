#!/usr/bin/env bash
# Prints the home of a JDK of version 21 or newer (API 36's framework classes, which
# the Robolectric tests run on, need one); exits 1 when there is none. Looks at
# $JAVA21_HOME, $JAVA_HOME, then /usr/lib/jvm (these machines carry Temurin 25 there).
set -uo pipefail
for home in "${JAVA21_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$home" ] && [ -x "$home/bin/java" ] || continue
  version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "${version%%.*}" -ge 21 ] 2>/dev/null; then
    echo "$home"
    exit 0
  fi
done
exit 1
