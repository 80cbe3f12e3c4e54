#!/usr/bin/env bash
# `make audit`: third-party checks against a running portal (fresh SQLite database, demo data).
#   - schemathesis against /api/v1/openapi.json, anonymous and signed in as a citizen and as a
#     supervisor: no 5xx, status codes, content types and bodies as the schema says;
#   - sqlmap against the guide search, the public status lookup and the login form: nothing
#     injectable.
# Both come from PyPI into target/audit-venv (pinned). Exits non-zero on any finding; the reports
# are in target/audit/.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
SQLMAP_VERSION=1.10.10
PORT=${AUDIT_PORT:-3790}
BASE=http://127.0.0.1:$PORT
OUT=target/audit
VENV=target/audit-venv
say() { printf '\033[1;34m[audit]\033[0m %s\n' "$*"; }

if [ ! -x "$VENV/bin/sqlmap" ] || ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  say "installing schemathesis $SCHEMATHESIS_VERSION and sqlmap $SQLMAP_VERSION from PyPI"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION" "sqlmap==$SQLMAP_VERSION"
fi

rm -rf "$OUT" && mkdir -p "$OUT"
export YIZHAN_DATA_DIR=$OUT/data YIZHAN_ADDR=127.0.0.1:$PORT LEPTOS_SITE_ROOT=target/site
# The login and lookup throttles answer 429 long before a scanner has sent its payloads, and they
# run before any query: lifted for this machine, so that sqlmap reaches the queries behind them.
# (The throttles themselves are tested in the suites; the server refuses this in production.)
export YIZHAN_THROTTLE_EXEMPT=127.0.0.1
bin=${AUDIT_BIN:-target/debug/yizhan}
"$bin" seed --demo --applications 200 >"$OUT/seed.log"
"$bin" serve >"$OUT/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done

session() {
  curl -sf -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"${YIZHAN_DEMO_PASSWORD:-Yizhan@2026}\"}" "$BASE/api/v1/session" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(yz_session=[^;]*\).*/\1/p'
}

failed=0
for who in anonymous citizen1 supervisor1; do
  headers=()
  if [ "$who" != anonymous ]; then headers=(-H "Cookie: $(session "$who")"); fi
  say "schemathesis as $who"
  if ! "$VENV/bin/schemathesis" run "$BASE/api/v1/openapi.json" "${headers[@]}" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --max-examples 40 --no-color >"$OUT/schemathesis-$who.txt" 2>&1; then
    say "schemathesis as $who found problems: $OUT/schemathesis-$who.txt"
    failed=1
  fi
  tail -n 4 "$OUT/schemathesis-$who.txt"
done

# A real case and its query code, so that sqlmap's untouched request finds the case. No API tells
# anyone but the applicant the code, and the demo cases have no account: read from the database.
read -r case_no query_code < <(python3 -c '
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT case_no, query_code FROM applications ORDER BY id LIMIT 1").fetchone()
print(*row)' "$YIZHAN_DATA_DIR/yizhan.db")
sqlmap() {
  local name=$1; shift
  say "sqlmap: $name"
  # Ten minutes each at most: one that does not finish counts as a finding below.
  timeout 600 "$VENV/bin/sqlmap" --batch --level 1 --risk 1 --disable-coloring --flush-session \
    --output-dir="$OUT/sqlmap" "$@" >"$OUT/sqlmap-$name.txt" 2>&1 || true
  if grep -qiE "is vulnerable|appears to be injectable|sqlmap identified the following injection" "$OUT/sqlmap-$name.txt"; then
    say "sqlmap found an injection: $OUT/sqlmap-$name.txt"
    failed=1
  elif ! grep -q "do not appear to be injectable\|does not seem to be injectable" "$OUT/sqlmap-$name.txt"; then
    say "sqlmap did not finish its tests: $OUT/sqlmap-$name.txt"
    failed=1
  fi
  grep -E "CRITICAL|WARNING\] (GET|POST|URI)" "$OUT/sqlmap-$name.txt" | tail -n 3 || true
}
sqlmap search -u "$BASE/guide?q=sfz"
# A miss is answered 404 and a wrong login 401, by design: sqlmap must go on past them.
sqlmap status -u "$BASE/api/v1/status/${case_no}*?query_code=${query_code}*" --ignore-code=404
sqlmap login -u "$BASE/sf/login" --data "username=nobody1&password=guess" --ignore-code=401

if [ "$failed" -ne 0 ]; then say "findings: see $OUT"; exit 1; fi
say "no findings (reports in $OUT)"
