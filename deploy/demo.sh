#!/usr/bin/env bash
# The main job (README): starts the whole suite locally — PostgreSQL, Kafka, the local Tempo chain, the upstream
# stand-in and the four services — then an agent pays with the real mppx CLI for one Mistral chat and one Grok chat
# and prints the answers, receipts, tx hashes and ledger entries. The suite keeps running afterwards.
#   deploy/demo.sh         run it
#   deploy/demo.sh stop    stop the services and everything the local scripts started
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/local/lib.sh"

if [ "${1:-}" = "stop" ]; then
  "$LOCAL_DIR/services.sh" down
  "$LOCAL_DIR/stack.sh" down
  exit 0
fi
find_java
command -v node >/dev/null || die "Node.js >= 20 is required (apt-get install -y nodejs npm)"

chain_was_up=0
port_open 127.0.0.1 "$CHAIN_PORT" && chain_was_up=1
"$LOCAL_DIR/stack.sh" up
# the chain keeps its state in memory: a new chain gets empty service databases (see postgres.sh reset)
[ "$chain_was_up" = 1 ] || "$LOCAL_DIR/postgres.sh" reset payments ledger
log "building the services (./mvnw -DskipTests package)"
(cd "$REPO_ROOT" && ./mvnw -B -q -ntp -DskipTests package)
"$LOCAL_DIR/services.sh" up
env $(node_test_env) node "$REPO_ROOT/deploy/agent/demo.mjs"

cat <<MSG

The suite is still running:
  payment-service http://127.0.0.1:$PAYMENT_PORT   mistral-service http://127.0.0.1:$MISTRAL_PORT
  grok-service    http://127.0.0.1:$GROK_PORT   ledger-service  http://127.0.0.1:$LEDGER_PORT/ledger/charges
  chain (anvil, chain id 1337) $LOCAL_RPC_URL, Kafka $LOCAL_KAFKA, stand-in $LOCAL_STANDIN_URL
  logs in .local/logs/
Finance dashboard: http://127.0.0.1:$LEDGER_PORT/dashboard/
  sign in locally: run deploy/local/mint-finance-token.sh (add --ttl 28800 for a working day) and paste the token
  it prints on the sign-in page (signed with the PUBLIC TEST key of deploy/local/dev-keys; local only)
Pay again:  node deploy/agent/demo.mjs   (lane $LANE: first eval "\$(LANE=$LANE deploy/local/lane-env.sh)")
Stop it:    deploy/demo.sh stop
MSG
