#!/usr/bin/env bash
# Prints a provider's challenge key (its MPP_REALM_KEY): HKDF-SHA256(MPP_SECRET_KEY, info "mpp-challenge:<realm>"),
# base64url, as payment-service derives it to verify (io.mppgateway.contracts.mpp.RealmKeys, whose main this runs).
#   deploy/local/realm-key.sh mistral.mppgateway.local            # the local-dev master secret of services.env
#   MPP_SECRET_KEY=... deploy/local/realm-key.sh <realm>          # any other master secret (never on a command line
#                                                                 # in a shared shell history: export it from a file)
# Needs a build (./mvnw package): it runs from payment-service's or contracts' classes. In a cluster, run the same
# class in the payment-service pod, whose environment holds the master secret (k8s/README.md).
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$DIR/../.." && pwd)"
[ $# -eq 1 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
if [ -z "${MPP_SECRET_KEY:-}" ]; then
  MPP_SECRET_KEY="$(grep -o 'MPP_SECRET_KEY=[^ ]*' "$DIR/services.env" | head -1 | cut -d= -f2-)"
fi
for cp in "$ROOT/payment-service/target/quarkus-app/lib/main/*" "$ROOT/contracts/target/classes"; do
  if compgen -G "${cp%\*}*" >/dev/null || [ -d "$cp" ]; then
    MPP_SECRET_KEY="$MPP_SECRET_KEY" exec java -cp "$cp" io.mppgateway.contracts.mpp.RealmKeys "$1"
  fi
done
echo "no build found: run ./mvnw -B -ntp -q package -DskipTests first" >&2
exit 1
