#!/usr/bin/env bash
# Run the four services from their built jars against the local stack (deploy/local/stack.sh up first).
#   deploy/local/services.sh up [SERVICE...]       start (default: all), wait for /q/health/ready
#   deploy/local/services.sh down [SERVICE...]     stop ours by pid
#   deploy/local/services.sh status [SERVICE...]
#   deploy/local/services.sh kill SERVICE...       kill -9 ours (fault tests: a crash, no shutdown hooks)
# Build first: ./mvnw -DskipTests package. Environment: deploy/local/services.env.
# Logs: .local/logs/<service>.log, pids: .local/pids/<service>.pid.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$LOCAL_DIR/services.env"

READY_TIMEOUT="${READY_TIMEOUT:-180}"

declare -A PORT=()
ALL=()
for entry in "${SERVICES[@]}"; do
  ALL+=("${entry%%:*}")
  PORT["${entry%%:*}"]="${entry##*:}"
done

jar_of() { echo "$REPO_ROOT/$1/target/quarkus-app/quarkus-run.jar"; }

# select_services SERVICE... -> sets SELECTED to the validated list in configured order (all if none given)
SELECTED=()
select_services() {
  local want=("$@") s w
  [ "${#want[@]}" -gt 0 ] || want=("${ALL[@]}")
  for w in "${want[@]}"; do
    [ -n "${PORT[$w]:-}" ] || die "unknown service '$w' (known: ${ALL[*]})"
  done
  SELECTED=()
  for s in "${ALL[@]}"; do
    for w in "${want[@]}"; do
      if [ "$s" = "$w" ]; then SELECTED+=("$s"); break; fi
    done
  done
}

cmd_up() {
  local s missing=() started=() failed=()
  select_services "$@"
  for s in "${SELECTED[@]}"; do
    [ -f "$(jar_of "$s")" ] || missing+=("$s/target/quarkus-app/quarkus-run.jar")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    die "build first: ./mvnw -DskipTests package (missing: ${missing[*]})"
  fi
  find_java
  for s in "${SELECTED[@]}"; do
    local port="${PORT[$s]}" pid envs=()
    if pid="$(pid_of "$s")"; then
      log "$s already running (pid $pid, port $port)"; started+=("$s"); continue
    fi
    port_open 127.0.0.1 "$port" && die "port $port for $s is in use by a process we did not start"
    mapfile -t envs < <(service_env "$s")
    # Bind loopback only, on the port this script waits for (Quarkus' prod default is 0.0.0.0).
    envs+=(QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port")
    [ -f "$LOG_DIR/$s.log" ] && mv -f "$LOG_DIR/$s.log" "$LOG_DIR/$s.log.1"
    # cwd = .local, so no stray .env or config/ directory is picked up by Quarkus.
    # SERVICE_JVM_OPTS (services.env): the JVM's options, word-split
    # shellcheck disable=SC2086
    (cd "$STATE_DIR" && start_bg "$s" "$LOG_DIR/$s.log" env "${envs[@]}" \
      "$JAVA_HOME/bin/java" $SERVICE_JVM_OPTS -jar "$(jar_of "$s")")
    started+=("$s")
  done
  local deadline=$((SECONDS + READY_TIMEOUT))
  for s in "${started[@]}"; do
    local url="http://127.0.0.1:${PORT[$s]}/q/health/ready" pid left
    pid="$(pid_of "$s" || true)"
    left=$((deadline - SECONDS)); [ "$left" -gt 0 ] || left=1
    if [ -n "$pid" ] && wait_for_http "$url" "$left" "$pid"; then
      log "$s ready on http://127.0.0.1:${PORT[$s]} (pid $pid)"
    else
      warn "$s not ready at $url within ${READY_TIMEOUT}s; last log lines ($LOG_DIR/$s.log):"
      tail -n 25 "$LOG_DIR/$s.log" >&2 || true
      failed+=("$s")
    fi
  done
  [ "${#failed[@]}" -eq 0 ] || die "not ready: ${failed[*]} (still-running ones are left up for inspection; stop with $0 down)"
}

cmd_down() {
  local i
  select_services "$@"
  for ((i = ${#SELECTED[@]} - 1; i >= 0; i--)); do stop_by_pid "${SELECTED[$i]}"; done
}

cmd_kill() {
  local s pid
  [ "$#" -gt 0 ] || die "kill needs the service(s) to kill"
  select_services "$@"
  for s in "${SELECTED[@]}"; do
    if pid="$(pid_of "$s")"; then
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do _alive "$pid" || break; sleep 0.25; done
      rm -f "$PID_DIR/$s.pid" "$PID_DIR/$s.start"
      log "killed $s (pid $pid, SIGKILL)"
    else
      log "$s not running (nothing of ours to kill)"
    fi
  done
}

cmd_status() {
  local s pid port state
  select_services "$@"
  for s in "${SELECTED[@]}"; do
    port="${PORT[$s]}"
    if pid="$(pid_of "$s")"; then
      if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/q/health/ready"; then state="up, ready (ours, pid $pid)"
      else state="running, NOT ready (ours, pid $pid)"; fi
    elif port_open 127.0.0.1 "$port"; then state="port in use by a process we did not start"
    else state="down"; fi
    printf '%-16s 127.0.0.1:%-5s %s\n' "$s" "$port" "$state"
  done
}

cmd="${1:-}"
shift || true
case "$cmd" in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status "$@" ;;
  kill) cmd_kill "$@" ;;
  *) echo "usage: $0 up|down|status|kill [${ALL[*]}]" >&2; exit 2 ;;
esac
