#!/usr/bin/env bash
# Builds one OCI image per service from the jars Maven built -- no Docker daemon, no registry, no root needed
# for the build itself (README.md beside this script explains the layout and how CI pushes the images).
#
#   deploy/images/build.sh [SERVICE...]          default: all four services
#
# Output, per service, in target/images/ at the repository root:
#   <service>.oci.tar        an OCI image layout as a tar ("oci-archive"): podman load, skopeo copy, kind/k3d import
#   <service>.ref            the full image reference (registry/name:tag) and the manifest digest
# and target/images/build-summary.txt (sizes, digests, build time).
#
# Layers, bottom up (the first two are the base, cached under .local/images/ and shared by all four images):
#   1. Debian 12 runtime files extracted from Debian's own packages (libc6, libgcc-s1, base-files, netbase + their
#      dpkg records so image scanners see the versions), /etc/passwd with the non-root user 185, /tmp (1777);
#   2. a Java runtime made with jlink from the build JDK (only the modules the services use, with a CDS archive);
#   3. the service's third-party jars (quarkus-app/lib, changes when dependencies change);
#   4. the service's own code (our modules' jars, quarkus-app/app, quarkus/, quarkus-run.jar; changes every commit).
# There is no shell and no package manager in the image. Every file is owned by root and read-only for the
# service's user; the entrypoint runs java directly, JVM options come from JDK_JAVA_OPTIONS.
#
# Reproducible: files are sorted, owned by 0:0 and dated 1970-01-01T00:00:01Z (as Jib does), layers are gzip -n;
# the same jars give the same app layers and digests. The config's "created" is the commit's time.
#
# Environment:
#   IMAGE_REGISTRY   registry + namespace of the names (default ghcr.io/mppgateway, as in k8s/base)
#   IMAGE_TAG        default: the commit's 12-hex-digit id, with "-dirty" when tracked files differ from it
#   IMAGE_SOURCE     org.opencontainers.image.source (default: git remote "origin", else the project's address)
#   IMAGE_LICENSES   org.opencontainers.image.licenses of the service's own code (default LicenseRef-mppgateway)
#   BASE_REFRESH=1   rebuild the cached base layers even if the recipe did not change
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"

IMAGES_DIR="$REPO_ROOT/deploy/images"
OUT_DIR="$REPO_ROOT/target/images"
CACHE_DIR="$STATE_DIR/images"
IMAGE_REGISTRY="${IMAGE_REGISTRY:-ghcr.io/mppgateway}"
IMAGE_LICENSES="${IMAGE_LICENSES:-LicenseRef-mppgateway}"

# service -> HTTP port (the containerPort in k8s/base) and description
declare -A PORT=([payment-service]=8081 [mistral-service]=8082 [grok-service]=8083 [ledger-service]=8084)
declare -A DESCRIPTION=(
  [payment-service]="MPP tempo/charge payments: challenges, on-chain verification, claims, refunds"
  [mistral-service]="Paid access to the Mistral AI API (MPP 402 paywall)"
  [grok-service]="Paid access to the xAI Grok API (MPP 402 paywall)"
  [ledger-service]="Double-entry ledger and finance API of the paid LLM gateway"
)
ALL_SERVICES=(payment-service mistral-service grok-service ledger-service)

# --- base recipe (every value here is part of the cache key) -------------------------------------------------
BASE_RECIPE_VERSION=2
APP_UID=185
APP_GID=185
DEB_PACKAGES=(base-files netbase libc6 libgcc-s1 gcc-12-base)
# What the four services use (jdeps over all their jars: java.base, compiler, desktop [java.beans], logging,
# management, naming, net.http, rmi, security.jgss/sasl, sql, transaction.xa, xml, jdk.management, unsupported),
# plus what operators need in production: jdk.jfr/management.jfr (flight recordings), jdk.jcmd (thread and heap
# dumps with `kubectl exec <pod> -- jcmd 1 Thread.print`), jdk.naming.dns, jdk.net, jdk.security.auth (Kafka SASL),
# jdk.zipfs and java.instrument (agents such as the OpenTelemetry Java agent). jdk.compiler is referenced by a
# library but never used at run time; leaving it out saves 20 MB.
JRE_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.rmi,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.jcmd,jdk.jfr,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.unsupported,jdk.zipfs
JLINK_OPTIONS=(--strip-debug --no-header-files --no-man-pages --generate-cds-archive)
# Every file's mtime in every layer (Jib's choice: one second after the epoch, identical in every build).
FILE_EPOCH=1

