#!/usr/bin/env bash
# Creates, in namespace llm-gateway-local of the current kubectl context, the Secrets that production gets from the
# secret manager (k8s/README.md "Secrets"): fresh random values and fresh key pairs every time, nothing from the
# repository. The operator-made Secrets (CloudNativePG, Strimzi) appear by themselves.
#
#   k8s/overlays/local/create-secrets.sh            (MISTRAL_API_KEY / XAI_API_KEY from the environment if set)
#
# Needs kubectl, openssl (3.x, for HKDF), xxd and node. Re-running replaces the Secrets (then: kubectl rollout restart deployment -n ...).
set -euo pipefail
NS="${NS:-llm-gateway-local}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

kubectl get namespace "$NS" >/dev/null 2>&1 || kubectl create namespace "$NS"
apply() { kubectl -n "$NS" create secret generic "$@" --dry-run=client -o yaml | kubectl apply -f -; }

# RS256 key pairs: the providers sign their payment-service tokens, a refund operator may sign refunds
for who in mistral-service grok-service refund-operator; do
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/$who.pem" 2>/dev/null
done
# the callers' PUBLIC keys as a JWKS, kid = who
OUT="$work/jwks.json" node -e '
  const { createPublicKey } = require("node:crypto"); const fs = require("node:fs"); const path = require("node:path");
  const keys = process.argv.slice(1).map((f) => ({ ...createPublicKey(fs.readFileSync(f)).export({ format: "jwk" }),
    kid: path.basename(f, ".pem"), use: "sig", alg: "RS256" }));
  fs.writeFileSync(process.env.OUT, JSON.stringify({ keys }, null, 2));
' "$work/mistral-service.pem" "$work/grok-service.pem" "$work/refund-operator.pem"

# the local chain's recipient is anvil's PUBLIC TEST account #2 (deploy/local/services.env): its well-known key
# refunds on the local chain only
master="$(openssl rand -base64 48)"
# each provider's challenge key: HKDF-SHA256(master, info "mpp-challenge:<realm>"), base64url, as payment-service
# derives it (io.mppgateway.contracts.mpp.RealmKeys); realms as in configmaps.yaml
realm_key() {
  openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt key:"$master" -kdfopt info:"mpp-challenge:$1" HKDF \
    | tr -d ':\n' | xxd -r -p | openssl base64 -A | tr '+/' '-_' | tr -d '='
}
apply payment-service-secrets \
  --from-literal=mpp-secret-key="$master" \
  --from-literal=mpp-previous-secret-keys= \
  --from-literal=refund-private-key=0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a \
  --from-literal=fee-payer-private-key=
apply payment-callers-jwks --from-file=jwks.json="$work/jwks.json"
apply mistral-service-secrets --from-literal=mistral-api-key="${MISTRAL_API_KEY:-local-placeholder}" \
  --from-literal=mpp-realm-key="$(realm_key mistral.llm-gateway.localtest.me)" \
  --from-file=payment-client-key.pem="$work/mistral-service.pem"
apply grok-service-secrets --from-literal=xai-api-key="${XAI_API_KEY:-local-placeholder}" \
  --from-literal=mpp-realm-key="$(realm_key grok.llm-gateway.localtest.me)" \
  --from-file=payment-client-key.pem="$work/grok-service.pem"
# finance tokens: the local dev key pair of deploy/local/dev-keys (PUBLIC TEST keys), so mint-finance-token.sh works
apply ledger-service-secrets \
  --from-file=finance-jwt-public-key.pem="$(cd "$(dirname "$0")/../../.." && pwd)/deploy/local/dev-keys/finance-dev-public.pem"
echo "Secrets created in $NS. The refund operator's private key (to sign refund tokens) was not kept: re-run to get a new set."
