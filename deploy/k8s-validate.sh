#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests in k8s/ (no cluster needed; kubectl renders the kustomizations).
#
#   deploy/k8s-validate.sh
#
# 1. installs the pinned validator dependencies (npm ci) in deploy/k8s-validate/ when needed;
# 2. validates k8s/overlays/local and k8s/overlays/production (--production rules) as `kubectl kustomize`
#    renders them: schemas (Kubernetes kinds and the pinned CRDs of Strimzi, CloudNativePG, Barman Cloud,
#    External Secrets, Prometheus operator) and the project's rules (deploy/k8s-validate/validate.mjs);
# 3. self-test: every fixture in deploy/k8s-validate/fixtures/ (one broken rule each) must be rejected with the
#    messages in its expected-errors.txt, so no rule can silently pass everything.
#
# Prints one line per object and ends with "k8s: N passed, F failed"; exit status 0 only if F is 0.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VDIR="$ROOT/deploy/k8s-validate"
cd "$ROOT" || exit 2

fail() { echo "k8s-validate: $*" >&2; echo "k8s: 0 passed, 1 failed"; exit 1; }
command -v node >/dev/null 2>&1 || fail "node is not installed"
command -v kubectl >/dev/null 2>&1 || fail "kubectl is not installed (it renders the kustomizations: apt-get install kubectl, or any kubectl >= 1.27)"

# --- dependencies (exact pins from package-lock.json) --------------------------------------------
if [ ! -f "$VDIR/node_modules/.package-lock.json" ] || [ "$VDIR/package-lock.json" -nt "$VDIR/node_modules/.package-lock.json" ]; then
  echo "k8s-validate: npm ci in deploy/k8s-validate"
  (cd "$VDIR" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed"
fi

passed=0; failed=0
run() {
  local out rc summary
  out="$(node "$VDIR/validate.mjs" --doc k8s/README.md "$@" 2>&1)"; rc=$?
  printf '%s\n' "$out" | grep -v '^k8s: [0-9]* passed, [0-9]* failed$'
  summary="$(printf '%s\n' "$out" | grep '^k8s: [0-9]* passed, [0-9]* failed$' | tail -n 1)"
  if [ -z "$summary" ]; then echo "FAIL  validator crashed or printed no summary (exit $rc)"; failed=$((failed + 1)); return; fi
  local p f
  p="$(sed -E 's/^k8s: ([0-9]+) passed.*/\1/' <<<"$summary")"; f="$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$summary")"
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$((passed + p)); failed=$((failed + f))
}
run k8s/overlays/local --self-test "$VDIR/fixtures"
run --production k8s/overlays/production

echo "k8s: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
