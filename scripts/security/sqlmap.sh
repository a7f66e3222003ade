#!/usr/bin/env bash
# sqlmap against the built portal: the sign-in form and the hash-list API.
#
# Builds nothing: run `npm run build` first. First a canary: sqlmap, with exactly the options used
# for the portal, must find the injection planted in scripts/security/sqlmap-canary.ts (a tiny,
# deliberately vulnerable server on 127.0.0.1, never part of the portal's build or routes). If it
# does not, the check is blind (options too weak, sqlmap broken or unable to reach a target) and the
# script fails, because "not injectable" would then mean nothing.
#
# Then starts build/server.js on a fresh temporary SQLite database (demo data, plus a company with
# hash-list access and an API key), runs sqlmap in batch mode with bounded level, risk and time
# against each target, and fails (exit 1) when sqlmap finds an injectable parameter, or when a
# target could not be tested meaningfully (the server refused the request, sqlmap found nothing to
# test, or ran out of time).
#
#   npm run security:sqlmap        (SQLMAP_TIMEOUT=seconds per target, default 150;
#                                   SQLMAP_CANARY_SAFE=1 parameterises the canary: must fail)
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f build/server.js ]; then echo "sqlmap.sh: build/server.js is missing: run npm run build first" >&2; exit 2; fi
if ! command -v sqlmap >/dev/null; then echo "sqlmap.sh: sqlmap is missing: apt-get install -y --no-install-recommends sqlmap" >&2; exit 2; fi

WORK="$(mktemp -d)"
# Ports nobody listens on (the system picks them), unless SQLMAP_PORT / SQLMAP_CANARY_PORT say.
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
PORT="${SQLMAP_PORT:-$(free_port)}"
CANARY_PORT="${SQLMAP_CANARY_PORT:-$(free_port)}"
BASE="http://127.0.0.1:${PORT}"
CANARY="http://127.0.0.1:${CANARY_PORT}"
PER_TARGET="${SQLMAP_TIMEOUT:-150}"
SERVER_PID=""
CANARY_PID=""
stop_pid() { if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
  stop_pid "$CANARY_PID"
  stop_pid "$SERVER_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT

# --union-cols bounds the UNION column search: answers that differ between a valid and a refused
# value make sqlmap's ORDER BY probe believe in hundreds of columns (minutes per parameter).
COMMON=(--batch --level 2 --risk 1 --technique=BEUT --time-sec 2 --union-cols 1-10 --threads 3 --timeout 10 --retries 1 --disable-coloring
  --flush-session --output-dir "$WORK/sqlmap" --user-agent "sqlmap (Partnerportalen security test)")
RESULTS=()
FAILED=0

# Runs sqlmap with the common options against one target; sets OUTCOME (injectable, timeout,
# not-injectable or inconclusive), CODE and LOG.
sqlmap_target() {
  local name="$1"; shift
  LOG="$WORK/target-${#RESULTS[@]}.log" CODE=0
  echo "sqlmap.sh: testing ${name}"
  TERM=dumb timeout "$PER_TARGET" sqlmap "${COMMON[@]}" "$@" >"$LOG" 2>&1 || CODE=$?
  if grep -q "identified the following injection point" "$LOG"; then OUTCOME=injectable
  elif [ "$CODE" = 124 ]; then OUTCOME=timeout
  elif grep -q "do not appear to be injectable" "$LOG"; then OUTCOME=not-injectable
  else OUTCOME=inconclusive
  fi
}

print_summary() {
  echo
  echo "sqlmap summary (level 2, risk 1, techniques BEUT):"
  printf '  %s\n' "${RESULTS[@]}"
}

# The canary: the planted injection must be found, or a "not injectable" below proves nothing.
run_canary() {
  local name="$1"; shift
  sqlmap_target "$name" "$@"
  if [ "$OUTCOME" = injectable ]; then
    RESULTS+=("injectable (expected)  ${name}")
    return
  fi
  case "$OUTCOME" in
    timeout) RESULTS+=("NOT FOUND (blind)      ${name} (timed out after ${PER_TARGET}s)") ;;
    not-injectable) RESULTS+=("NOT FOUND (blind)      ${name} (sqlmap: not injectable)") ;;
    *) RESULTS+=("NOT FOUND (blind)      ${name} (inconclusive, sqlmap exit ${CODE})") ;;
  esac
  grep -E "\[(CRITICAL|ERROR|WARNING)\]" "$LOG" | tail -n 8 | sed 's/^/    /' || true
  print_summary
  echo "sqlmap.sh: FAILED: sqlmap did not find the planted injection: the check is blind" >&2
  exit 1
}