TAR_FLAGS=(--format=posix --numeric-owner --owner=0 --group=0 --mtime=@$FILE_EPOCH --no-recursion
  "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime")

command -v jq >/dev/null || die "jq is required (apt-get install -y jq)"
command -v apt-get >/dev/null || die "the base image is assembled from Debian packages: apt-get is required"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

WORK_DIRS=()
trap 'rm -rf "${WORK_DIRS[@]}"' EXIT

# find_deb DIR PACKAGE=VERSION -> prints the downloaded .deb of exactly that version
find_deb() {
  local f
  for f in "$1/${2%%=*}"_*.deb; do
    [ -f "$f" ] && [ "$(dpkg-deb -f "$f" Version)" = "${2#*=}" ] && { echo "$f"; return 0; }
  done
  return 1
}

# make_layer ROOT_DIR OUT_FILE -> gzip'd tar of ROOT_DIR's content (paths without "./", sorted, owned by 0:0,
# fixed mtime); prints "<diff_id sha256> <compressed size>". The diff_id is the digest of the uncompressed tar.
make_layer() {
  local root="$1" out="$2"
  (cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | tar "${TAR_FLAGS[@]}" -cf - -T -) \
    | gzip -n -6 > "$out"
  echo "$(gzip -dc "$out" | sha256sum | cut -d' ' -f1) $(stat -c %s "$out")"
}

# --- base layers ------------------------------------------------------------------------------------------------
base_versions() {
  local p v
  for p in "${DEB_PACKAGES[@]}"; do
    v="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')"
    if [ -z "$v" ] || [ "$v" = "(none)" ]; then return 1; fi
    printf '%s=%s\n' "$p" "$v"
  done
}

build_base() {
  local versions java_version key dir work debs p deb
  find_java
  if ! versions="$(base_versions)"; then
    log "apt has no candidate for one of ${DEB_PACKAGES[*]}: apt-get update"
    apt-get update -qq >/dev/null 2>&1 || true
    versions="$(base_versions)" || die "apt-get cannot find ${DEB_PACKAGES[*]} (needs Debian's package lists)"
  fi
  java_version="$(. "$JAVA_HOME/release" && echo "${IMPLEMENTOR:-unknown} ${JAVA_RUNTIME_VERSION:-$JAVA_VERSION}")"
  key="$(printf '%s\n' "recipe=$BASE_RECIPE_VERSION" "uid=$APP_UID:$APP_GID" "$versions" "java=$java_version" \
    "modules=$JRE_MODULES" "jlink=${JLINK_OPTIONS[*]}" "epoch=$FILE_EPOCH" | sha256sum | cut -c1-16)"
  BASE_DIR="$CACHE_DIR/base-$key"
  if [ "${BASE_REFRESH:-0}" != 1 ] && [ -f "$BASE_DIR/base.json" ]; then
    log "base layers: cached ($BASE_DIR)"
    return 0
  fi
  log "base layers: building (Debian: $(echo "$versions" | tr '\n' ' '); Java: $java_version)"
  rm -rf "$BASE_DIR"; mkdir -p "$BASE_DIR"
  work="$(mktemp -d "$CACHE_DIR/work.XXXXXX")"; WORK_DIRS+=("$work")

  # 1. the Debian root: files of the packages, no maintainer scripts (none of these needs one to work)
  debs="$CACHE_DIR/debs"; mkdir -p "$debs"
  local want=()
  while IFS= read -r p; do find_deb "$debs" "$p" >/dev/null || want+=("$p"); done <<<"$versions"
  if [ "${#want[@]}" -gt 0 ]; then
    # -o APT::Sandbox::User=root: the cache under .local may not be readable by the _apt user
    (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${want[@]}" >/dev/null) \
      || { apt-get update -qq >/dev/null 2>&1 || true; (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${want[@]}" >/dev/null); } \
      || die "apt-get download ${want[*]} failed"
  fi
  local root="$work/base"; mkdir -p "$root/var/lib/dpkg/status.d"
  while IFS= read -r p; do
    deb="$(find_deb "$debs" "$p")" || die "no downloaded .deb for $p"
    dpkg-deb -x "$deb" "$root"
    # what distroless images do: one dpkg status record per package, so Trivy/Grype/Syft report its version
    { dpkg-deb -f "$deb"; echo "Status: install ok installed"; } | grep -v '^$' > "$root/var/lib/dpkg/status.d/${p%%=*}"
    echo "${p%%=*} ${p#*=} $(sha256_of "$deb")" >> "$BASE_DIR/debs.txt"
  done <<<"$versions"
  # keep the licences (copyright files), drop documentation, manuals, iconv modules (the JVM does not use them)
  find "$root/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete 2>/dev/null || true
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$root/usr/share/man" "$root/usr/share/info" "$root/usr/share/lintian" "$root/usr/share/locale" \
    "$root/usr/lib/x86_64-linux-gnu/gconv" "$root/usr/share/common-licenses" 2>/dev/null || true
  cat > "$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
