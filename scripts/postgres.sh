#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for the tests and the benchmark.
#   scripts/postgres.sh start DIR [PORT]   initdb (first time) and start; prints the URL
#   scripts/postgres.sh stop DIR           stop it
# With openssl at hand it also serves TLS, with a certificate for localhost from a
# throwaway CA in DIR/ca.pem (postgres://…@localhost:PORT/…?sslmode=require).
# PostgreSQL refuses to run as root: as root the cluster belongs to `postgres`
# (runuser). Durability is off (fsync, synchronous_commit): the data is thrown away.
set -euo pipefail
cmd=${1:?usage: $0 start|stop DIR [PORT]}
dir=${2:?usage: $0 start|stop DIR [PORT]}
port=${3:-54329}
bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)")
[ -x "$bin/pg_ctl" ] || { echo "PostgreSQL is not installed (scripts/install-prerequisites.sh)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir" -U clavepin -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
      cat >> "$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 400
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
CONF
      if command -v openssl >/dev/null 2>&1; then
        tls=$(mktemp -d)
        p256=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
        openssl req -x509 "${p256[@]}" -days 2 -subj "/CN=ClavePIN test database CA" \
          -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
        openssl req "${p256[@]}" -subj /CN=localhost -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
        printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$tls/ext"
        openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
          -days 2 -extfile "$tls/ext" -out "$tls/server.crt" 2>/dev/null
        cp "$tls/server.crt" "$tls/server.key" "$tls/ca.pem" "$dir/"
        rm -rf "$tls"
        chmod 600 "$dir/server.key"
        [ "$(id -u)" = 0 ] && chown postgres: "$dir/server.crt" "$dir/server.key" "$dir/ca.pem"
        printf "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n" >> "$dir/postgresql.conf"
      fi
    fi
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/log" -w -t 60 start >/dev/null
    echo "postgres://clavepin@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
