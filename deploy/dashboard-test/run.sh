#!/usr/bin/env bash
# Browser tests of ledger-service's finance dashboard (deploy/dashboard-test/dashboard.test.mjs) in Debian's headless
# Chromium driven by playwright-core. Installs what is missing (chromium with apt-get, playwright-core with npm ci),
# then runs the test against the running services (deploy/local/services.sh up; LANE=<n> for a lane).
# Screenshots and the downloaded CSV land in deploy/dashboard-test/output/ (git-ignored; DASHBOARD_TEST_OUTPUT).
#   deploy/dashboard-test/run.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"
TEST_DIR="$REPO_ROOT/deploy/dashboard-test"

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  command -v apt-get >/dev/null || die "no Chromium at $CHROMIUM and no apt-get to install it (set CHROMIUM)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "installing Debian's chromium (apt-get install -y chromium)"
  $SUDO apt-get install -y -q chromium >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null 2>&1 || true; $SUDO apt-get install -y -q chromium >/dev/null; } \
    || die "apt-get install chromium failed"
  [ -x "$CHROMIUM" ] || die "chromium installed but not at $CHROMIUM (set CHROMIUM)"
fi

# deploy/agent's packages (mppx, viem) pay the test's calls
"$LOCAL_DIR/agent-install.sh"
STAMP="$TEST_DIR/node_modules/.package-lock.json"
if [ ! -f "$STAMP" ] || [ "$TEST_DIR/package-lock.json" -nt "$STAMP" ]; then
  log "installing deploy/dashboard-test dependencies (npm ci)"
  (cd "$TEST_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

env $(node_test_env) node --test --test-concurrency=1 "$TEST_DIR/dashboard.test.mjs"
