#!/usr/bin/env bash
# Every test: types, lint, formatting, schema drift, unit tests, a production build, a smoke run of
# the benchmark and the Playwright suite (once per strategy). `npm test` runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the browser tests"
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium}. Install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi

# The Redis store tests start their own redis-server (never the machine's).
if [ ! -x "${REDIS_SERVER_BIN:-/usr/bin/redis-server}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's redis-server for the Redis store tests"
    apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server not found at ${REDIS_SERVER_BIN:-/usr/bin/redis-server}. Install it (sudo apt-get install -y redis-server) or set REDIS_SERVER_BIN." >&2
    exit 1
  fi
fi

echo "== typecheck" && npx tsc --noEmit
echo "== lint" && npx eslint . --max-warnings 0
echo "== format" && npx prettier --check . --log-level warn
echo "== schema drift" && npm run --silent db:schemas -- --check
echo "== unit tests" && npx vitest run
echo "== build" && npx next build
# Every row of npm run bench measured, with tiny counts (never how fast): next to the e2e server's port.
echo "== bench (smoke)" && BENCH_PORT="${BENCH_PORT:-$((${E2E_PORT:-3100} + 7))}" npx tsx scripts/bench/run.ts --smoke
echo "== e2e (SQLite)" && npx playwright test