app:x:$APP_UID:$APP_GID:service user:/deployments:/usr/sbin/nologin
EOF
  cat > "$root/etc/group" <<EOF
root:x:0:
nogroup:x:65534:
app:x:$APP_GID:
EOF
  printf 'passwd: files\ngroup: files\nhosts: files dns\nnetworks: files\n' > "$root/etc/nsswitch.conf"
  mkdir -p "$root/tmp" "$root/deployments" "$root/root"
  chmod 1777 "$root/tmp"; chmod 0755 "$root/deployments"; chmod 0700 "$root/root"
  # normalise permissions: nothing writable by group/others (but /tmp), no setuid/setgid bits
  # (never through a symbolic link: libc6 has absolute ones, which would point at this machine's files)
  find "$root" -mindepth 1 ! -type l ! -path "$root/tmp" -exec chmod go-w,u-s,g-s {} +

  # 2. the Java runtime (jlink; JDKs without jmods, e.g. Temurin 24+, link from their own run-time image)
  local jre="$work/jre"; mkdir -p "$jre/opt"
  "$JAVA_HOME/bin/jlink" --add-modules "$JRE_MODULES" "${JLINK_OPTIONS[@]}" --output "$jre/opt/java" \
    || die "jlink failed (the JDK at $JAVA_HOME must ship jmods or be linkable, JEP 493)"
  # jlink's CDS archive is for the default object layout only; the services run with compact object headers
  # (JDK_JAVA_OPTIONS), whose JDK classes would then load without CDS, into metaspace: dump their archive too
  "$jre/opt/java/bin/java" -XX:+UseCompactObjectHeaders -Xshare:dump >/dev/null \
    || die "dumping the CDS archive for compact object headers failed"
  [ -f "$jre/opt/java/lib/server/classes_coh.jsa" ] || die "no classes_coh.jsa after the dump"
  find "$jre" -mindepth 1 ! -type l -exec chmod go-w {} +

  local b j
  b="$(make_layer "$root" "$BASE_DIR/base.tar.gz")"
  j="$(make_layer "$jre" "$BASE_DIR/jre.tar.gz")"
  jq -n --arg bdiff "${b% *}" --argjson bsize "${b#* }" --arg bdig "$(sha256_of "$BASE_DIR/base.tar.gz")" \
        --arg jdiff "${j% *}" --argjson jsize "${j#* }" --arg jdig "$(sha256_of "$BASE_DIR/jre.tar.gz")" \
        --arg debs "$(echo "$versions" | tr '\n' ' ' | sed 's/ $//')" --arg java "$java_version" \
        --arg modules "$JRE_MODULES" '{
      layers: [
        {file: "base.tar.gz", digest: ("sha256:" + $bdig), size: $bsize, diffId: ("sha256:" + $bdiff),
         createdBy: ("deploy/images/build.sh: Debian 12 files from " + $debs + "; user 185; no shell")},
        {file: "jre.tar.gz", digest: ("sha256:" + $jdig), size: $jsize, diffId: ("sha256:" + $jdiff),
         createdBy: ("deploy/images/build.sh: jlink " + $java + " (" + $modules + ")")}
      ], debian: $debs, java: $java}' > "$BASE_DIR/base.json.tmp"
  mv "$BASE_DIR/base.json.tmp" "$BASE_DIR/base.json"
  log "base layers: $(numfmt --to=iec "${b#* }") (Debian) + $(numfmt --to=iec "${j#* }") (Java) compressed"
}

