#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers for the tests and prints the admin URL to use
# (YIZHAN_TEST_PG_URL). Order of preference:
#   1. YIZHAN_TEST_PG_URL if set and answering;
#   2. the local server on 127.0.0.1:5432 with trust authentication (as on this kind of machine),
#      starting an installed cluster that is stopped;
#   3. a private trust-auth cluster under target/pg on port 55432, installing PostgreSQL if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1;34m[postgres]\033[0m %s\n' "$*" >&2; }

answers() { command -v psql >/dev/null && psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }

if [ -n "${YIZHAN_TEST_PG_URL:-}" ] && answers "$YIZHAN_TEST_PG_URL"; then
  echo "$YIZHAN_TEST_PG_URL"; exit 0
fi

local_url=postgres://postgres@127.0.0.1:5432/postgres
if answers "$local_url"; then echo "$local_url"; exit 0; fi

if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  for version in $(ls /etc/postgresql); do
    log "starting the installed cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 20); do
    if answers "$local_url"; then echo "$local_url"; exit 0; fi
    sleep 0.5
  done
fi

# A private cluster: needs the server binaries and the postgres system user.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing PostgreSQL from Debian"
  if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql postgresql-client >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(pwd)/target/pg
private_url=postgres://postgres@127.0.0.1:55432/postgres
run_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if [ ! -f "$dir/PG_VERSION" ]; then
  log "creating a private test cluster in $dir"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  run_pg "$bin/initdb -D '$dir' -U postgres -A trust >/dev/null"
fi
if ! answers "$private_url"; then
  log "starting the private test cluster on port 55432"
  run_pg "$bin/pg_ctl -D '$dir' -o '-p 55432 -k /tmp -c listen_addresses=127.0.0.1' -l '$dir/server.log' -w start >/dev/null"
fi
answers "$private_url" || { echo "PostgreSQL 测试服务器无法启动，见 $dir/server.log" >&2; exit 1; }
echo "$private_url"
