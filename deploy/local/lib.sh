# shellcheck shell=bash
# Common helpers for the local-stack scripts in deploy/local/. Source it, don't run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# All state, logs and pid files live under $REPO_ROOT/.local (git-ignored). Everything binds 127.0.0.1.

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"
STATE_DIR="$REPO_ROOT/.local"
LOG_DIR="$STATE_DIR/logs"
PID_DIR="$STATE_DIR/pids"
export REPO_ROOT STATE_DIR LOG_DIR PID_DIR
mkdir -p "$STATE_DIR" "$LOG_DIR" "$PID_DIR"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

command -v curl >/dev/null 2>&1 || die "curl is required (apt-get install -y curl)"

# Lanes: several copies of the local stack side by side on one machine, e.g. two checkouts testing at once.
# LANE=0 (the default) uses the usual ports; LANE=N (1-9) shifts every port below by N*100 and runs PostgreSQL as
# a cluster of its own (laneN). The ports are shell variables of the scripts; what tests need is exported under
# LANE_* names (contracts' LocalStack and the %test profiles read them), which no Quarkus or Kafka setting maps
# to (an exported KAFKA_BOOTSTRAP_SERVERS would override a test's own broker). `deploy/local/lane-env.sh` prints
# the exports for an interactive shell, including the URLs the node end-to-end tests read.
LANE="${LANE:-0}"
[[ "$LANE" =~ ^[0-9]$ ]] || die "LANE must be a digit 0-9, not '$LANE'"
_lane_offset=$((LANE * 100))
PG_PORT="${PG_PORT:-$((5432 + _lane_offset))}"
KAFKA_PORT="${KAFKA_PORT:-$((9092 + _lane_offset))}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((9093 + _lane_offset))}"
CHAIN_PORT="${CHAIN_PORT:-$((8545 + _lane_offset))}"
STANDIN_PORT="${STANDIN_PORT:-$((8090 + _lane_offset))}"
PAYMENT_PORT="${PAYMENT_PORT:-$((8081 + _lane_offset))}"
MISTRAL_PORT="${MISTRAL_PORT:-$((8082 + _lane_offset))}"
GROK_PORT="${GROK_PORT:-$((8083 + _lane_offset))}"
LEDGER_PORT="${LEDGER_PORT:-$((8084 + _lane_offset))}"
if [ "$LANE" != 0 ]; then PG_CLUSTER="${PG_CLUSTER:-lane$LANE}"; fi
LOCAL_KAFKA="127.0.0.1:$KAFKA_PORT"
LOCAL_RPC_URL="http://127.0.0.1:$CHAIN_PORT"
LOCAL_STANDIN_URL="http://127.0.0.1:$STANDIN_PORT"
export LANE LANE_PG_PORT="$PG_PORT" LANE_KAFKA="$LOCAL_KAFKA" LANE_RPC_URL="$LOCAL_RPC_URL"
export LANE_STANDIN_URL="$LOCAL_STANDIN_URL"

# node_test_env -> the variables deploy/agent (node) reads, as NAME=VALUE lines for `env`
node_test_env() {
  printf '%s\n' "RPC_URL=$LOCAL_RPC_URL" "STANDIN_URL=$LOCAL_STANDIN_URL" \
    "MISTRAL_SERVICE_URL=http://127.0.0.1:$MISTRAL_PORT" "GROK_SERVICE_URL=http://127.0.0.1:$GROK_PORT" \
    "LEDGER_URL=http://127.0.0.1:$LEDGER_PORT" "PAYMENT_URL=http://127.0.0.1:$PAYMENT_PORT"
}

# java_major JAVA_BINARY -> prints the feature release (8, 17, 21, 25, ...) or nothing.
java_major() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/^ *java\.specification\.version *=/ {print $2; exit}')"
  case "$v" in
    1.*) echo "${v#1.}" | cut -d. -f1 ;;
    "") return 0 ;;
    *) echo "${v%%.*}" ;;
  esac
}

