#!/usr/bin/env bash
# Two replicas of every service on the local stack, behind a local nginx that mirrors the Ingress (issue 13.4).
#
#   deploy/replicas/replicas.sh up        topics as the KafkaTopics of k8s/overlays/local (3 partitions each), then
#                                         2 x payment-service, mistral-service, grok-service, ledger-service and nginx
#   deploy/replicas/replicas.sh down      stops what `up` started (by pid)
#   deploy/replicas/replicas.sh status
#   deploy/replicas/replicas.sh kill SERVICE N     kill -9 replica N (1 or 2) of SERVICE
#   deploy/replicas/replicas.sh start SERVICE N    (re)starts replica N of SERVICE
#   deploy/replicas/replicas.sh env       the URLs the tests read (MISTRAL_SERVICE_URL=... through nginx)
#
# Lane ports (LANE=N adds N*100, deploy/local/lib.sh): replica 1 of a service on its usual port (8081..8084),
# replica 2 on that port + 4 (8085..8088); nginx on 8080 (the Ingress: its hosts, paths and annotations, generated
# from `kubectl kustomize k8s/overlays/local` by ingress-to-nginx.mjs; 127.0.0.1 is its main host) and on 8089
# (payment-service's in-cluster Service: the providers' PAYMENT_SERVICE_URL, balancing both payment replicas).
# The local stack must be up (deploy/local/stack.sh up); the jars built. deploy/local/services.sh's single
# instances are stopped first (they use the replica-1 ports). Logs: .local/logs/<service>-<N>.log, .local/replicas/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"
source "$LOCAL_DIR/services.env"
HERE="$REPO_ROOT/deploy/replicas"
RDIR="$STATE_DIR/replicas"
ALL=(payment-service mistral-service grok-service ledger-service)
declare -A BASE=([payment-service]=$PAYMENT_PORT [mistral-service]=$MISTRAL_PORT [grok-service]=$GROK_PORT [ledger-service]=$LEDGER_PORT)
NGINX_PORT=$((PAYMENT_PORT - 1))
INTERNAL_PORT=$((PAYMENT_PORT + 8))
READY_TIMEOUT="${READY_TIMEOUT:-180}"

port_of() { echo $(( ${BASE[$1]} + ($2 - 1) * 4 )); }

ensure_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] && return 0
  [ "$(id -u)" = 0 ] || die "nginx is not installed (apt-get install nginx-light)"
  log "installing nginx-light from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null; }
}
NGINX=/usr/sbin/nginx

ensure_node_deps() {
  [ -d "$REPO_ROOT/deploy/k8s-validate/node_modules/yaml" ] \
    || (cd "$REPO_ROOT/deploy/k8s-validate" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# topics as the KafkaTopic resources of the local overlay: created, or grown to their partition count
create_topics() {
  find_java
  local kt=("$JAVA_HOME/bin/java" -cp "$STATE_DIR/kafka/libs/*" -Dlog4j2.configurationFile="$STATE_DIR/kafka/log4j2.yaml" org.apache.kafka.tools.TopicCommand --bootstrap-server "$LOCAL_KAFKA")
  local existing name parts cfg args
  existing="$("${kt[@]}" --list 2>/dev/null)"
  while read -r name parts cfg; do
    [ -n "$name" ] || continue
    if grep -qx "$name" <<<"$existing"; then
      local now; now="$("${kt[@]}" --describe --topic "$name" 2>/dev/null | grep -o 'PartitionCount: *[0-9]*' | grep -o '[0-9]*$')"
      if [ "${now:-0}" -lt "$parts" ]; then "${kt[@]}" --alter --topic "$name" --partitions "$parts" >/dev/null; log "topic $name: $now -> $parts partitions"
      else log "topic $name: $now partitions"; fi
    else
      args=(); IFS=',' read -ra kv <<<"$cfg"; for c in "${kv[@]}"; do [ -n "$c" ] && args+=(--config "$c"); done
      "${kt[@]}" --create --topic "$name" --partitions "$parts" --replication-factor 1 "${args[@]}" >/dev/null
      log "topic $name: created with $parts partitions"
    fi
  done < <(kubectl kustomize "$REPO_ROOT/k8s/overlays/local" | node "$HERE/ingress-to-nginx.mjs" topics)
}

start_replica() {
  local s="$1" n="$2" port envs=()
  port="$(port_of "$s" "$n")"
  is_running "$s-$n" && { log "$s-$n already running"; return 0; }
  port_open 127.0.0.1 "$port" && die "port $port for $s-$n is in use by a process we did not start"
  mapfile -t envs < <(service_env "$s")
  envs+=(QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port")
  # the providers reach payment-service through its "Service" (nginx, both replicas), as in the cluster
  case "$s" in mistral-service|grok-service) envs+=(PAYMENT_SERVICE_URL="http://127.0.0.1:$INTERNAL_PORT") ;; esac
  # a charge held by a replica that is killed is presumed undelivered once its delivery lease runs out without the
  # replica's heartbeat (then redeemable). Production relies on the heartbeat alone (lease PT2M, a heartbeat every
  # 20 s); here a lease of 30 s, so the kill test's buyers are served within their re-presentation window, with a
  # heartbeat every 5 s (the same six beats a lease), and upstream timeouts that keep every call (3 attempts) well
  # inside even that lease should a heartbeat be missed
  case "$s" in
    payment-service) envs+=(MPP_DELIVERY_LEASE=PT30S PAYMENT_DELIVERY_LEASE_POLL_INTERVAL=5s) ;;
    mistral-service|grok-service) envs+=(PAYWALL_UPSTREAM_TIMEOUT=PT7S PAYWALL_UPSTREAM_STREAM_HEADERS_TIMEOUT=PT7S
      PAYWALL_DELIVERY_HEARTBEAT=PT5S) ;;
  esac
  # SERVICE_JVM_OPTS (services.env): the JVM's options, word-split
  # shellcheck disable=SC2086
  (cd "$STATE_DIR" && start_bg "$s-$n" "$LOG_DIR/$s-$n.log" env "${envs[@]}" "$JAVA_HOME/bin/java" $SERVICE_JVM_OPTS -jar "$REPO_ROOT/$s/target/quarkus-app/quarkus-run.jar")
}