# --- one service image -------------------------------------------------------------------------------------------
git_meta() {
  REVISION="$(git -C "$REPO_ROOT" rev-parse HEAD)"
  COMMIT_EPOCH="$(git -C "$REPO_ROOT" log -1 --format=%ct)"
  CREATED="$(date -u -d "@$COMMIT_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
  local dirty=""
  git -C "$REPO_ROOT" diff --quiet HEAD -- 2>/dev/null || dirty="-dirty"
  IMAGE_TAG="${IMAGE_TAG:-$(git -C "$REPO_ROOT" rev-parse --short=12 HEAD)$dirty}"
  [[ "$IMAGE_TAG" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "IMAGE_TAG '$IMAGE_TAG' is not a valid tag"
  IMAGE_SOURCE="${IMAGE_SOURCE:-$(git -C "$REPO_ROOT" remote get-url origin 2>/dev/null || echo https://github.com/mppgateway/llm-gateway)}"
  VERSION="$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$REPO_ROOT/pom.xml" | head -n1)"
}

build_service() {
  local svc="$1" app="$REPO_ROOT/$1/target/quarkus-app" work deps own l3 l4 layout
  [ -f "$app/quarkus-run.jar" ] || die "build first: ./mvnw -DskipTests package (missing $svc/target/quarkus-app)"
  work="$(mktemp -d "$CACHE_DIR/work.XXXXXX")"; WORK_DIRS+=("$work")
  deps="$work/deps/deployments"; own="$work/app/deployments"
  mkdir -p "$deps/lib" "$own/lib/main"
  # third-party jars (hard links, nothing is copied); our own modules' jars go to the last layer
  cp -al "$app/lib/." "$deps/lib/"
  find "$deps/lib/main" -name 'io.mppgateway.*.jar' -exec mv -t "$own/lib/main/" {} +
  cp -al "$app/app" "$app/quarkus" "$app/quarkus-run.jar" "$own/"
  [ -f "$app/quarkus-app-dependencies.txt" ] && cp -al "$app/quarkus-app-dependencies.txt" "$own/"
  find "$work/deps" "$work/app" -mindepth 1 ! -type l -exec chmod u+rwX,go+rX,go-w {} +
  l3="$(make_layer "$work/deps" "$work/deps.tar.gz")"
  l4="$(make_layer "$work/app" "$work/app.tar.gz")"

  layout="$work/layout"; mkdir -p "$layout/blobs/sha256"
  local f
  for f in "$BASE_DIR/base.tar.gz" "$BASE_DIR/jre.tar.gz" "$work/deps.tar.gz" "$work/app.tar.gz"; do
    local d; d="$(sha256_of "$f")"
    # hard link the cached base layers when possible (same filesystem), else copy
    ln "$f" "$layout/blobs/sha256/$d" 2>/dev/null || cp "$f" "$layout/blobs/sha256/$d"
  done

  local name="$IMAGE_REGISTRY/$svc" port="${PORT[$svc]}" config manifest cdig mdig
  config="$(jq -n --slurpfile base "$BASE_DIR/base.json" \
      --arg created "$CREATED" --arg uid "$APP_UID:$APP_GID" --arg port "$port/tcp" \
      --arg title "$svc" --arg desc "${DESCRIPTION[$svc]}" --arg rev "$REVISION" --arg src "$IMAGE_SOURCE" \
      --arg version "$VERSION" --arg lic "$IMAGE_LICENSES" --arg tag "$IMAGE_TAG" --arg ref "$name:$IMAGE_TAG" \
      --arg d3 "sha256:${l3% *}" --arg d4 "sha256:${l4% *}" '
    ($base[0]) as $b |
    {
      created: $created, architecture: "amd64", os: "linux",
      config: {
        User: $uid,
        ExposedPorts: {($port): {}},
        Env: [
          "PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8",
          "JDK_JAVA_OPTIONS=-XX:MaxRAMPercentage=50 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=1000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp",
          "MALLOC_ARENA_MAX=2"
        ],
        Entrypoint: ["/opt/java/bin/java", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                     "-jar", "/deployments/quarkus-run.jar"],
        WorkingDir: "/deployments",
        StopSignal: "SIGTERM",
        Labels: {
          "org.opencontainers.image.title": $title,
          "org.opencontainers.image.description": $desc,
          "org.opencontainers.image.source": $src,
          "org.opencontainers.image.revision": $rev,
          "org.opencontainers.image.created": $created,
          "org.opencontainers.image.version": $version,
          "org.opencontainers.image.licenses": ($lic + " AND GPL-2.0-only WITH Classpath-exception-2.0 AND LGPL-2.1-or-later AND Apache-2.0"),
          "org.opencontainers.image.vendor": "mppgateway",
          "org.opencontainers.image.ref.name": $tag,
          "io.mppgateway.image.java": $b.java,
          "io.mppgateway.image.debian": $b.debian
        }
      },
      rootfs: {type: "layers", diff_ids: [$b.layers[0].diffId, $b.layers[1].diffId, $d3, $d4]},
      history: [
        {created: $created, created_by: $b.layers[0].createdBy},
        {created: $created, created_by: $b.layers[1].createdBy},
        {created: $created, created_by: "deploy/images/build.sh: third-party jars (quarkus-app/lib)"},
        {created: $created, created_by: ("deploy/images/build.sh: " + $title + " " + $rev)}
      ]
    }')"
  printf '%s' "$config" > "$work/config.json"
  cdig="$(sha256_of "$work/config.json")"
  mv "$work/config.json" "$layout/blobs/sha256/$cdig"
  manifest="$(jq -n --arg cdig "sha256:$cdig" --argjson csize "$(stat -c %s "$layout/blobs/sha256/$cdig")" \
      --slurpfile base "$BASE_DIR/base.json" \
      --arg d3 "sha256:$(sha256_of "$work/deps.tar.gz")" --argjson s3 "${l3#* }" \
      --arg d4 "sha256:$(sha256_of "$work/app.tar.gz")" --argjson s4 "${l4#* }" \
      --arg created "$CREATED" --arg rev "$REVISION" --arg src "$IMAGE_SOURCE" --arg title "$svc" '
    ($base[0]) as $b | "application/vnd.oci.image.layer.v1.tar+gzip" as $lt |
    {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cdig, size: $csize},
      layers: [
        {mediaType: $lt, digest: $b.layers[0].digest, size: $b.layers[0].size},
        {mediaType: $lt, digest: $b.layers[1].digest, size: $b.layers[1].size},
        {mediaType: $lt, digest: $d3, size: $s3},
        {mediaType: $lt, digest: $d4, size: $s4}
      ],
      annotations: {
        "org.opencontainers.image.title": $title, "org.opencontainers.image.revision": $rev,
        "org.opencontainers.image.source": $src, "org.opencontainers.image.created": $created
      }
    }')"
  printf '%s' "$manifest" > "$work/manifest.json"
  mdig="$(sha256_of "$work/manifest.json")"
  local msize; msize="$(stat -c %s "$work/manifest.json")"
  mv "$work/manifest.json" "$layout/blobs/sha256/$mdig"
  jq -n --arg mdig "sha256:$mdig" --argjson msize "$msize" --arg tag "$IMAGE_TAG" --arg ref "$name:$IMAGE_TAG" '{
    schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $mdig, size: $msize,
      platform: {architecture: "amd64", os: "linux"},
      annotations: {"org.opencontainers.image.ref.name": $tag, "io.containerd.image.name": $ref}}]}' \
    > "$layout/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"

  mkdir -p "$OUT_DIR"
  (cd "$layout" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort \
    | tar "${TAR_FLAGS[@]}" -cf "$OUT_DIR/$svc.oci.tar.tmp" -T -)
  mv "$OUT_DIR/$svc.oci.tar.tmp" "$OUT_DIR/$svc.oci.tar"
  printf '%s@sha256:%s\n' "$name:$IMAGE_TAG" "$mdig" > "$OUT_DIR/$svc.ref"
  local total=$(( $(jq '[.layers[].size] | add' "$BASE_DIR/base.json") + ${l3#* } + ${l4#* } ))
  local unpacked; unpacked="$(( $(du -sb --apparent-size "$app" | cut -f1) ))"
  SUMMARY+=("$(printf '%-16s %s  compressed %6s (own code %6s, jars %6s)  digest sha256:%s' "$svc" "$name:$IMAGE_TAG" \
    "$(numfmt --to=iec "$total")" "$(numfmt --to=iec "${l4#* }")" "$(numfmt --to=iec "${l3#* }")" "${mdig:0:12}")")
  rm -rf "$work"
  log "$svc: $OUT_DIR/$svc.oci.tar ($name:$IMAGE_TAG, $(numfmt --to=iec "$total") compressed, app $(numfmt --to=iec "$unpacked") unpacked)"
}

main() {
  local started=$SECONDS svc
  local services=("$@")
  [ "${#services[@]}" -gt 0 ] || services=("${ALL_SERVICES[@]}")
  for svc in "${services[@]}"; do [ -n "${PORT[$svc]:-}" ] || die "unknown service '$svc' (known: ${ALL_SERVICES[*]})"; done
  mkdir -p "$CACHE_DIR" "$OUT_DIR"
  git_meta
  build_base
  SUMMARY=()
  for svc in "${services[@]}"; do build_service "$svc"; done
  {
    echo "images built $(date -u +%Y-%m-%dT%H:%M:%SZ) in $((SECONDS - started)) s, revision $REVISION"
    echo "base: $(jq -r '.java + " on Debian (" + .debian + ")"' "$BASE_DIR/base.json"), $(jq -r '[.layers[].size] | add' "$BASE_DIR/base.json" | numfmt --to=iec) compressed"
    printf '%s\n' "${SUMMARY[@]}"
  } | tee "$OUT_DIR/build-summary.txt"
}

main "$@"
