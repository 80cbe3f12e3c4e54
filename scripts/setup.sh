#!/usr/bin/env bash
# Installs what yizhan needs and is missing, on a machine that has only the Rust toolchain,
# Node/npm and apt. Safe to run again: each step checks first.
#   scripts/setup.sh build   — toolchain for the site (wasm target, cargo-leptos, wasm-bindgen)
#   scripts/setup.sh release — the above plus wasm-opt (binaryen from npm) and brotli
#   scripts/setup.sh test    — the build toolchain plus Chromium, pdftotext and Playwright
#   scripts/setup.sh bench   — the release toolchain plus wrk and curl
# Every mode installs the Chinese font the PDFs embed.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "需要 root 权限来安装系统软件包：$*" >&2; exit 1
  fi
}

apt_install() {
  say "apt-get install $*"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

cargo_leptos() {
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
}

# wasm-bindgen-cli must be exactly the wasm-bindgen in Cargo.lock, or the generated glue breaks.
wasm_bindgen_cli() {
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [ -z "$want" ]; then echo "Cargo.lock 中没有 wasm-bindgen" >&2; exit 1; fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
    say "installing wasm-bindgen-cli $want"
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

# Debian's binaryen is too old (it silently breaks hydration); the npm one is pinned in
# scripts/package-lock.json and put first on PATH by the Makefile.
wasm_opt() {
  if [ ! -x scripts/node_modules/.bin/wasm-opt ]; then
    say "installing binaryen (wasm-opt) from npm"
    npm ci --prefix scripts --no-audit --no-fund --loglevel=error
  fi
}

# The Chinese font the PDFs embed (and the browser shows); the server finds it by this path.
font() {
  if [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && [ -z "${YIZHAN_PDF_FONT:-}" ]; then
    apt_install fonts-wqy-microhei
  fi
}

# pdftotext and pdftoppm: the tests read the PDFs' text.
pdf_tools() {
  if ! command -v pdftotext >/dev/null; then
    apt_install poppler-utils
  fi
}

# A real local SMTP server for the mail tests (scripts/smtp_sink.py runs it).
smtp_sink() {
  # The python3 first on PATH is the one the tests run: give it aiosmtpd from PyPI, or from
  # Debian when that python3 is the system one.
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "installing aiosmtpd (the test SMTP server)"
    python3 -m pip install --quiet --disable-pip-version-check aiosmtpd 2>/dev/null \
      || apt_install python3-aiosmtpd
  fi
}

browser() {
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium
  fi
  if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ]; then
    say "installing Playwright (test runner only; it drives Debian's Chromium) and axe-core"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix end2end --no-audit --no-fund --loglevel=error
  fi
}

# The load generator and the client of `make bench`.
# brotli: the bundle is compressed once after a release build (scripts/precompress.sh).
precompress_tools() {
  if ! command -v brotli >/dev/null; then
    apt_install brotli
  fi
}

load_tools() {
  if ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
    apt_install wrk curl
  fi
}

case "${1:-build}" in
  build) wasm_target; cargo_leptos; wasm_bindgen_cli; font ;;
  release) wasm_target; cargo_leptos; wasm_bindgen_cli; wasm_opt; font; precompress_tools ;;
  test) wasm_target; cargo_leptos; wasm_bindgen_cli; font; pdf_tools; smtp_sink; browser ;;
  bench) wasm_target; cargo_leptos; wasm_bindgen_cli; wasm_opt; font; precompress_tools; load_tools ;;
  *) echo "usage: $0 build|release|test|bench" >&2; exit 2 ;;
esac
