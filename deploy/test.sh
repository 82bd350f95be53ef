#!/usr/bin/env bash
# The test command (README; CI runs it through .ci/run). Starts everything the tests need that is not already
# running — PostgreSQL, Kafka, the local Tempo chain, the upstream stand-in — runs every test, and stops what it
# started:
#   1. ./mvnw verify: unit tests, the MPP conformance vectors from ../shared, integration tests against the real
#      PostgreSQL, Kafka, chain and stand-in; it also builds the service jars;
#   2. the four services from those jars, and the end-to-end tests where the real mppx client pays (node --test);
#      every metric name deploy/grafana/gateway.json queries is checked against the services' /q/metrics;
#      one paid call per provider is one trace over the four services and both topics (deploy/tracing);
#      the finance dashboard's browser tests in headless Chromium (deploy/dashboard-test);
#      then deploy/load's CI subset (8 agents at once in pull and push, a Kafka broker bounce, the invariant checker
#      and its seeded faults, the issue 9 reproductions) and the fuzzers' short run (jqwik, deploy/load/fuzz);
#      then two replicas of every service behind nginx mirroring the Ingress, one of each killed -9 mid-load
#      (deploy/replicas);
#   3. an OCI image per service from those jars (deploy/images/build.sh), checked, pushed to a throw-away local
#      registry and started with podman against the running stack (deploy/images/check.sh);
#   4. the offline validation of the Kubernetes manifests.
# SHARED_DIR (default ../shared beside the checkout) holds the conformance vectors the tests read.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/local/lib.sh"
find_java
SHARED_DIR="$(cd "${SHARED_DIR:-$REPO_ROOT/../shared}" 2>/dev/null && pwd)" \
  || die "shared/ not found beside the checkout; set SHARED_DIR to the folder holding conformance/ and specs/"
command -v node >/dev/null || die "Node.js >= 20 is required (apt-get install -y nodejs npm)"

# what was already up stays up; what this run starts, it stops
declare -A WAS_UP=()
for c in postgres:$PG_PORT kafka:$KAFKA_PORT chain:$CHAIN_PORT standin:$STANDIN_PORT; do
  port_open 127.0.0.1 "${c#*:}" && WAS_UP[${c%%:*}]=1
done
started_services=0
started_replicas=0
cleanup() {
  local rc=$?
  [ "$started_replicas" = 1 ] && "$REPO_ROOT/deploy/replicas/replicas.sh" down || true
  [ "$started_services" = 1 ] && "$LOCAL_DIR/services.sh" down || true
  [ -n "${WAS_UP[standin]:-}" ] || "$LOCAL_DIR/standin.sh" down || true
  [ -n "${WAS_UP[chain]:-}" ] || "$LOCAL_DIR/chain.sh" down || true
  [ -n "${WAS_UP[kafka]:-}" ] || "$LOCAL_DIR/kafka.sh" down --wipe || true
  [ -n "${WAS_UP[postgres]:-}" ] || "$LOCAL_DIR/postgres.sh" down || true
  log "test run finished with exit code $rc in $SECONDS s"
}
trap cleanup EXIT

# services left running (e.g. by the demo) would answer with old jars: stop them, the end-to-end stage restarts them
"$LOCAL_DIR/services.sh" down >/dev/null 2>&1 || true
"$LOCAL_DIR/stack.sh" up

log "stage 1/4: ./mvnw verify (unit, conformance and integration tests; builds the jars)"
(cd "$REPO_ROOT" && ./mvnw -B -ntp verify -Dshared.dir="$SHARED_DIR")

if [ -z "${WAS_UP[kafka]:-}" ]; then
  # fresh topics: stage 1 published simulated settlements that the running ledger must not book
  "$LOCAL_DIR/kafka.sh" down --wipe
  "$LOCAL_DIR/kafka.sh" up
fi

if [ -z "${WAS_UP[chain]:-}" ]; then
  # this run's chain is fresh: so are the services' databases (an earlier run's rows name transactions of a chain
  # that no longer exists and would be counted by the balances, reports and invariant checks)
  "$LOCAL_DIR/postgres.sh" reset payments ledger
fi

log "stage 2/4: the four services and the end-to-end tests with the real mppx client"
started_services=1
"$LOCAL_DIR/services.sh" up
env $(node_test_env) node --test "$REPO_ROOT/deploy/agent/test/"
log "stage 2/4: the Grafana dashboard's metric names against the services' live /q/metrics (deploy/grafana)"
env $(node_test_env) node --test "$REPO_ROOT/deploy/grafana/test/"
log "stage 2/4: the finance dashboard in headless Chromium (deploy/dashboard-test; installs chromium if missing)"
"$REPO_ROOT/deploy/dashboard-test/run.sh"
log "stage 2/4: load subset, invariant checker, reproductions (deploy/load/test; one file at a time)"
env $(node_test_env) node --test --test-concurrency=1 "$REPO_ROOT/deploy/load/test/"
# fuzz.tolerate=a,b: known bugs the fuzzers report but do not fail on until their fix lands (CredentialFuzz.TOLERATED;
# none at present)
log "stage 2/4: fuzzers, short run (deploy/load/fuzz)"
(cd "$REPO_ROOT" && env $(node_test_env) ./mvnw -B -ntp -f deploy/load/fuzz/pom.xml test \
  -Dfuzz.exclusive=true)
log "stage 2/4: one trace per paid call (deploy/tracing: the services restarted with tracing on, an in-process OTLP receiver)"
"$REPO_ROOT/deploy/tracing/trace-test.sh"
log "stage 2/4: two replicas of every service behind nginx (the Ingress), kill -9 mid-load (deploy/replicas)"
"$LOCAL_DIR/services.sh" down
started_replicas=1
"$REPO_ROOT/deploy/replicas/replicas.sh" up
env $("$REPO_ROOT/deploy/replicas/replicas.sh" env) node --test --test-concurrency=1 "$REPO_ROOT/deploy/replicas/test/"
"$REPO_ROOT/deploy/replicas/replicas.sh" down
started_replicas=0
# the side-by-side benchmark's arithmetic and report, and its script's syntax (the benchmark itself is
# deploy/bench/compare.sh, not part of this command; ~1 s)
bash -n "$REPO_ROOT/deploy/bench/compare.sh"
node --test "$REPO_ROOT/deploy/bench/compare/test/"

log "stage 3/4: container images"
"$REPO_ROOT/deploy/images/build.sh"
"$REPO_ROOT/deploy/images/check.sh" --self-test --run

log "stage 4/4: Kubernetes manifests"
"$REPO_ROOT/deploy/k8s-validate.sh"
