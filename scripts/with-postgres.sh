#!/usr/bin/env bash
# Runs a command with TEST_POSTGRES_URL pointing at a PostgreSQL server the
# tests may create databases on. Uses the one at 127.0.0.1:5432 when it
# answers; otherwise starts a throw-away server (Debian's postgresql: initdb
# into a temp dir, pg_ctl on a free port) and removes it afterwards. It never
# skips: without PostgreSQL the PostgreSQL suite must fail, not vanish.
set -euo pipefail

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi

if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432 -U postgres; then
  export TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
  exec "$@"
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> installing Debian's postgresql for a throw-away test server"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "No PostgreSQL answers at 127.0.0.1:5432 and initdb is missing." >&2
    echo "Install it: sudo apt-get install postgresql   (or set TEST_POSTGRES_URL)" >&2
    exit 1
  fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aveli-pg.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# PostgreSQL refuses to run as root: use the postgres system user then.
run_as=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$tmp"
  run_as=(runuser -u postgres --)
fi
cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
echo "==> starting a throw-away PostgreSQL on 127.0.0.1:$port"
"${run_as[@]}" "$bindir/initdb" -D "$tmp/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${run_as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w \
  -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
"$@"
