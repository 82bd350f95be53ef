#!/usr/bin/env bash
# PostgreSQL for local runs and tests: role `gateway` + databases payments, payments_test, ledger, ledger_test.
#   deploy/local/postgres.sh up     reuse a server on 127.0.0.1:$PG_PORT, or install/create/start a Debian cluster
#   deploy/local/postgres.sh down   stop the cluster, but only if `up` started it
#   deploy/local/postgres.sh reset DB...   drop and recreate those databases (e.g. payments ledger) empty
# Env: PG_PORT (default 5432), PG_CLUSTER (Debian cluster name used when we have to create one, default main).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_PORT="${PG_PORT:-5432}"
PG_CLUSTER="${PG_CLUSTER:-main}"
# Marker: exists only while a cluster started by this script is running; holds "VERSION CLUSTER".
MARKER="$STATE_DIR/postgres-started-by-us.$PG_PORT"

# Local development credentials only (never used outside this machine); the services get them from
# deploy/local/services.env.
DB_ROLE=gateway
DB_PASSWORD=gateway
DATABASES=(payments payments_test ledger ledger_test)

# psql_su SQL -> run SQL as the database superuser; prints tuples only.
PSQL_MODE=""
psql_su() {
  local sql="$1"
  case "$PSQL_MODE" in
    tcp) PGCONNECT_TIMEOUT=5 psql -X -w -qtA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "$sql" ;;
    su) su postgres -s /bin/sh -c "psql -X -qtA -v ON_ERROR_STOP=1 -p $PG_PORT -d postgres" <<<"$sql" ;;
    *) die "internal: no superuser connection" ;;
  esac
}

pick_superuser_connection() {
  if PGCONNECT_TIMEOUT=5 psql -X -w -qtA -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then
    PSQL_MODE=tcp
  elif [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 &&
    su postgres -s /bin/sh -c "psql -X -qtA -p $PG_PORT -d postgres -c 'select 1'" >/dev/null 2>&1; then
    PSQL_MODE=su
  else
    die "cannot connect to PostgreSQL on 127.0.0.1:$PG_PORT as superuser (tried 'psql -h 127.0.0.1 -U postgres' and 'su postgres -c psql')"
  fi
}

# gateway_login_ok -> can the app role log in over TCP with its password?
gateway_login_ok() {
  PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -w -qtA -h 127.0.0.1 -p "$PG_PORT" -U "$DB_ROLE" \
    -d "${DATABASES[0]}" -c 'select 1' >/dev/null 2>&1
}

ensure_server() {
  if port_open 127.0.0.1 "$PG_PORT"; then
    if [ -f "$MARKER" ]; then
      log "PostgreSQL already running on 127.0.0.1:$PG_PORT (cluster $(cat "$MARKER"), started by us)"
    else
      log "PostgreSQL already listening on 127.0.0.1:$PG_PORT; using it (not started by us, 'down' will leave it alone)"
    fi
    return 0
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed; run as root (apt-get install -y postgresql) or start one on 127.0.0.1:$PG_PORT"
    log "installing PostgreSQL with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local version
  version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -1)"
  [ -n "$version" ] || die "no PostgreSQL server found under /usr/lib/postgresql"
  # Reuse any existing cluster of that version on our port, else create one.
  local cluster
  cluster="$(pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v p="$PG_PORT" '$1 == v && $3 == p {print $2; exit}')"
  if [ -z "$cluster" ]; then
    cluster="$PG_CLUSTER"
    if pg_lsclusters -h 2>/dev/null | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {f=1} END {exit !f}'; then
      die "cluster $version/$cluster exists but not on port $PG_PORT; set PG_CLUSTER to another name"
    fi
    log "creating cluster $version/$cluster on port $PG_PORT"
    pg_createcluster "$version" "$cluster" -p "$PG_PORT" >/dev/null
    # Bind IPv4 loopback only (Debian's default is 'localhost', i.e. also ::1).
    echo "listen_addresses = '127.0.0.1'" >"/etc/postgresql/$version/$cluster/conf.d/local-dev.conf"
  fi
  if ! port_open 127.0.0.1 "$PG_PORT"; then
    log "starting cluster $version/$cluster"
    pg_ctlcluster "$version" "$cluster" start
  fi
  echo "$version $cluster" >"$MARKER"
  wait_for_port 127.0.0.1 "$PG_PORT" 30 || die "PostgreSQL $version/$cluster did not open 127.0.0.1:$PG_PORT"
  log "PostgreSQL $version/$cluster started on 127.0.0.1:$PG_PORT"
}

