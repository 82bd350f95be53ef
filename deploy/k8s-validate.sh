#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests in k8s/ (no cluster needed).
#
#   deploy/k8s-validate.sh
#
# 1. installs the pinned validator dependencies (npm ci) in deploy/k8s-validate/ when needed,
# 2. validates k8s/base, k8s/overlays/local and k8s/overlays/production (schema, unknown fields,
#    cross-references, project rules; with kubectl installed also `kubectl kustomize` must render
#    the same objects as our resolver; K8S_VALIDATE_KUBECTL=0 skips that comparison),
# 3. negative self-check: the broken fixtures in deploy/k8s-validate/fixtures/ must FAIL, with every
#    message listed in their expected-errors.txt (so the validator cannot silently pass everything).
#
# Prints one line per object and ends with "k8s: N passed, F failed"; exit status 0 only if F is 0.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VDIR="$ROOT/deploy/k8s-validate"
cd "$ROOT" || exit 2

if ! command -v node >/dev/null 2>&1; then
  echo "k8s-validate: node is not installed" >&2
  echo "k8s: 0 passed, 1 failed"
  exit 1
fi

# --- dependencies (exact pins from package-lock.json) --------------------------------------------
if [ ! -f "$VDIR/node_modules/.package-lock.json" ] || [ "$VDIR/package-lock.json" -nt "$VDIR/node_modules/.package-lock.json" ]; then
  echo "k8s-validate: npm ci in deploy/k8s-validate"
  if ! (cd "$VDIR" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "k8s-validate: npm ci failed" >&2
    echo "k8s: 0 passed, 1 failed"
    exit 1
  fi
fi

KUBECTL_FLAG=()
if [ "${K8S_VALIDATE_KUBECTL:-1}" != "0" ] && command -v kubectl >/dev/null 2>&1; then
  KUBECTL_FLAG=(--kubectl)
fi

# --- the real manifests ----------------------------------------------------------------------------
out="$(node "$VDIR/validate.mjs" --secrets-doc k8s/README.md "${KUBECTL_FLAG[@]}" \
  k8s/base k8s/overlays/local k8s/overlays/production 2>&1)"
rc=$?
printf '%s\n' "$out" | grep -v '^k8s: [0-9]* passed, [0-9]* failed$'
summary="$(printf '%s\n' "$out" | grep '^k8s: [0-9]* passed, [0-9]* failed$' | tail -n 1)"
if [ -z "$summary" ]; then
  echo "FAIL  validator crashed or printed no summary (exit $rc)"
  passed=0; failed=1
else
  passed="$(sed -E 's/^k8s: ([0-9]+) passed.*/\1/' <<<"$summary")"
  failed="$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$summary")"
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
fi

# --- negative self-check -----------------------------------------------------------------------------
for fixture in "$VDIR"/fixtures/*/; do
  fixture="${fixture%/}"
  name="fixtures/$(basename "$fixture")"
  fout="$(node "$VDIR/validate.mjs" --secrets-doc k8s/README.md --label "$name" "$fixture" 2>&1)"
  frc=$?
  missing=()
  total=0
  while IFS= read -r expected; do
    case "$expected" in ''|'#'*) continue ;; esac
    total=$((total + 1))
    grep -qF -- "$expected" <<<"$fout" || missing+=("$expected")
  done < "$fixture/expected-errors.txt"
  if [ "$frc" -eq 1 ] && [ "${#missing[@]}" -eq 0 ] && [ "$total" -gt 0 ]; then
    echo "OK    [self-check] $name rejected as expected (exit 1, all $total expected errors reported)"
  else
    echo "FAIL  [self-check] $name must be rejected with every error in expected-errors.txt (exit $frc, expected 1)"
    for m in "${missing[@]}"; do echo "        missing: $m"; done
    printf '%s\n' "$fout" | sed 's/^/        | /'
    failed=$((failed + 1))
  fi
done

echo "k8s: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
