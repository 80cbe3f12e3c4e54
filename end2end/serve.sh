#!/usr/bin/env bash
# Starts the portal for the browser tests: a fresh SQLite database with demo data, the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
data=target/e2e-data
rm -rf "$data"
export YIZHAN_DATA_DIR=$data
export YIZHAN_ADDR=${E2E_ADDR:-127.0.0.1:3710}
export YIZHAN_DEMO_PASSWORD=${YIZHAN_DEMO_PASSWORD:-Yizhan@2026}
export LEPTOS_SITE_ROOT=target/site
# The kiosk screens read the demo ID card from the portal's simulated reader.
export YIZHAN_CARD_READER_URL=${YIZHAN_CARD_READER_URL:-simulated}
# E2E_BIN=target/release/yizhan runs the journeys against the release build (wasm-opt'd bundle).
bin=${E2E_BIN:-target/debug/yizhan}
"$bin" seed --demo --applications 3000
exec "$bin" serve
