#!/usr/bin/env bash
# `make fuzz`: schemathesis against /api/v1/openapi.json of the built release
# server, on a fresh SQLite database and a fresh PostgreSQL database, each
# seeded with the demo data, as the demo student, the demo teacher and the
# demo admin. Any 5xx, or an answer its operation does not document, fails it.
#
# FUZZ_SECONDS bounds each of the six runs (default 90: about 4.5 minutes per
# database). FUZZ_SERVER runs another build of the server (a debug one while
# iterating). Schemathesis comes from PyPI into a virtualenv under target/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="${FUZZ_SERVER:-${CARGO_TARGET_DIR:-$root/target}/release/server}"
venv="${CARGO_TARGET_DIR:-$root/target}/fuzz-venv"
seconds="${FUZZ_SECONDS:-90}"
port="${FUZZ_PORT:-3200}"
version="4.32.5"

if [ ! -x "$bin" ]; then
  echo "fuzz: server binary not found at $bin — run \`make build\` first" >&2
  exit 1
fi
if [ ! -x "$venv/bin/schemathesis" ] || ! "$venv/bin/schemathesis" --version | grep -q "$version"; then
  echo "==> installing schemathesis $version into $venv"
  python3 -m venv "$venv" || {
    echo "fuzz: python3 -m venv failed; install it: apt-get install python3-venv" >&2
    exit 1
  }
  "$venv/bin/pip" install -q "schemathesis==$version"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aveli-fuzz.XXXXXX")
server_pid=""
pg_db=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  local status=$?
  stop_server
  if [ -n "$pg_db" ] && command -v psql >/dev/null; then
    psql -q "$TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT

export APP_ENV=development
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
export PUBLIC_URL="http://127.0.0.1:$port"
export LEPTOS_OUTPUT_NAME=aveli LEPTOS_SITE_ROOT="$root/target/site" LEPTOS_SITE_PKG_DIR=pkg LEPTOS_HASH_FILES=true \
  LEPTOS_HASH_FILE_NAME="${CARGO_TARGET_DIR:-$root/target}/release/hash.txt"
export RUST_LOG=warn

# Logs in as the demo account `email`/`password` and prints its bearer token.
token_of() {
  curl -sf --max-time 10 -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" "$PUBLIC_URL/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# Fuzzes the server on DATABASE_URL as the student, the teacher, then the admin.
fuzz_database() {
  local name=$1
  export DATA_DIR="$tmp/data-$name"
  "$bin" seed-demo >"$tmp/seed-$name.log" 2>&1
  "$bin" serve >"$tmp/server-$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf --max-time 2 "$PUBLIC_URL/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server-$name.log" >&2; exit 1; }
    sleep 0.2
  done
  local role email password token
  for role in student teacher admin; do
    case "$role" in
      student) email=elev@aveli.test password=demo-elev-2026 ;;
      teacher) email=larare@aveli.test password=demo-larare-2026 ;;
      admin) email=admin@aveli.test password=demo-admin-2026 ;;
    esac
    token=$(token_of "$email" "$password")
    echo "==> fuzz: $name as the demo $role, $seconds s"
    # Logging out would end the token midway; the other operations run as
    # this role for the whole budget.
    # From the temp dir: schemathesis keeps a `.schemathesis/` cache in its
    # working directory, which must not land in the clone.
    (cd "$tmp" && "$venv/bin/schemathesis" run "$PUBLIC_URL/api/v1/openapi.json" \
      --checks not_a_server_error,response_schema_conformance,status_code_conformance \
      --header "Authorization: Bearer $token" \
      --exclude-path /api/v1/auth/logout \
      --max-time "$seconds" --request-timeout 10 --workers 2 \
      --phases examples,fuzzing,stateful \
      --generation-allow-x00 true --seed 2026 --no-color \
      --report junit --report-dir "$tmp/report-$name-$role") ||
      {
        echo "fuzz: failures on $name as the $role; server log:" >&2
        grep -E 'ERROR|panicked' "$tmp/server-$name.log" | tail -20 >&2 || true
        exit 1
      }
  done
  stop_server
}

DATABASE_URL="sqlite://$tmp/fuzz.db" fuzz_database sqlite

: "${TEST_POSTGRES_URL:?fuzz: run through scripts/with-postgres.sh}"
# The server creates the database on first connect (seed-demo).
pg_db="aveli_fuzz_$$"
DATABASE_URL="${TEST_POSTGRES_URL%/*}/$pg_db" fuzz_database postgres
echo "fuzz: no 5xx and no undocumented answer on SQLite and PostgreSQL"
