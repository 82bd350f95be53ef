#!/usr/bin/env bash
# The load, fault and invariant suite in one command (issue 9). Starts what it needs in lane $LANE (default 0) —
# the local stack, the chain RPC proxy, the four services from the built jars (payment-service talking to the chain
# through the proxy) — runs every scenario of deploy/load/load.mjs and stops what it started.
#
#   deploy/load/run.sh                 the full suite: c = 1, 8, 32, 128 × {mistral, grok} × {pull, push} ×
#                                      {identical, distinct bodies}, then the faults (≈ 20–40 min on 2 cores)
#   deploy/load/run.sh --quick         c = 1, 8, 32 with fewer waves, then the faults
#   deploy/load/run.sh --only REGEX    only the scenarios whose name matches (e.g. --only 'c=128')
#   deploy/load/run.sh --skip REGEX    all but those
#   LANE=6 deploy/load/run.sh …        in another lane (PLAN: lanes shift every port by LANE*100)
#
# Build the jars first (./mvnw -DskipTests package; run.sh builds them when missing). Results: the table on stdout,
# and JSON in .local/load/results-<time>.json. The jqwik fuzzers are Maven tests: see deploy/load/README.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"
find_java
command -v node >/dev/null || die "Node.js >= 20 is required"

RPC_PROXY_PORT="${RPC_PROXY_PORT:-$((CHAIN_PORT + 50))}"
RPC_PROXY_URL="http://127.0.0.1:$RPC_PROXY_PORT"
mkdir -p "$STATE_DIR/load"
RESULTS="$STATE_DIR/load/results-$(date +%Y%m%d-%H%M%S).json"

declare -A WAS_UP=()
for c in postgres:$PG_PORT kafka:$KAFKA_PORT chain:$CHAIN_PORT standin:$STANDIN_PORT; do
  port_open 127.0.0.1 "${c#*:}" && WAS_UP[${c%%:*}]=1
done
cleanup() {
  local rc=$?
  "$LOCAL_DIR/services.sh" down >/dev/null 2>&1 || true
  stop_by_pid rpc-proxy >/dev/null 2>&1 || true
  [ -n "${WAS_UP[standin]:-}" ] || "$LOCAL_DIR/standin.sh" down || true
  [ -n "${WAS_UP[chain]:-}" ] || "$LOCAL_DIR/chain.sh" down || true
  [ -n "${WAS_UP[kafka]:-}" ] || "$LOCAL_DIR/kafka.sh" down || true
  [ -n "${WAS_UP[postgres]:-}" ] || "$LOCAL_DIR/postgres.sh" down || true
  log "load suite finished with exit code $rc in $SECONDS s (results: $RESULTS)"
}
trap cleanup EXIT

"$LOCAL_DIR/stack.sh" up
if [ -z "${WAS_UP[chain]:-}" ]; then
  # a fresh chain gets empty service databases: an earlier run's charges name transactions of a chain that no longer
  # exists, and their late refunds and lease expiries would land in this run's scenarios (as in deploy/test.sh)
  "$LOCAL_DIR/postgres.sh" reset payments ledger
fi
for s in payment-service mistral-service grok-service ledger-service; do
  if [ ! -f "$REPO_ROOT/$s/target/quarkus-app/quarkus-run.jar" ]; then
    log "building the service jars"
    (cd "$REPO_ROOT" && ./mvnw -B -q -ntp -DskipTests package -Dshared.dir="${SHARED_DIR:-$REPO_ROOT/../shared}")
    break
  fi
done
# the stand-in serves this checkout's mappings (the load-fault ones included)
curl -fsS -X POST "$LOCAL_STANDIN_URL/__admin/mappings/reset" >/dev/null

start_bg rpc-proxy "$LOG_DIR/rpc-proxy.log" node "$REPO_ROOT/deploy/load/rpc-proxy.mjs" \
  --listen "$RPC_PROXY_PORT" --target "$LOCAL_RPC_URL"
wait_for_port 127.0.0.1 "$RPC_PROXY_PORT" 10 || die "rpc-proxy did not start (see $LOG_DIR/rpc-proxy.log)"

# a charge held by a provider that is killed mid-call is presumed undelivered once its delivery lease runs out without
# the provider's heartbeat, then redeemable. Production relies on the heartbeat alone (lease PT2M, a heartbeat every
# 20 s while the call is served): 2 minutes is longer than the kill scenario's buyers re-present (120 s), so here a
# lease of 30 s with a heartbeat every 5 s (the same six beats a lease), and upstream timeouts that keep every call
# (3 attempts) well inside even that lease should a heartbeat be missed on the loaded machine (as deploy/replicas does)
export MPP_DELIVERY_LEASE="${MPP_DELIVERY_LEASE:-PT30S}" PAYMENT_DELIVERY_LEASE_POLL_INTERVAL="${PAYMENT_DELIVERY_LEASE_POLL_INTERVAL:-5s}"
export PAYWALL_DELIVERY_HEARTBEAT="${PAYWALL_DELIVERY_HEARTBEAT:-PT5S}"
export PAYWALL_UPSTREAM_TIMEOUT="${PAYWALL_UPSTREAM_TIMEOUT:-PT7S}" \
  PAYWALL_UPSTREAM_STREAM_HEADERS_TIMEOUT="${PAYWALL_UPSTREAM_STREAM_HEADERS_TIMEOUT:-PT7S}"
# services started by someone else would not talk to the chain through the proxy: (re)start ours
"$LOCAL_DIR/services.sh" down >/dev/null 2>&1 || true
# a loaded 2-core machine can take minutes to start four JVMs
PAYMENT_TEMPO_RPC_URL="$RPC_PROXY_URL" READY_TIMEOUT="${READY_TIMEOUT:-300}" "$LOCAL_DIR/services.sh" up

env $(node_test_env) RPC_PROXY_URL="$RPC_PROXY_URL" \
  node "$REPO_ROOT/deploy/load/load.mjs" --json "$RESULTS" "$@"
