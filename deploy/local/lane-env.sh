#!/usr/bin/env bash
# Prints `export` lines for an interactive shell that works in lane $LANE (default 0): what the Maven tests read
# (LANE_*) and what the node end-to-end tests read (RPC_URL, service URLs, ...).
#   eval "$(LANE=2 deploy/local/lane-env.sh)"
# Don't eval it in a shell that then starts the services by hand with KAFKA_BOOTSTRAP_SERVERS of another lane.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for v in LANE LANE_PG_PORT LANE_KAFKA LANE_RPC_URL LANE_STANDIN_URL; do
  printf 'export %s=%q\n' "$v" "${!v}"
done
node_test_env | while IFS= read -r line; do printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"; done
