#!/usr/bin/env bash
# Pins the images of an overlay to what deploy/images/build.sh built (and CI pushed): tag + manifest digest.
#
#   deploy/images/pin.sh [OVERLAY_DIR]          default: k8s/overlays/production
#
# Reads target/images/<service>.ref ("ghcr.io/mppgateway/<service>:<tag>@sha256:<digest>") and rewrites the
# `images:` list at the end of OVERLAY_DIR/kustomization.yaml (everything after its "# images:" comment line), so
# kustomize renders "image: ghcr.io/mppgateway/<service>:<tag>@sha256:<digest>" -- the digest decides what runs,
# the tag says which commit it is. Commit the result as the release.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"
overlay="${1:-$REPO_ROOT/k8s/overlays/production}"
k="$overlay/kustomization.yaml"
[ -f "$k" ] || die "$k does not exist"
grep -q '^# images:' "$k" || die "$k has no '# images:' comment line marking the pinned list"
block="images:"
for s in payment-service mistral-service grok-service ledger-service; do
  ref="$REPO_ROOT/target/images/$s.ref"
  [ -f "$ref" ] || die "no $ref: run deploy/images/build.sh first"
  full="$(cat "$ref")"                              # name:tag@sha256:...
  name="${full%%:*}"; rest="${full#*:}"; tag="${rest%%@*}"; digest="${full##*@}"
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "$ref has no digest"
  block+=$'\n'"  - name: $name"$'\n'"    newTag: \"$tag\""$'\n'"    digest: $digest"
done
head_part="$(sed -n '1,/^# images:/p' "$k")"
printf '%s\n%s\n' "$head_part" "$block" > "$k.tmp" && mv "$k.tmp" "$k"
log "pinned $overlay to $(cut -d@ -f1 "$REPO_ROOT/target/images/payment-service.ref" | sed 's/.*://') (tag) with digests"
