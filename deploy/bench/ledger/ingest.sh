#!/usr/bin/env bash
# Ledger ingestion benchmark (issue 10): how many events per second ledger-service books from Kafka, sustained.
#   deploy/bench/ledger/ingest.sh [--charges N] [--batch B (default 1000)] [--concurrency C] [--keep] [--explain]
#   LEDGER_JAR=path/to/quarkus-run.jar: another build of ledger-service (e.g. to compare before and after a change)
# Produces N payments.settled and N usage.recorded events (default 500,000 each: 90 % delivered with tokens and an
# upstream cost, 10 % failed upstream) to topics of their own, then starts the built ledger-service jar against an
# empty database of its own (ledger_ingest_bench, dropped afterwards unless --keep) with a fresh consumer group, and
# measures from the first booked event to the last: events/s overall and per 10-second window, the consumer's lag
# draining. It then checks the result is exact (every event booked once, the journal balanced, revenue and upstream
# cost as generated). Target: >= 10,000 events/s sustained. Not part of deploy/test.sh. --explain logs the plans of
# statements slower than 20 ms to the PostgreSQL server log (auto_explain), for profiling. --concurrency C books each
# channel with C consumers at once (SmallRye's channel concurrency; the topics have 3 partitions); by default the
# service's own (LEDGER_KAFKA_CONCURRENCY, 1).
# Needs: the lane's local stack (LANE=N deploy/local/stack.sh up), the built jar
# (./mvnw -pl ledger-service -am -DskipTests package), Node.js >= 20, root or a postgres superuser.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$BENCH_DIR/../../local/lib.sh"
# SERVICE_JVM_OPTS: the services' JVM (services.env); the -Xmx512m after it only raises the heap's cap
source "$LOCAL_DIR/services.env"
find_java

CHARGES=500000
BATCH=1000
CONCURRENCY=""
KEEP=0
EXPLAIN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --charges) CHARGES="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --explain) EXPLAIN=1; shift ;;
    *) die "unknown argument: $1" ;;
  esac
done
DB=ledger_ingest_bench
PORT="${BENCH_PORT:-$((18084 + LANE * 100))}"
RUN="bench$(date +%s)"
JAR="${LEDGER_JAR:-$REPO_ROOT/ledger-service/target/quarkus-app/quarkus-run.jar}"  # LEDGER_JAR: another build, e.g. to compare
KAFKA_LIBS="$STATE_DIR/kafka/libs"
[ -f "$JAR" ] || die "build first: ./mvnw -pl ledger-service -am -DskipTests package"
[ -d "$KAFKA_LIBS" ] || die "no Kafka jars in $KAFKA_LIBS: start the stack first (deploy/local/stack.sh up)"
port_open 127.0.0.1 "$KAFKA_PORT" || die "Kafka is not up on $LOCAL_KAFKA"
export PGPASSWORD=gateway
psql_gw() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U gateway "$@"; }
psql_super() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "psql -X -qtA -v ON_ERROR_STOP=1 -p $PG_PORT -d postgres" <<<"$1"
  else psql -X -qtA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "$1"; fi
}
kafka_tool() { "$JAVA_HOME/bin/java" -Xmx512m -Dlog4j2.configurationFile="$STATE_DIR/kafka/log4j2.yaml" -cp "$KAFKA_LIBS/*" "$@"; }
topic() { echo "$RUN.$1"; }
calc() { awk "BEGIN { printf \"%d\", $1 }"; }

pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ "$KEEP" = 1 ] || psql_super "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
  for t in payments.settled usage.recorded payments.refunded; do
    kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$LOCAL_KAFKA" --delete --topic "$(topic $t)" \
      >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

log "recreating database $DB"
psql_super "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql_super "CREATE DATABASE $DB OWNER gateway" >/dev/null
if [ "$EXPLAIN" = 1 ]; then
  # profiling: the plans of statements slower than 20 ms go to the PostgreSQL server log
  psql_super "ALTER DATABASE $DB SET session_preload_libraries = 'auto_explain';
    ALTER DATABASE $DB SET auto_explain.log_min_duration = '20ms'; ALTER DATABASE $DB SET auto_explain.log_analyze = on;
    ALTER DATABASE $DB SET log_min_duration_statement = '20ms'" >/dev/null
fi

for t in payments.settled usage.recorded payments.refunded; do
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$LOCAL_KAFKA" --create --topic "$(topic $t)" \
    --partitions 3 --replication-factor 1 >/dev/null
