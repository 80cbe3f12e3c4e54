# yizhan — the commands of DESIGN.md §5. Each installs what it needs first (scripts/setup.sh).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/scripts/node_modules/.bin:$(PATH)
# Tests, the browser server and the build share one debug build of the server.
E2E_ADDR ?= 127.0.0.1:3710

.PHONY: run build test test-rust test-e2e bench audit lint fmt

## make run: build, migrate an SQLite database in data/, load demo data (with 3,000 cases), serve http://127.0.0.1:3000
run:
	scripts/setup.sh build
	cargo leptos build
	scripts/precompress.sh --remove
	./target/debug/yizhan seed --demo --applications 3000
	YIZHAN_CARD_READER_URL=$${YIZHAN_CARD_READER_URL:-simulated} ./target/debug/yizhan serve

## make build: release build; then `target/release/yizhan serve` from the repository root
build:
	scripts/setup.sh release
	cargo leptos build --release
	scripts/precompress.sh

## make test: unit, repository (SQLite and PostgreSQL), HTTP and browser tests
test: test-rust test-e2e

test-rust:
	scripts/setup.sh test
	YIZHAN_TEST_PG_URL="$$(scripts/postgres.sh)" \
		cargo test -p app -p yizhan -p migration --features app/testing

test-e2e:
	scripts/setup.sh test
	cargo leptos build
	scripts/precompress.sh --remove
	cd end2end && E2E_ADDR=$(E2E_ADDR) npx playwright test

## make bench: the bars of DESIGN.md §6 in one table (the release server loaded by wrk over loopback,
## written to target/bench/report.md), then the detailed tables of the clock scan, the catalogue,
## applications, documents and supervision
# The name cargo leptos gives the bundle: leptos reads it when compiled, so that the bench's own
# build of the server names, in each page's hydration script, the file the site has.
bench: export LEPTOS_OUTPUT_NAME := yizhan
bench:
	scripts/setup.sh bench
	cargo leptos build --release
	scripts/precompress.sh
	YIZHAN_BENCH_PG_URL="$$(scripts/postgres.sh)" cargo bench -p yizhan --bench load
	cargo bench -p yizhan --bench clock_scan
	cargo bench -p yizhan --bench catalogue
	cargo bench -p yizhan --bench applications
	cargo bench -p yizhan --bench documents
	cargo bench -p yizhan --bench supervision

## make audit: schemathesis against the OpenAPI description and sqlmap against search, status and
## login, on a fresh demo database; fails on any finding (reports in target/audit)
audit:
	scripts/setup.sh build
	cargo leptos build
	scripts/precompress.sh --remove
	scripts/audit.sh

lint:
	cargo fmt --all -- --check
	cargo clippy -p app -p yizhan -p migration --features app/testing --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all
