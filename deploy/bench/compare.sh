#!/usr/bin/env bash
# The side-by-side benchmark against the mppx reference (issue 10 item 4): this suite and an mppx reference server
# on the same local chain and the same upstream stand-in, in interleaved rounds. One command; it starts what it
# needs in its lane (LANE, default 0: see deploy/local/lib.sh) and stops what it started:
#   the local stack (stack.sh), the four services from their built jars (fresh JVMs), the mppx reference server
#   (deploy/bench/compare/reference-server.mjs, on 8088 + LANE*100), then runs deploy/bench/compare/bench.mjs.
#
#   deploy/bench/compare.sh                      full run (30-45 min), writes the "latest" section of docs/benchmarks.md
#   deploy/bench/compare.sh --label baseline     ... its "baseline" section instead
#   deploy/bench/compare.sh --quick              a few samples of everything: checks the harness (docs untouched)
#   options: --build (rebuild the jars first; they are built anyway when missing), --rounds N,
#            --phases unpaid,paid,stream,streams, --streams N (concurrent paid streams, default 1000),
#            --streams-ref (that phase for the reference too), --keep (leave everything running), --no-docs,
#            --reuse-chain (keep the lane's chain; by default ours is restarted: a fresh chain per run)
#
# Exit code: 0 when every paid call succeeded, 1 when any failed (listed in the report), 2 on a harness error.
# Needs what deploy/test.sh needs, plus wrk (Debian package; installed with apt-get when missing and root).
# See deploy/bench/README.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"

BENCH_DIR="$REPO_ROOT/deploy/bench/compare"
REF_PORT="${REF_PORT:-$((8088 + LANE * 100))}"
LABEL=latest QUICK=0 BUILD=0 KEEP=0 DOCS=1 FRESH_CHAIN=1 ROUNDS="" PHASES="" STREAMS="" STREAMS_REF=0
COMMAND="deploy/bench/compare.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --label) LABEL="$2"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --build) BUILD=1; shift ;;
    --keep) KEEP=1; shift ;;
    --no-docs) DOCS=0; shift ;;
    --reuse-chain) FRESH_CHAIN=0; shift ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --phases) PHASES="$2"; shift 2 ;;
    --streams) STREAMS="$2"; shift 2 ;;
    --streams-ref) STREAMS_REF=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see $0 --help)" ;;
  esac
done
[[ "$LABEL" =~ ^[a-z0-9-]+$ ]] || die "--label takes lower-case letters, digits and dashes"

find_java
command -v node >/dev/null || die "Node.js >= 20 is required (apt-get install -y nodejs npm)"
if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || die "wrk is required: apt-get install -y wrk"
  log "installing wrk (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
