#!/usr/bin/env bash
# Starts the already-built server for the Playwright suite (end2end/) on a fresh,
# throw-away SQLite database at 127.0.0.1:${E2E_PORT:-3100}, seeded with the demo data.
# Playwright's webServer runs this and waits for /healthz; build first with `make build`.
# E2E_SERVER runs another build of the server: `make test` passes the debug one its
# Rust tests built, serving the release site (hashes from target/release/hash.txt).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target="${CARGO_TARGET_DIR:-$root/target}"
bin="${E2E_SERVER:-$target/release/server}"
site="$root/target/site"

if [ ! -x "$bin" ]; then
  echo "e2e-server: server binary not found at $bin — run \`make build\` first" >&2
  exit 1
fi
if [ ! -d "$site" ] || [ ! -d "$site/pkg" ]; then
  echo "e2e-server: site assets not found at $site (need $site/pkg) — run \`make build\` first" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aveli-e2e.XXXXXX")
server_pid=""

cleanup() {
  local status=$?
  trap - EXIT TERM INT
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # Give it a few seconds for a graceful shutdown, then force it.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  if [ -n "${E2E_DATA_DIR:-}" ]; then rm -rf "$E2E_DATA_DIR"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

export DATABASE_URL="sqlite://$tmp/e2e.db"
# E2E_DATA_DIR (set by playwright.config.ts): the specs read the emails in its outbox/.
export DATA_DIR="${E2E_DATA_DIR:-$tmp/data}"
port=${E2E_PORT:-3100}
export LEPTOS_SITE_ADDR=127.0.0.1:$port
export PUBLIC_URL=http://127.0.0.1:$port
export APP_ENV=development
export LEPTOS_OUTPUT_NAME=aveli
export LEPTOS_SITE_ROOT="$site"
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_HASH_FILES=true
export LEPTOS_HASH_FILE_NAME="$target/release/hash.txt"
export RUST_LOG=info

echo "e2e-server: database $DATABASE_URL"
"$bin" seed-demo

echo "e2e-server: serving on http://$LEPTOS_SITE_ADDR"
# Not `exec`: the shell stays to clean up. Background + wait so TERM/INT reach the trap
# promptly (bash defers traps while a foreground child runs).
"$bin" serve &
server_pid=$!
wait "$server_pid"