# find_java: export JAVA_HOME pointing to a JDK >= 21 (an existing suitable JAVA_HOME wins,
# then the newest JDK under /usr/lib/jvm, then the java on PATH). Exits if there is none.
find_java() {
  local min=21 cand major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major="$(java_major "$JAVA_HOME/bin/java")"
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then export JAVA_HOME; return 0; fi
  fi
  for cand in /usr/lib/jvm/*; do
    if [ -L "$cand" ] || [ ! -x "$cand/bin/java" ]; then continue; fi
    major="$(java_major "$cand/bin/java")"
    if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
      best="$cand"; best_major="$major"
    fi
  done
  if [ -z "$best" ] && command -v java >/dev/null 2>&1; then
    cand="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    major="$(java_major "$cand/bin/java")"
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then best="$cand"; fi
  fi
  [ -n "$best" ] || die "need a JDK >= $min: set JAVA_HOME to one, or install one under /usr/lib/jvm (e.g. Temurin 21/25; Debian 12's own openjdk is only 17)"
  export JAVA_HOME="$best"
}

# port_open HOST PORT -> success if something accepts TCP connections there.
port_open() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# wait_for_port HOST PORT [TIMEOUT_S=30] [PID] -> waits until the port accepts connections.
# Fails early if PID (when given) has exited.
wait_for_port() {
  local host="$1" port="$2" timeout="${3:-30}" pid="${4:-}" deadline
  deadline=$((SECONDS + timeout))
  while [ "$SECONDS" -lt "$deadline" ]; do
    port_open "$host" "$port" && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.25
  done
  return 1
}

# wait_for_http URL [TIMEOUT_S=30] [PID] -> waits until URL answers with a 2xx status.
wait_for_http() {
  local url="$1" timeout="${2:-30}" pid="${3:-}" deadline
  deadline=$((SECONDS + timeout))
  while [ "$SECONDS" -lt "$deadline" ]; do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.5
  done
  return 1
}

# Process start time (clock ticks since boot), used to make sure a pid file still names the process
# we started and not an unrelated process that got the same pid later.
_proc_start() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }
# _alive PID -> the process exists and is not a zombie waiting to be reaped.
_alive() { kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

# pid_of NAME -> prints the pid of our running process NAME; fails if it is not running.
pid_of() {
  local name="$1" pid start
  [ -f "$PID_DIR/$name.pid" ] || return 1
  pid="$(cat "$PID_DIR/$name.pid" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  _alive "$pid" || return 1
  if [ -f "$PID_DIR/$name.start" ]; then
    start="$(cat "$PID_DIR/$name.start")"
    [ "$start" = "$(_proc_start "$pid")" ] || return 1
  fi
  echo "$pid"
}

is_running() { pid_of "$1" >/dev/null; }

# start_bg NAME LOGFILE CMD... -> starts CMD detached (own session, stdin /dev/null, stdout+stderr
# appended to LOGFILE), writes $PID_DIR/NAME.pid. No-op if NAME is already running.
start_bg() {
  local name="$1" logfile="$2" pidfile="$PID_DIR/$1.pid" pid=""
  shift 2
  if pid="$(pid_of "$name")"; then
    log "$name already running (pid $pid)"; return 0
  fi
  rm -f "$pidfile" "$PID_DIR/$name.start"
  mkdir -p "$(dirname "$logfile")"
  # The inner shell writes its own pid and then execs CMD, so the pid file names CMD itself even
  # if setsid has to fork.
  # shellcheck disable=SC2016 # expanded by the inner shell
  nohup setsid bash -c 'echo $$ > "$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" \
    >>"$logfile" 2>&1 </dev/null &
  for _ in $(seq 1 100); do
    [ -s "$pidfile" ] && break
    sleep 0.05
  done
  [ -s "$pidfile" ] || die "could not start $name (see $logfile)"
  pid="$(cat "$pidfile")"
  _proc_start "$pid" > "$PID_DIR/$name.start" || true
  log "started $name (pid $pid, log $logfile)"
}

# stop_by_pid NAME -> TERM, wait up to 15 s, then KILL; removes the pid file. No-op if not running.
stop_by_pid() {
  local name="$1" pid
  if ! pid="$(pid_of "$name")"; then
    rm -f "$PID_DIR/$name.pid" "$PID_DIR/$name.start"
    log "$name not running (nothing of ours to stop)"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    _alive "$pid" || break
    sleep 0.25
  done
  if _alive "$pid"; then
    warn "$name (pid $pid) did not stop within 15 s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$PID_DIR/$name.pid" "$PID_DIR/$name.start"
  log "stopped $name (pid $pid)"
}

# run_mvnw ARGS... -> the repository's Maven wrapper with a JDK >= 21, batch mode.
run_mvnw() {
  find_java
  # Runs in $STATE_DIR (no pom.xml there), so goals that need no project do not touch the reactor.
  (cd "$STATE_DIR" && "$REPO_ROOT/mvnw" -B -q "$@")
}

# rpc URL METHOD [PARAMS_JSON] -> prints the raw JSON-RPC response.
rpc() {
  curl -fsS --max-time 5 -H 'content-type: application/json' \
    --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":${3:-[]}}" "$1"
}