run_target() {
  local name="$1"; shift
  sqlmap_target "$name" "$@"
  case "$OUTCOME" in
    injectable)
      RESULTS+=("INJECTABLE             ${name}")
      grep -E "^Parameter:|Type:|Title:" "$LOG" | sed 's/^/    /' || true
      FAILED=1 ;;
    timeout)
      RESULTS+=("TIMED OUT              ${name} (after ${PER_TARGET}s)")
      FAILED=1 ;;
    not-injectable)
      RESULTS+=("not injectable         ${name}") ;;
    *)
      RESULTS+=("INCONCLUSIVE           ${name} (exit ${CODE}; see below)")
      grep -E "\[(CRITICAL|ERROR|WARNING)\]" "$LOG" | tail -n 8 | sed 's/^/    /' || true
      FAILED=1 ;;
  esac
}

CANARY_START=$SECONDS
echo "sqlmap.sh: starting the canary (deliberately vulnerable, 127.0.0.1 only) on ${CANARY}"
# node --import tsx, not npx tsx: one process, so stopping it by its id stops the canary.
node --import tsx scripts/security/sqlmap-canary.ts "$CANARY_PORT" >"$WORK/canary.log" 2>&1 &
CANARY_PID=$!
for _ in $(seq 1 60); do
  curl -fsS "$CANARY/canary?id=1" >/dev/null 2>&1 && break
  sleep 0.5
done
kill -0 "$CANARY_PID" 2>/dev/null && curl -fsS "$CANARY/canary?id=1" >/dev/null || { echo "sqlmap.sh: the canary did not start" >&2; cat "$WORK/canary.log" >&2; exit 1; }
run_canary "canary GET /canary?id" -u "$CANARY/canary?id=1" -p id
run_canary "canary POST /canary-login (email, password)" -u "$CANARY/canary-login" --method POST \
  --data "email=canary%40example.test&password=canary-password" -p "email,password"
stop_pid "$CANARY_PID"
CANARY_PID=""
echo "sqlmap.sh: the canary's planted injection was found ($((SECONDS - CANARY_START)) s)"

export DATABASE_URL="sqlite:${WORK}/portal.sqlite"
export APP_URL="$BASE" HOST=127.0.0.1 PORT
export APP_SECRET="sqlmap-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# sqlmap sends thousands of requests: the sign-in throttle and the key's rate limit would answer
# most of them with 429 before any query ran.
export RATE_LIMIT_FACTOR=100000 API_RATE_PER_MINUTE=1000000 API_DAILY_QUOTA=1000000000
export LOG_LEVEL=warn NODE_ENV=development
unset SMTP_URL

echo "sqlmap.sh: seeding ${DATABASE_URL}"
KEY="$(npx tsx scripts/security/sqlmap-seed.ts "$DATABASE_URL" | tail -n 1)"
node build/server.js >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
kill -0 "$SERVER_PID" 2>/dev/null && curl -fsS "$BASE/healthz" >/dev/null || { echo "sqlmap.sh: the server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

# The targets must answer as a real client would be answered, or sqlmap tests nothing of interest.
login_status="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Origin: $BASE" --data 'email=nobody%40example.test&password=wrong' "$BASE/login")"
api_status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" "$BASE/api/v1/lists")"
if [ "$login_status" -ge 500 ] || [ "$login_status" = 403 ] || [ "$api_status" != 200 ]; then
  echo "sqlmap.sh: the targets are not reachable as a client (sign-in ${login_status}, API ${api_status})" >&2
  exit 1
fi

ORIGIN=(--headers "Origin: ${BASE}")
AUTH="Authorization: Bearer ${KEY}"

run_target "POST /login (email, password)" -u "$BASE/login" --method POST \
  --data "email=anna%40example.test&password=wrong-password" -p "email,password" "${ORIGIN[@]}"
# A tampered key is answered 401, which sqlmap would otherwise take for "stop here".
run_target "GET /api/v1/lists (the API key)" -u "$BASE/api/v1/lists" --headers "Authorization: Bearer ${KEY}*" --ignore-code 401
run_target "GET /api/v1/lists/<slug>/changes (slug, since, limit)" \
  -u "$BASE/api/v1/lists/test*/changes?since=0*&limit=10*" --headers "$AUTH"
run_target "POST /api/v1/match (algorithm, value, lists in the JSON body)" -u "$BASE/api/v1/match" --method POST --headers "$AUTH" \
  --data '{"hashes":[{"algorithm":"md5*","value":"d41d8cd98f00b204e9800998ecf8427e*"}],"lists":["test*"]}'

print_summary
if [ "$FAILED" != 0 ]; then
  echo "sqlmap.sh: FAILED"
  exit 1
fi
echo "sqlmap.sh: no injectable parameter found"
