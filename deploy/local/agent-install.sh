#!/usr/bin/env bash
# Install deploy/agent's pinned Node packages (mppx, viem, the Tempo-mode anvil binary) with `npm ci`.
# Runs only when node_modules is missing or older than package-lock.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

AGENT_DIR="$REPO_ROOT/deploy/agent"
STAMP="$AGENT_DIR/node_modules/.package-lock.json" # written by npm on every install

command -v node >/dev/null 2>&1 || die "node is not installed (need Node >= 20, e.g. apt-get install -y nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm is not installed (e.g. apt-get install -y npm)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "need Node >= 20, found $(node --version)"

if [ -f "$STAMP" ] && [ ! "$AGENT_DIR/package-lock.json" -nt "$STAMP" ] &&
  [ -x "$AGENT_DIR/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil" ]; then
  log "deploy/agent dependencies up to date"
  exit 0
fi
log "installing deploy/agent dependencies (npm ci)"
(cd "$AGENT_DIR" && npm ci --no-audit --no-fund --loglevel=error)
log "deploy/agent dependencies installed"
