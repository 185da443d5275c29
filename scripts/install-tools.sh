#!/usr/bin/env bash
# Installs the build tools Aveli needs, each at a pinned version, and skips what is
# already there. Why the detours: see ../shared/BUILD-NOTES.md — cargo-leptos and
# wasm-bindgen-cli do not install as published on rustc 1.95 and offline machines
# cannot let cargo-leptos download anything.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11
root=$(cd "$(dirname "$0")/.." && pwd)
# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
# These are build tools, not shipped code: thin LTO and parallel codegen roughly halve
# their install time on a 2-core machine.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' "$root/Cargo.lock")
work=${TOOLS_WORKDIR:-${TMPDIR:-/tmp}/aveli-tools}
mkdir -p "$work"

have_version() { # command, expected version
  "$1" --version 2>/dev/null | grep -q -F "$2"
}

# Fetches a crate's source from crates.io into $work/<name>-<version>.
crate_source() {
  local name=$1 version=$2 dir="$work/$1-$2"
  if [ ! -f "$dir/Cargo.toml" ]; then
    curl -fsSL --retry 3 "https://static.crates.io/crates/$name/$version/download" -o "$work/$name.crate"
    tar -xzf "$work/$name.crate" -C "$work"
  fi
  echo "$dir"
}

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  echo "==> adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q -F "$CARGO_LEPTOS_VERSION"; then
  echo "==> installing cargo-leptos $CARGO_LEPTOS_VERSION (once per machine, ~10 minutes)"
  src=$(crate_source cargo-leptos "$CARGO_LEPTOS_VERSION")
  (cd "$src" && cargo update -p cargo-util-schemas --precise 0.14.1 \
     && cargo install --path . --locked --features no_downloads)
fi

if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  echo "==> installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (once per machine, ~5 minutes)"
  src=$(crate_source wasm-bindgen-cli "$WASM_BINDGEN_VERSION")
  (cd "$src" && cargo update -p webpki-roots --precise 1.0.10 && cargo install --path . --locked)
fi

# wasm-opt comes from the npm package binaryen (Debian's binaryen 108 breaks hydration).
if [ ! -x "$root/end2end/node_modules/.bin/wasm-opt" ]; then
  echo "==> installing npm packages (Playwright, axe, binaryen)"
  (cd "$root/end2end" && npm ci --no-audit --no-fund)
fi
