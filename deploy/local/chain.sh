#!/usr/bin/env bash
# Local Tempo chain: anvil 1.7.1 in Tempo mode (TIP-20 precompiles: pathUSD 0x20c0…0000, AlphaUSD …01,
# BetaUSD …02, ThetaUSD …03; pre-funded dev accounts), JSON-RPC on http://127.0.0.1:8545, chain id 1337
# (the id the mppx CLI knows as tempoLocalnet).
#   deploy/local/chain.sh up     start it (after deploy/local/agent-install.sh), mine one block
#   deploy/local/chain.sh down   stop ours by pid (state is in memory only and is lost)
# If something already answers JSON-RPC on 8545 and it is not ours, `up` uses it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# CHAIN_PORT: 8545 in lane 0 (lib.sh)
CHAIN_ID=1337
RPC_URL="http://127.0.0.1:$CHAIN_PORT"
ANVIL="$REPO_ROOT/deploy/agent/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"

chain_id() { rpc "$RPC_URL" eth_chainId 2>/dev/null | sed -n 's/.*"result":"\(0x[0-9a-fA-F]*\)".*/\1/p'; }
block_number() { rpc "$RPC_URL" eth_blockNumber 2>/dev/null | sed -n 's/.*"result":"\(0x[0-9a-fA-F]*\)".*/\1/p'; }

# anvil 1.7.1 (--network tempo) validates Tempo transactions in eth_call against a bogus block-0
# timestamp, so mppx's pre-broadcast simulation fails until one block has been mined.
mine_first_block() {
  if [ "$(block_number)" = "0x0" ]; then
    rpc "$RPC_URL" evm_mine >/dev/null
    log "mined block 1 (anvil block-0 workaround)"
  fi
}

cmd_up() {
  local pid id
  if pid="$(pid_of anvil)"; then
    log "anvil already running on $RPC_URL (pid $pid, ours)"
    mine_first_block
    return 0
  fi
  if port_open 127.0.0.1 "$CHAIN_PORT"; then
    id="$(chain_id)"
    [ -n "$id" ] || die "127.0.0.1:$CHAIN_PORT is in use by something that does not answer eth_chainId"
    [ "$((id))" = "$CHAIN_ID" ] || warn "the node on $RPC_URL has chain id $((id)), expected $CHAIN_ID"
    log "a JSON-RPC node (not ours, chain id $((id))) already listens on $RPC_URL; using it"
    mine_first_block
    return 0
  fi
  "$LOCAL_DIR/agent-install.sh"
  [ -x "$ANVIL" ] || die "anvil binary missing at $ANVIL"
  local anvil_log="$LOG_DIR/anvil.log"
  [ -f "$anvil_log" ] && mv -f "$anvil_log" "$anvil_log.1"
  start_bg anvil "$anvil_log" "$ANVIL" --network tempo --chain-id "$CHAIN_ID" \
    --host 127.0.0.1 --port "$CHAIN_PORT"
  pid="$(cat "$PID_DIR/anvil.pid")"
  local deadline=$((SECONDS + 30))
  until [ -n "$(chain_id)" ]; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 20 "$anvil_log" >&2 || true
      stop_by_pid anvil
      die "anvil did not come up, see $anvil_log"
    fi
    sleep 0.1
  done
  mine_first_block
  log "anvil up on $RPC_URL (chain id $CHAIN_ID, pid $pid)"
}

cmd_down() { stop_by_pid anvil; }

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