fi
STAMP="$BENCH_DIR/node_modules/.package-lock.json"
if [ ! -f "$STAMP" ] || [ "$BENCH_DIR/package-lock.json" -nt "$STAMP" ]; then
  log "installing deploy/bench/compare dependencies (npm ci: mppx, viem)"
  (cd "$BENCH_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi
port_open 127.0.0.1 "$REF_PORT" && die "port $REF_PORT for the mppx reference server is in use (set REF_PORT)"

# what was already up stays up; what this run starts, it stops (like deploy/test.sh)
declare -A WAS_UP=()
for c in postgres:$PG_PORT kafka:$KAFKA_PORT chain:$CHAIN_PORT standin:$STANDIN_PORT; do
  port_open 127.0.0.1 "${c#*:}" && WAS_UP[${c%%:*}]=1
done
cleanup() {
  local rc=$?
  stop_by_pid bench-reference >/dev/null 2>&1 || true
  if [ "$KEEP" = 0 ]; then
    "$LOCAL_DIR/services.sh" down || true
    [ -n "${WAS_UP[standin]:-}" ] || "$LOCAL_DIR/standin.sh" down || true
    [ -n "${WAS_UP[chain]:-}" ] || "$LOCAL_DIR/chain.sh" down || true
    [ -n "${WAS_UP[kafka]:-}" ] || "$LOCAL_DIR/kafka.sh" down --wipe || true
    [ -n "${WAS_UP[postgres]:-}" ] || "$LOCAL_DIR/postgres.sh" down || true
  fi
  log "benchmark finished with exit code $rc in $SECONDS s"
}
trap cleanup EXIT

# The stand-in holds a thread per stream it dribbles: restart ours so that it runs with standin.sh's thread pool
# and the checkout's mappings (a stand-in we did not start is used as it is).
if pid_of wiremock >/dev/null; then "$LOCAL_DIR/standin.sh" down; fi
# A fresh chain for every run: anvil's time per block grows with its state (an empty block took 0.1-0.3 s on a fresh
# chain and 0.7-1.0 s after ~10,000 funded keys on this machine kind), and a run funds a few thousand keys. This
# forgets the lane's chain state: run the benchmark in a lane of its own (e.g. LANE=9).
if [ "$FRESH_CHAIN" = 1 ]; then
  if pid_of anvil >/dev/null; then "$LOCAL_DIR/chain.sh" down
  elif port_open 127.0.0.1 "$CHAIN_PORT"; then warn "the chain on :$CHAIN_PORT is not ours: using it as it is (its block time grows with its state)"
  fi
fi
"$LOCAL_DIR/stack.sh" up

JARS=(payment-service mistral-service grok-service ledger-service)
missing=0
for j in "${JARS[@]}"; do [ -f "$REPO_ROOT/$j/target/quarkus-app/quarkus-run.jar" ] || missing=1; done
if [ "$BUILD" = 1 ] || [ "$missing" = 1 ]; then
  log "building the services (./mvnw -DskipTests package)"
  (cd "$REPO_ROOT" && ./mvnw -B -q -ntp -DskipTests package)
fi
# fresh JVMs from the built jars, so every run starts alike
"$LOCAL_DIR/services.sh" down >/dev/null 2>&1 || true
# four JVMs starting at once on a busy 2-core machine can take more than services.sh's default 60 s
READY_TIMEOUT="${READY_TIMEOUT:-240}" "$LOCAL_DIR/services.sh" up

COMMIT="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
# the last commit that changed what runs (the services' modules and the build)
SERVICES_COMMIT="$(git -C "$REPO_ROOT" log -1 --format=%h -- pom.xml '*/pom.xml' '*/src/main/*' 2>/dev/null || echo "$COMMIT")"
DIRTY=0
[ -z "$(git -C "$REPO_ROOT" status --porcelain --untracked-files=no -- . ':!docs' 2>/dev/null)" ] || DIRTY=1
[ "$DOCS" = 1 ] && DOCS_FILE="$REPO_ROOT/docs/benchmarks.md" || DOCS_FILE=""

log "running the benchmark (lane $LANE; this suite on :$MISTRAL_PORT, the mppx reference on :$REF_PORT)"
set +e
env $(node_test_env) REF_PORT="$REF_PORT" PID_DIR="$PID_DIR" LOG_DIR="$LOG_DIR" RESULTS_DIR="$STATE_DIR/bench" \
  DOCS_FILE="$DOCS_FILE" COMMIT="$COMMIT" SERVICES_COMMIT="$SERVICES_COMMIT" COMMIT_DIRTY="$DIRTY" LABEL="$LABEL" QUICK="$QUICK" ROUNDS="$ROUNDS" \
  PHASES="$PHASES" STREAMS="$STREAMS" STREAMS_REF="$STREAMS_REF" COMMAND="$COMMAND" SETUP_SECONDS="$SECONDS" \
  JAVA_VERSION="$("$JAVA_HOME/bin/java" -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')" \
  WRK_VERSION="$(wrk -v 2>&1 | head -1 | awk '{print $2}')" \
  node "$BENCH_DIR/bench.mjs"
rc=$?
set -e
exit "$rc"
