#!/usr/bin/env bash
# Upstream LLM stand-in: one WireMock standalone on http://127.0.0.1:8090 serving both providers
# from deploy/standin/ (mappings/*.json, __files/*):
#   Mistral base URL  http://127.0.0.1:8090/mistral   (POST /mistral/v1/chat/completions)
#   xAI base URL      http://127.0.0.1:8090/xai       (POST /xai/v1/chat/completions)
#   admin             http://127.0.0.1:8090/__admin/  (e.g. POST /__admin/requests/count)
#   deploy/local/standin.sh up|down
# If something already listens on 8090 and it is not ours, `up` uses it and `down` leaves it alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WIREMOCK_VERSION=3.13.2
WIREMOCK_DIR="$STATE_DIR/wiremock"
WIREMOCK_JAR="$WIREMOCK_DIR/wiremock-standalone-$WIREMOCK_VERSION.jar"
STANDIN_ROOT="$REPO_ROOT/deploy/standin"
# STANDIN_PORT: 8090 in lane 0 (lib.sh)
# WireMock sends a dribbled (chunkedDribbleDelay) stream from one container thread, sleeping between chunks; its
# default pool of 25 threads serialises concurrent streams (measured: 64 concurrent 4 s streams took 17.4 s, 5.5 s
# with this bound). The pool only grows on demand, so a large bound costs nothing idle; deploy/bench/compare.sh
# holds 1,000 streams open.
STANDIN_THREADS="${STANDIN_THREADS:-1200}"
# maven-dependency-plugin version used for the download (exists on Maven Central).
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

fetch_jar() {
  [ -s "$WIREMOCK_JAR" ] && return 0
  log "fetching org.wiremock:wiremock-standalone:$WIREMOCK_VERSION from Maven Central"
  mkdir -p "$WIREMOCK_DIR"
  run_mvnw "$DEP_PLUGIN:copy" -Dartifact="org.wiremock:wiremock-standalone:$WIREMOCK_VERSION" \
    -DoutputDirectory="$WIREMOCK_DIR"
  [ -s "$WIREMOCK_JAR" ] || die "download of $WIREMOCK_JAR failed"
}

cmd_up() {
  local pid
  if pid="$(pid_of wiremock)"; then
    log "WireMock stand-in already running on http://127.0.0.1:$STANDIN_PORT (pid $pid, ours)"; return 0
  fi
  if port_open 127.0.0.1 "$STANDIN_PORT"; then
    log "something already listens on 127.0.0.1:$STANDIN_PORT and it is not ours; using it as the stand-in"
    return 0
  fi
  find_java
  fetch_jar
  local wm_log="$LOG_DIR/wiremock.log"
  [ -f "$wm_log" ] && mv -f "$wm_log" "$wm_log.1"
  start_bg wiremock "$wm_log" "$JAVA_HOME/bin/java" -Xmx256m -jar "$WIREMOCK_JAR" \
    --bind-address 127.0.0.1 --port "$STANDIN_PORT" --root-dir "$STANDIN_ROOT" \
    --disable-banner --local-response-templating --container-threads "$STANDIN_THREADS"
  pid="$(cat "$PID_DIR/wiremock.pid")"
  if ! wait_for_http "http://127.0.0.1:$STANDIN_PORT/__admin/health" 60 "$pid"; then
    tail -n 30 "$wm_log" >&2 || true
    stop_by_pid wiremock
    die "WireMock did not start, see $wm_log"
  fi
  log "WireMock stand-in up on http://127.0.0.1:$STANDIN_PORT (pid $pid, $(find "$STANDIN_ROOT/mappings" -name '*.json' | wc -l) mappings)"
}

cmd_down() { stop_by_pid wiremock; }

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
