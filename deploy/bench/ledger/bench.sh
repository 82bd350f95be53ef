#!/usr/bin/env bash
# Ledger benchmark (issue 5, item 5): loads 1,000,000 charges with usage, journal and rollups into a separate
# database (ledger_bench, never the dev ledger), starts ledger-service from its built jar against it (consumers
# off, port 18084), and measures p50/p95 of the finance API with measure.mjs. Target: p95 < 100 ms per case.
#   deploy/bench/ledger/bench.sh [--charges N] [--keep] [--reuse]
#     --keep: leave ledger_bench in place afterwards; --reuse: measure the ledger_bench a --keep run left (no load;
#     the jar still migrates it, e.g. to measure a new index without reloading 10,000,000 charges for half an hour)
# Needs: the local PostgreSQL (deploy/local/stack.sh up), root or a postgres superuser to create the database,
# the built jar (./mvnw -pl ledger-service -DskipTests package) and Node.js >= 20. Not part of deploy/test.sh.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$BENCH_DIR/../../local/lib.sh"
# SERVICE_JVM_OPTS: the services' JVM (services.env); the -Xmx512m after it only raises the heap's cap
source "$LOCAL_DIR/services.env"
find_java

CHARGES=1000000
KEEP=0
REUSE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --charges) CHARGES="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --reuse) REUSE=1; KEEP=1; shift ;;
    *) die "unknown argument: $1" ;;
  esac
done
DB=ledger_bench
PORT="${BENCH_PORT:-$((18084 + LANE * 100))}"
JAR="$REPO_ROOT/ledger-service/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || die "build first: ./mvnw -pl ledger-service -DskipTests package"
export PGPASSWORD=gateway
psql_gw() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U gateway "$@"; }
psql_super() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "psql -X -qtA -v ON_ERROR_STOP=1 -p $PG_PORT -d postgres" <<<"$1"
  else psql -X -qtA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "$1"; fi
}

if [ "$REUSE" = 1 ]; then
  [ "$(psql_super "SELECT 1 FROM pg_database WHERE datname = '$DB'")" = 1 ] || die "no $DB to reuse: run with --keep first"
else
  log "recreating database $DB"
  psql_super "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  psql_super "CREATE DATABASE $DB OWNER gateway" >/dev/null
fi

BENCH_LOG="$STATE_DIR/logs/ledger-bench.log"
mkdir -p "$(dirname "$BENCH_LOG")"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ "$KEEP" = 1 ] || psql_super "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
}
trap cleanup EXIT

start_ledger() {
  # the jar migrates the schema (Flyway); its consumers stay off so nothing but the bench data is in the database
  env LEDGER_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB" DB_USER=gateway DB_PASSWORD=gateway \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$PORT" \
    LEDGER_JWT_PUBLIC_KEY_LOCATION="$REPO_ROOT/deploy/local/dev-keys/finance-dev-public.pem" \
    "$JAVA_HOME/bin/java" $SERVICE_JVM_OPTS -Xmx512m \
    -Dmp.messaging.incoming.payments-settled.enabled=false \
    -Dmp.messaging.incoming.usage-recorded.enabled=false \
    -Dmp.messaging.incoming.payments-refunded.enabled=false \
    -jar "$JAR" >"$BENCH_LOG" 2>&1 &
  pid=$!
  wait_for_http "http://127.0.0.1:$PORT/q/health/live" 90 "$pid" || { tail -30 "$BENCH_LOG"; die "ledger did not start"; }
}

log "starting ledger-service on :$PORT against $DB (schema migration)"
start_ledger

if [ "$REUSE" = 1 ]; then
  log "reusing $DB: $(psql_gw -d "$DB" -At -c "SELECT count(*) FROM charges") charges"
else
  log "loading $CHARGES charges (generate_series)"
  t0=$SECONDS
  psql_gw -d "$DB" -v n="$CHARGES" -f "$BENCH_DIR/load.sql"
  log "loaded in $((SECONDS - t0)) s"
fi

SAMPLES="$STATE_DIR/ledger-bench-samples.json"
psql_gw -d "$DB" -At >"$SAMPLES" <<'SQL'
SELECT json_build_object(
  'ids', (SELECT json_agg(challenge_id) FROM (SELECT challenge_id FROM charges TABLESAMPLE SYSTEM (1) LIMIT 300) s),
  'payers', (SELECT json_agg(DISTINCT payer) FROM (SELECT payer FROM charges TABLESAMPLE SYSTEM (1) LIMIT 100) s),
  'deepCursors', (SELECT json_agg(rtrim(translate(encode(convert_to(
       'v1|' || to_char(x.settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || x.challenge_id,
       'UTF8'), 'base64'), E'+/\n', '-_'), '='))
     FROM generate_series(1, 20) g,
     LATERAL (SELECT settled_at, challenge_id FROM charges ORDER BY settled_at DESC, challenge_id DESC
              OFFSET (SELECT count(*) FROM charges) * (28 + 3 * g) / 100 LIMIT 1) x),
  'from30', to_char((now() AT TIME ZONE 'UTC')::date - 29, 'YYYY-MM-DD'),
  'from90', to_char((now() AT TIME ZONE 'UTC')::date - 89, 'YYYY-MM-DD'),
  'to', to_char((now() AT TIME ZONE 'UTC')::date + 1, 'YYYY-MM-DD'));
SQL
TOKEN="$("$REPO_ROOT/deploy/local/mint-finance-token.sh")"
log "measuring"
node "$BENCH_DIR/measure.mjs" "http://127.0.0.1:$PORT" "$TOKEN" "$SAMPLES"
