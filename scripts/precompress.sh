#!/usr/bin/env bash
# The site bundle compressed once, at the strongest levels (brotli 11, gzip 9), beside each file:
# the server sends `yizhan.wasm.br` as it lies instead of compressing 2 MB on every request.
#   scripts/precompress.sh           — after `cargo leptos build --release` (make build, make bench)
#   scripts/precompress.sh --remove  — after a debug build, so an older bundle is never sent
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=target/site/pkg
if [ "${1:-}" = --remove ]; then
  rm -f "$pkg"/*.br "$pkg"/*.gz
  exit 0
fi
for f in "$pkg"/*.js "$pkg"/*.wasm "$pkg"/*.css; do
  [ -e "$f" ] || continue
  brotli --force --quality=11 --output="$f.br" "$f"
  gzip --force --best --keep "$f"
done
ls -l "$pkg"