ensure_role_and_dbs() {
  pick_superuser_connection
  if [ "$(psql_su "SELECT 1 FROM pg_roles WHERE rolname = '$DB_ROLE'")" = 1 ]; then
    psql_su "ALTER ROLE $DB_ROLE WITH LOGIN PASSWORD '$DB_PASSWORD'" >/dev/null
  else
    psql_su "CREATE ROLE $DB_ROLE LOGIN PASSWORD '$DB_PASSWORD'" >/dev/null
    log "created role $DB_ROLE"
  fi
  local db
  for db in "${DATABASES[@]}"; do
    if [ "$(psql_su "SELECT 1 FROM pg_database WHERE datname = '$db'")" = 1 ]; then
      psql_su "ALTER DATABASE $db OWNER TO $DB_ROLE" >/dev/null
    else
      psql_su "CREATE DATABASE $db OWNER $DB_ROLE" >/dev/null
      log "created database $db"
    fi
  done
  if ! gateway_login_ok; then
    # Only touch pg_hba.conf of a cluster we started ourselves.
    [ -f "$MARKER" ] || die "role $DB_ROLE cannot log in over TCP at 127.0.0.1:$PG_PORT; check pg_hba.conf of that server"
    local hba
    hba="$(psql_su 'SHOW hba_file')"
    log "allowing $DB_ROLE@127.0.0.1 with password in $hba"
    sed -i "1i host all $DB_ROLE 127.0.0.1/32 scram-sha-256  # added by deploy/local/postgres.sh" "$hba"
    psql_su 'SELECT pg_reload_conf()' >/dev/null
    sleep 0.5
    gateway_login_ok || die "role $DB_ROLE still cannot log in over TCP at 127.0.0.1:$PG_PORT"
  fi
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT: role $DB_ROLE, databases ${DATABASES[*]}"
}

cmd_up() {
  ensure_server
  ensure_role_and_dbs
}

cmd_down() {
  if [ ! -f "$MARKER" ]; then
    log "no PostgreSQL cluster started by us on port $PG_PORT (a server that is running there is left alone)"
    return 0
  fi
  local version cluster
  read -r version cluster <"$MARKER"
  if pg_ctlcluster "$version" "$cluster" status >/dev/null 2>&1; then
    pg_ctlcluster "$version" "$cluster" stop
    log "stopped PostgreSQL cluster $version/$cluster"
  else
    log "PostgreSQL cluster $version/$cluster is not running"
  fi
  rm -f "$MARKER"
}

# The services' databases describe one chain: a run on a fresh chain starts them empty (their Flyway migrations
# recreate the schema), or charges, tx hashes and seeded faults of an earlier run would be read as this run's.
cmd_reset() {
  [ "$#" -gt 0 ] || die "usage: $0 reset DB..."
  pick_superuser_connection
  local db
  for db in "$@"; do
    [[ " ${DATABASES[*]} " == *" $db "* ]] || die "reset: $db is not one of ${DATABASES[*]}"
    psql_su "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
    psql_su "CREATE DATABASE $db OWNER $DB_ROLE" >/dev/null
  done
  log "databases $* recreated empty on 127.0.0.1:$PG_PORT"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  reset) shift; cmd_reset "$@" ;;
  *) echo "usage: $0 up|down|reset DB..." >&2; exit 2 ;;
esac
