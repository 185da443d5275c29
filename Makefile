# Aveli — the two commands: `make run` and `make test`. Everything else here
# is a step of one of them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
SERVER := $(TARGET_DIR)/release/server
# wasm-opt from the npm package binaryen (Debian's breaks hydration).
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(PATH)
# Where cargo-leptos puts the site; the server reads these when started by hand.
SITE_ENV := LEPTOS_OUTPUT_NAME=aveli LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_HASH_FILES=true

.PHONY: run test tools build site test-server fmt-check clippy test-rust e2e fuzz fuzz-short chaos seed-demo wasm-size bench

## make run: install what is missing, build, seed the demo, serve on :3000.
run: build
	@mkdir -p data
	$(SITE_ENV) $(SERVER) seed-demo
	$(SITE_ENV) exec $(SERVER) serve

## make test: everything — format, clippy, Rust tests on SQLite and PostgreSQL (the
## chaos suite with a small load among them), Playwright, and the API fuzzer.
test: tools fmt-check clippy test-rust e2e fuzz-short
	@echo "All suites passed: fmt, clippy, unit + integration + chaos (SQLite and PostgreSQL), Playwright, fuzz."

tools:
	scripts/install-tools.sh

# The release build: server at full optimisation, WASM with the wasm-release profile,
# assets hashed and precompressed (gzip + brotli).
build: tools
	cargo leptos build --release --precompress

# `make test` serves the same release site (WASM, CSS, assets) from the debug server
# that its Rust tests build: one server build instead of two. A cold release server
# build was about 15 of CI's 49 minutes.
TEST_SERVER := $(TARGET_DIR)/debug/server
site: tools
	cargo leptos build --release --precompress --frontend-only

# The test build's own server binary: a no-op after test-rust (same packages, same features).
test-server:
	cargo test -p app -p stripe-sim -p server --no-run

fmt-check:
	cargo fmt --all -- --check

clippy:
	cargo clippy -p server -p stripe-sim -p app -p bench --all-targets -- -D warnings
	cargo clippy -p frontend -p app --target wasm32-unknown-unknown -- -D warnings

test-rust:
	scripts/with-postgres.sh cargo test -p app -p stripe-sim -p server

e2e: site test-server
	scripts/ensure-chromium.sh
	cd end2end && E2E_SERVER=$(abspath $(TEST_SERVER)) npx playwright test

# schemathesis against the OpenAPI document, on SQLite and PostgreSQL, as the demo
# student and teacher: FUZZ_SECONDS per run, four runs (see scripts/fuzz.sh).
fuzz: build
	FUZZ_SECONDS=$${FUZZ_SECONDS:-90} scripts/with-postgres.sh scripts/fuzz.sh

# The same inside `make test`, with a shorter budget to keep CI under 45 minutes.
fuzz-short: site test-server
	FUZZ_SERVER=$(abspath $(TEST_SERVER)) FUZZ_SECONDS=$${FUZZ_SECONDS:-30} scripts/with-postgres.sh scripts/fuzz.sh

# The chaos suite at full load (`make test` runs it with 60 students and 6 seats):
# two instances, one simulator, 300 students for 20 seats, faults and kill -9.
chaos:
	scripts/with-postgres.sh env CHAOS_STUDENTS=300 CHAOS_SEATS=20 CHAOS_SPREAD_SECS=20 \
	  cargo test -p app -p stripe-sim -p server --test chaos -- --nocapture

# Release WASM size, raw / gzip / brotli (the numbers in the closing notes).
wasm-size:
	@f=$$(ls target/site/pkg/*.wasm | grep -v '\.wasm\.' | head -n 1); \
	printf 'raw %s B\n' $$(stat -c %s $$f); \
	printf 'gzip %s B\n' $$(gzip -9 -c $$f | wc -c); \
	if [ -f $$f.br ]; then printf 'brotli %s B\n' $$(stat -c %s $$f.br); fi

# Load benchmark (not part of `make test`): see BENCHMARKS.md.
bench:
	cargo run --release -p bench -- --sessions 10000 --slots 50000 --seconds 10 --connections 16
