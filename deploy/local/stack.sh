#!/usr/bin/env bash
# The whole local infrastructure (no Docker), everything on 127.0.0.1:
#   deploy/local/stack.sh up       PostgreSQL :5432, Kafka :9092, deploy/agent npm deps, anvil :8545, WireMock :8090 (lane 0; LANE=N shifts ports, see lib.sh)
#   deploy/local/stack.sh down     reverse order; stops only what these scripts started
#   deploy/local/stack.sh status
# The services are started separately, after a build: deploy/local/services.sh up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

timed() { # timed LABEL CMD... -> runs CMD and logs how long it took
  local label="$1" t0=$SECONDS
  shift
  "$@"
  log "$label done in $((SECONDS - t0)) s"
}

cmd_up() {
  local t0=$SECONDS
  timed postgres "$LOCAL_DIR/postgres.sh" up
  timed kafka "$LOCAL_DIR/kafka.sh" up
  timed agent-install "$LOCAL_DIR/agent-install.sh"
  timed chain "$LOCAL_DIR/chain.sh" up
  timed standin "$LOCAL_DIR/standin.sh" up
  log "local stack up in $((SECONDS - t0)) s; now build and run: ./mvnw -DskipTests package && deploy/local/services.sh up"
}

cmd_down() {
  "$LOCAL_DIR/standin.sh" down
  "$LOCAL_DIR/chain.sh" down
  "$LOCAL_DIR/kafka.sh" down
  "$LOCAL_DIR/postgres.sh" down
}

# component_status NAME PORT [PIDNAME|MARKER] -> one line
line() { printf '%-16s %-22s %s\n' "$1" "$2" "$3"; }
owner() { # PIDNAME -> "ours, pid N" or "not ours"
  local pid
  if pid="$(pid_of "$1")"; then echo "ours, pid $pid"; else echo "not started by us"; fi
}

cmd_status() {
  local s
  if port_open 127.0.0.1 $PG_PORT; then
    if compgen -G "$STATE_DIR/postgres-started-by-us.$PG_PORT" >/dev/null; then s="up (ours, cluster $(cat "$STATE_DIR/postgres-started-by-us.$PG_PORT"))"
    else s="up (not started by us)"; fi
  else s="down"; fi
  line postgres 127.0.0.1:$PG_PORT "$s"

  if port_open 127.0.0.1 "$KAFKA_PORT"; then s="up ($(owner kafka))"; else s="down"; fi
  line kafka 127.0.0.1:$KAFKA_PORT "$s"

  if port_open 127.0.0.1 "$CHAIN_PORT"; then
    local id
    id="$(rpc http://127.0.0.1:$CHAIN_PORT eth_chainId 2>/dev/null | sed -n 's/.*"result":"\(0x[0-9a-fA-F]*\)".*/\1/p')"
    s="up ($(owner anvil), chain id ${id:+$((id))})"
  else s="down"; fi
  line chain http://127.0.0.1:$CHAIN_PORT "$s"

  if curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:$STANDIN_PORT/__admin/health 2>/dev/null; then s="up ($(owner wiremock))"
  elif port_open 127.0.0.1 "$STANDIN_PORT"; then s="port in use, not WireMock? ($(owner wiremock))"
  else s="down"; fi
  line standin http://127.0.0.1:$STANDIN_PORT "$s"

  if [ -f "$REPO_ROOT/deploy/agent/node_modules/.package-lock.json" ]; then s="installed"; else s="not installed"; fi
  line agent-deps deploy/agent "$s"

  "$LOCAL_DIR/services.sh" status
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