wait_ready() {
  local s="$1" n="$2" url pid
  url="http://127.0.0.1:$(port_of "$s" "$n")/q/health/ready"; pid="$(pid_of "$s-$n" || true)"
  if [ -n "$pid" ] && wait_for_http "$url" "$READY_TIMEOUT" "$pid"; then log "$s-$n ready at $url"
  else tail -n 20 "$LOG_DIR/$s-$n.log" >&2; die "$s-$n not ready at $url"; fi
}

start_nginx() {
  ensure_nginx; ensure_node_deps
  mkdir -p "$RDIR/tmp"
  local up
  up="$(printf '{"listen":%s,"internal":%s,"prefix":"%s"' "$NGINX_PORT" "$INTERNAL_PORT" "$RDIR")"
  for s in "${ALL[@]}"; do up+=",\"$s\":[\"127.0.0.1:$(port_of "$s" 1)\",\"127.0.0.1:$(port_of "$s" 2)\"]"; done
  up+="}"
  kubectl kustomize "$REPO_ROOT/k8s/overlays/local" | node "$HERE/ingress-to-nginx.mjs" nginx "$up" > "$RDIR/nginx.conf"
  # the master runs as root here (a local harness), its worker too: "user root" keeps the temp paths writable
  sed -i '1a user root;' "$RDIR/nginx.conf"
  "$NGINX" -t -q -p "$RDIR" -c "$RDIR/nginx.conf" 2>"$RDIR/nginx-t.log" || { cat "$RDIR/nginx-t.log" >&2; die "nginx.conf is invalid"; }
  if [ -s "$RDIR/nginx.pid" ] && kill -0 "$(cat "$RDIR/nginx.pid")" 2>/dev/null; then
    "$NGINX" -p "$RDIR" -c "$RDIR/nginx.conf" -s reload; log "nginx reloaded"; return 0
  fi
  "$NGINX" -p "$RDIR" -c "$RDIR/nginx.conf"
  wait_for_port 127.0.0.1 "$NGINX_PORT" 10 || die "nginx did not listen on $NGINX_PORT ($RDIR/error.log)"
  log "nginx (the Ingress) on http://127.0.0.1:$NGINX_PORT, payment-service's Service on :$INTERNAL_PORT"
}

cmd_up() {
  for s in "${ALL[@]}"; do [ -f "$REPO_ROOT/$s/target/quarkus-app/quarkus-run.jar" ] || die "build first: ./mvnw -DskipTests package"; done
  port_open 127.0.0.1 "$KAFKA_PORT" || die "the local stack is not up (LANE=$LANE deploy/local/stack.sh up)"
  find_java
  "$LOCAL_DIR/services.sh" down >/dev/null 2>&1 || true
  ensure_node_deps
  create_topics
  start_nginx # before the providers: they fetch their terms from payment-service through it
  for s in "${ALL[@]}"; do start_replica "$s" 1; start_replica "$s" 2; done
  for s in "${ALL[@]}"; do wait_ready "$s" 1; wait_ready "$s" 2; done
}

cmd_down() {
  local s n
  if [ -s "$RDIR/nginx.pid" ] && kill -0 "$(cat "$RDIR/nginx.pid")" 2>/dev/null; then
    "$NGINX" -p "$RDIR" -c "$RDIR/nginx.conf" -s quit 2>/dev/null || kill "$(cat "$RDIR/nginx.pid")"
    log "stopped nginx"
  fi
  for ((i = ${#ALL[@]} - 1; i >= 0; i--)); do for n in 2 1; do stop_by_pid "${ALL[$i]}-$n"; done; done
}

cmd_status() {
  local s n
  for s in "${ALL[@]}"; do for n in 1 2; do
    printf '%-18s 127.0.0.1:%-5s %s\n' "$s-$n" "$(port_of "$s" "$n")" "$(pid_of "$s-$n" >/dev/null && echo "up (pid $(pid_of "$s-$n"))" || echo down)"
  done; done
  printf '%-18s 127.0.0.1:%-5s %s\n' nginx "$NGINX_PORT" "$([ -s "$RDIR/nginx.pid" ] && kill -0 "$(cat "$RDIR/nginx.pid")" 2>/dev/null && echo up || echo down)"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  kill) pid="$(pid_of "$1-$2")" || die "$1-$2 is not running"; kill -KILL "$pid"; log "killed -9 $1-$2 (pid $pid)" ;;
  start) find_java; start_replica "$1" "$2"; wait_ready "$1" "$2" ;;
  env) printf '%s\n' "LANE=$LANE" "MISTRAL_SERVICE_URL=http://127.0.0.1:$NGINX_PORT" "GROK_SERVICE_URL=http://127.0.0.1:$NGINX_PORT" \
         "LEDGER_URL=http://127.0.0.1:$NGINX_PORT" "REPLICAS_NGINX_LOG=$RDIR/access.log" "RPC_URL=$LOCAL_RPC_URL" \
         "STANDIN_URL=$LOCAL_STANDIN_URL" "LANE_PG_PORT=$PG_PORT" "LANE_KAFKA=$LOCAL_KAFKA" ;;
  *) echo "usage: $0 up|down|status|env|kill SERVICE N|start SERVICE N" >&2; exit 2 ;;
esac
