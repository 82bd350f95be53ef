#!/usr/bin/env bash
# One trace per paid call (issue 14 item 3), checked end to end: restarts the four services (built jars) with
# tracing on, exporting OTLP/HTTP to the in-process receiver of deploy/tracing/test/, runs that test, and stops the
# services again (deploy/local/services.sh; the local stack must be up). ~1 min. Prints each call's span tree.
#   deploy/tracing/trace-test.sh            (LANE=<n> for a lane)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"
OTLP_PORT="${OTLP_PORT:-$((4318 + LANE * 100))}"
port_open 127.0.0.1 "$OTLP_PORT" && die "port $OTLP_PORT (the test's OTLP receiver) is in use"
"$LOCAL_DIR/services.sh" down >/dev/null
trap '"$LOCAL_DIR/services.sh" down >/dev/null' EXIT
OTEL_SDK_DISABLED=false OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$OTLP_PORT" \
  QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf QUARKUS_OTEL_BSP_SCHEDULE_DELAY=0.2S \
  "$LOCAL_DIR/services.sh" up
env $(node_test_env) OTLP_PORT="$OTLP_PORT" node --test "$REPO_ROOT/deploy/tracing/test/"
