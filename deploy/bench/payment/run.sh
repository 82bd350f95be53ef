#!/usr/bin/env bash
# Runs the payment-service benchmark: starts the built jar on a spare port against the local stack (test database
# payments_test, the local chain, Kafka), runs bench.mjs, stops the instance.
#   ./mvnw -B -pl payment-service package -DskipTests && deploy/bench/payment/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
JAR="$ROOT/payment-service/target/quarkus-app/quarkus-run.jar"
PORT="${PORT:-18081}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
[ -f "$JAR" ] || { echo "build first: ./mvnw -B -pl payment-service package -DskipTests" >&2; exit 1; }
LOG="$ROOT/payment-service/target/bench-instance.log"
# local-dev-only secret and the public anvil dev account #2 as recipient: nothing here is a production value
"$JAVA" -Dquarkus.http.port="$PORT" -Dpayment.secret-key=local-dev-only-mpp-secret-not-for-production-use \
  -Dpayment.recipient=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC \
  -Dpayment.callers.keys="$ROOT/deploy/local/dev-keys/payment-callers-dev-jwks.json" \
  -Dpayment.callers.providers.mistral.realm=bench.local \
  -Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/payments_test \
  -Dquarkus.log.level=WARN -jar "$JAR" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 $PID 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.5
done
PAYMENT_URL="http://127.0.0.1:$PORT" node "$ROOT/deploy/bench/payment/bench.mjs"