done
log "producing $CHARGES settlements and $CHARGES usage events to $(topic '*')"
t0=$SECONDS
for kind in settled:payments.settled usage:usage.recorded; do
  node "$BENCH_DIR/events.mjs" "${kind%%:*}" "$CHARGES" "$RUN" | kafka_tool org.apache.kafka.tools.ConsoleProducer \
    --bootstrap-server "$LOCAL_KAFKA" --topic "$(topic "${kind#*:}")" --property parse.key=true \
    --property key.separator='|' --producer-property linger.ms=50 --producer-property batch.size=262144 \
    --producer-property compression.type=lz4 >/dev/null
done
log "produced in $((SECONDS - t0)) s"

BENCH_LOG="$LOG_DIR/ledger-ingest-bench.log"
props=()
for channel in payments-settled usage-recorded payments-refunded; do
  p="-Dmp.messaging.incoming.$channel."
  props+=("${p}topic=$(topic "${channel/-/.}")" "${p}group.id=$RUN" "${p}max.poll.records=$BATCH")
  [ -z "$CONCURRENCY" ] || props+=("${p}concurrency=$CONCURRENCY")
done
# the server's WAL and checkpoint counters (cluster-wide: other databases' writes count too), to say what the run cost
server_io() { psql_gw -d "$DB" -At -F ' ' -c "SELECT w.wal_bytes, w.wal_fpi, b.checkpoints_timed + b.checkpoints_req,
  current_setting('shared_buffers'), current_setting('max_wal_size'), current_setting('wal_compression')
  FROM pg_stat_wal w, pg_stat_bgwriter b"; }
read -r wal0 fpi0 ckpt0 _ <<<"$(server_io)"
# CPU seconds (user + system) of a process, and of the PostgreSQL server with every child it ever had (backends that
# have exited included): CPU per event says what a change costs even on a machine busy with other work
clk="$(getconf CLK_TCK)"
cpu_of() { awk -v t="$clk" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu() {
  local pm total
  pm="$(head -1 "$(psql_super "SHOW data_directory")/postmaster.pid" 2>/dev/null)" || { echo 0; return; }
  total="$(awk -v t="$clk" '{ printf "%.1f", ($14 + $15 + $16 + $17) / t }' "/proc/$pm/stat")"
  for c in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do total="$(awk "BEGIN { print $total + $(cpu_of "$c") }")"; done
  echo "$total"
}
pg_cpu0="$(pg_cpu)"
log "starting ledger-service on :$PORT against $DB (consumer group $RUN, batches of up to $BATCH, ${CONCURRENCY:-the default number of} consumer(s) per channel)"
env LEDGER_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB" DB_USER=gateway DB_PASSWORD=gateway \
  KAFKA_BOOTSTRAP_SERVERS="$LOCAL_KAFKA" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$PORT" \
  LEDGER_JWT_PUBLIC_KEY_LOCATION="$REPO_ROOT/deploy/local/dev-keys/finance-dev-public.pem" \
  "$JAVA_HOME/bin/java" $SERVICE_JVM_OPTS -Xmx512m "${props[@]}" -jar "$JAR" >"$BENCH_LOG" 2>&1 &
pid=$!

TOTAL=$((2 * CHARGES))
count() { psql_gw -d "$DB" -At -c "SELECT count(*) FROM processed_events" 2>/dev/null || echo 0; }
deadline=$((SECONDS + 60 + TOTAL / 1000))
first_t="" first_n=0 last_window_t="" last_window_n=0
windows=()
while :; do
  kill -0 "$pid" 2>/dev/null || { tail -40 "$BENCH_LOG"; die "ledger-service exited"; }
  n="$(count)"; now="$(date +%s.%N)"
  if [ -z "$first_t" ] && [ "$n" -gt 0 ]; then first_t="$now"; first_n="$n"; last_window_t="$now"; last_window_n="$n"; fi
  if [ -n "$first_t" ] && [ "$(calc "$now - $last_window_t >= 10")" = 1 ]; then
    windows+=("$(calc "($n - $last_window_n) / ($now - $last_window_t)")")
    log "  $n of $TOTAL booked; last 10 s: ${windows[-1]} events/s"
    last_window_t="$now"; last_window_n="$n"
  fi
  [ "$n" -ge "$TOTAL" ] && break
  [ "$SECONDS" -lt "$deadline" ] || die "timed out at $n of $TOTAL events"
  # a count(*) of processed_events costs the database ~0.1 s at 1,000,000 rows: every 2 s, so that the poll takes
  # little from the ingestion it measures (it took ~15 % of a core at every 0.5 s)
  sleep 2
done
# the rate from the database's own clock: processed_at is each batch's transaction start, so from the first batch's
# start to the last one's, the events of every batch but the last were booked
read -r elapsed booked_before_last <<<"$(psql_gw -d "$DB" -At -F ' ' -c "
  SELECT round(extract(epoch FROM max(processed_at) - min(processed_at))::numeric, 1),
         count(*) FILTER (WHERE processed_at < (SELECT max(processed_at) FROM processed_events))
  FROM processed_events")"
rate="$(calc "$booked_before_last / $elapsed")"
log "booked $TOTAL events in $elapsed s from the first batch's start to the last one's: $rate events/s sustained"
[ ${#windows[@]} -gt 0 ] && log "10-second windows (events/s): ${windows[*]}"
# each topic on its own: when one is drained first, the rest of the run is the other channel alone
psql_gw -d "$DB" -At -F ' ' -c "
  SELECT topic, count(*), round(extract(epoch FROM min(processed_at) - s)::numeric, 1),
         round(extract(epoch FROM max(processed_at) - s)::numeric, 1)
  FROM processed_events, (SELECT min(processed_at) AS s FROM processed_events) f GROUP BY topic, s ORDER BY topic" |
  while read -r t n from to; do
    log "  $t: $n events booked from second $from to $to: $(calc "$n / ($to - $from + 0.001)") events/s"
  done
read -r wal1 fpi1 ckpt1 sb mws wc <<<"$(server_io)"
svc_cpu="$(cpu_of "$pid")"
db_cpu="$(awk "BEGIN { printf \"%.1f\", $(pg_cpu) - $pg_cpu0 }")"
log "CPU: ledger-service $svc_cpu s, PostgreSQL ~$db_cpu s, per 1,000 events $(awk "BEGIN { printf \"%.2f s + %.2f s\", $svc_cpu * 1000 / $TOTAL, $db_cpu * 1000 / $TOTAL }"); load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "server: $(calc "($wal1 - $wal0) / 1048576") MB of WAL ($((fpi1 - fpi0)) full-page images), $((ckpt1 - ckpt0)) checkpoint(s);" \
  "shared_buffers $sb, max_wal_size $mws, wal_compression $wc; database $(psql_gw -d "$DB" -At -c \
  "SELECT pg_size_pretty(pg_database_size(current_database()))")"

log "checking the result"
psql_gw -d "$DB" -At -F ' ' <<SQL | {
SELECT (SELECT count(*) FROM charges),
       (SELECT count(*) FROM charges WHERE status = 'fulfilled'),
       (SELECT count(*) FROM usage_records WHERE NOT applied),
       (SELECT count(*) FROM (SELECT journal_transaction_id FROM postings GROUP BY 1 HAVING SUM(debit) <> SUM(credit)) x),
       (SELECT COALESCE(SUM(revenue), 0) FROM report_daily),
       (SELECT COALESCE(SUM(upstream_cost), 0) FROM report_daily),
       (SELECT -(debit - credit) FROM account_balances WHERE account = 'liabilities:unearned:mistral') +
       (SELECT -(debit - credit) FROM account_balances WHERE account = 'liabilities:unearned:grok');
SQL
  read -r charges fulfilled pending unbalanced revenue cost unearned
  expected="$(node -e "
    let rev = 0n, cost = 0n, fulfilled = 0, unearned = 0n
    for (let i = 0; i < $CHARGES; i++) {
      const amount = BigInt(5000 + (i * 7919) % 95000)
      if (i % 10 !== 7) { fulfilled++; rev += amount; cost += amount * 4n / 10n } else { unearned += amount }
    }
    console.log(fulfilled, rev.toString(), cost.toString(), unearned.toString())")"
  read -r e_fulfilled e_revenue e_cost e_unearned <<<"$expected"
  log "charges $charges (expected $CHARGES), fulfilled $fulfilled ($e_fulfilled), pending usage $pending (0), unbalanced journal transactions $unbalanced (0)"
  log "revenue $revenue ($e_revenue), upstream cost $cost ($e_cost), unearned $unearned ($e_unearned) base units"
  [ "$charges" = "$CHARGES" ] && [ "$fulfilled" = "$e_fulfilled" ] && [ "$pending" = 0 ] && [ "$unbalanced" = 0 ] \
    && [ "$revenue" = "$e_revenue" ] && [ "$cost" = "$e_cost" ] && [ "$unearned" = "$e_unearned" ] \
    || die "the ledger is not exactly what was produced"
}
log "exact; target 10,000 events/s: $([ "$rate" -ge 10000 ] && echo met || echo NOT met)"
[ "$rate" -ge 10000 ]
