#!/usr/bin/env bash
# Mints a bearer JWT for the ledger-service finance API, signed (RS256) with the PUBLIC TEST KEY in
# deploy/local/dev-keys/ — local development only; a deployed ledger-service trusts its own configured key.
#   deploy/local/mint-finance-token.sh [--role ROLE] [--subject NAME] [--ttl SECONDS]
#   curl -H "Authorization: Bearer $(deploy/local/mint-finance-token.sh)" http://127.0.0.1:8084/ledger/balances
# Prints the token on stdout. Issuer: LEDGER_JWT_ISSUER (default the local-dev issuer ledger-service expects).
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KEY="${FINANCE_DEV_PRIVATE_KEY:-$DIR/dev-keys/finance-dev-private.pem}"
ROLE=finance
SUBJECT=finance-dev
TTL=3600
ISSUER="${LEDGER_JWT_ISSUER:-https://finance.mpp-gateway.local}"
while [ $# -gt 0 ]; do
  case "$1" in
    --role) ROLE="$2"; shift 2 ;;
    --subject) SUBJECT="$2"; shift 2 ;;
    --ttl) TTL="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
command -v openssl >/dev/null || { echo "openssl is required" >&2; exit 1; }
[ -r "$KEY" ] || { echo "no private key at $KEY" >&2; exit 1; }
case "$TTL" in ''|*[!0-9]*) echo "--ttl must be a number of seconds" >&2; exit 2 ;; esac

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
json_str() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

now=$(date +%s)
header='{"alg":"RS256","typ":"JWT"}'
payload=$(printf '{"iss":"%s","sub":"%s","upn":"%s","groups":["%s"],"iat":%d,"exp":%d,"jti":"%s"}' \
  "$(json_str "$ISSUER")" "$(json_str "$SUBJECT")" "$(json_str "$SUBJECT")" "$(json_str "$ROLE")" \
  "$now" "$((now + TTL))" "$(openssl rand -hex 16)")
signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$payload" | b64url)"
signature=$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$KEY" -binary | b64url)
printf '%s.%s\n' "$signing_input" "$signature"
