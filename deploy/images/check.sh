#!/usr/bin/env bash
# Checks the image tarballs deploy/images/build.sh wrote to target/images/.
#
#   deploy/images/check.sh [--run] [--self-test] [SERVICE...]      default: all four services, static checks only
#
# Static checks, per <service>.oci.tar (tar, gzip, jq, sha256sum; no container runtime):
#   * a valid OCI layout: oci-layout, index.json with one manifest named <registry>/<service>:<tag>; every blob's
#     digest and size are the ones its descriptor states; every layer's diff_id is the digest of its content;
#   * config: numeric non-root User 185:185, the java entrypoint on /deployments/quarkus-run.jar, the service's port,
#     OCI labels (title = service, revision = this checkout's commit, created = its time, source, version, licences);
#   * content: the Java runtime, glibc, /etc/passwd with user 185, the Quarkus app; the jars in the image are the
#     ones in <service>/target/quarkus-app (same sha256); no shell, no package manager, every file owned by root,
#     no setuid/setgid file, nothing world-writable but /tmp (1777).
# --self-test: the checker must reject broken copies of an image (a corrupted blob, a root user, a shell in a
#   layer, a jar that is not the built one) -- it cannot silently pass everything.
# --run: what CI and Kubernetes do with the images, here: pushes each tarball with skopeo to a throw-away local
#   registry (Debian's docker-registry) and requires the registry to keep the manifest digest, pulls it back with
#   podman BY DIGEST (as a pinned manifest does), and starts it the way k8s/base runs it -- read-only root
#   filesystem, a tmpfs at /tmp, all capabilities dropped, no new privileges, the image's own user -- against the
#   local stack (services.env's settings, on a spare port of the lane), one at a time; requires /q/health/ready to
#   answer UP, the process to run as uid 185, and `sh` to be absent. podman, runc, skopeo and docker-registry are
#   installed from Debian with apt when missing (as root); without a registry the images are loaded with podman load.
#   IMAGES_RUN=0 skips --run; IMAGES_RUN=1 makes a missing container runtime an error (default: SKIP + reason).
#
# Ends with "images: N passed, F failed"; exit status 0 only if F is 0.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"

OUT_DIR="$REPO_ROOT/target/images"
IMAGE_REGISTRY="${IMAGE_REGISTRY:-ghcr.io/mppgateway}"
declare -A PORT=([payment-service]=8081 [mistral-service]=8082 [grok-service]=8083 [ledger-service]=8084)
ALL_SERVICES=(payment-service mistral-service grok-service ledger-service)
APP_USER="185:185"

RUN=0; SELF_TEST=0; CHECK_SERVICES=()
for a in "$@"; do
  case "$a" in
    --run) RUN=1 ;;
    --self-test) SELF_TEST=1 ;;
    -*) die "unknown option $a (usage: $0 [--run] [--self-test] [SERVICE...])" ;;
    *) [ -n "${PORT[$a]:-}" ] || die "unknown service '$a' (known: ${ALL_SERVICES[*]})"; CHECK_SERVICES+=("$a") ;;
  esac
done
[ "${#CHECK_SERVICES[@]}" -gt 0 ] || CHECK_SERVICES=("${ALL_SERVICES[@]}")
command -v jq >/dev/null || die "jq is required (apt-get install -y jq)"

passed=0; failed=0
WORK="$(mktemp -d "${TMPDIR:-/tmp}/image-check.XXXXXX")"
CONTAINERS=(); LOADED=(); REGISTRY_PID=""
cleanup() {
  local c
  for c in "${CONTAINERS[@]}"; do "${PODMAN[@]}" rm -f -t 5 "$c" >/dev/null 2>&1 || true; done
  for c in "${LOADED[@]}"; do "${PODMAN[@]}" rmi -f "$c" >/dev/null 2>&1 || true; done
  if [ -n "$REGISTRY_PID" ]; then kill "$REGISTRY_PID" 2>/dev/null; wait "$REGISTRY_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PODMAN=(podman)

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# check_tarball TAR SERVICE -> prints one "error: ..." line per problem; returns 1 if there is any
check_tarball() {
  local tar="$1" svc="$2" dir errs=() ; dir="$(mktemp -d "$WORK/x.XXXXXX")"
  err() { errs+=("$*"); }
  if ! tar -xf "$tar" -C "$dir" 2>/dev/null; then echo "error: $tar is not a tar archive"; return 1; fi
  [ "$(jq -r '.imageLayoutVersion' "$dir/oci-layout" 2>/dev/null)" = "1.0.0" ] || err "oci-layout missing or not version 1.0.0"
  local n; n="$(jq '.manifests | length' "$dir/index.json" 2>/dev/null || echo 0)"
  [ "$n" = 1 ] || { err "index.json must name exactly one manifest (has $n)"; printf 'error: %s\n' "${errs[@]}"; return 1; }
  local name tag
  name="$(jq -r '.manifests[0].annotations["io.containerd.image.name"] // ""' "$dir/index.json")"
  tag="$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"] // ""' "$dir/index.json")"
  [ "$name" = "$IMAGE_REGISTRY/$svc:$tag" ] || err "image name '$name' is not $IMAGE_REGISTRY/$svc:<tag> (tag '$tag')"
  [[ "$tag" =~ ^[0-9a-f]{12}(-dirty)?$ ]] || [ -n "${IMAGE_TAG:-}" ] || err "tag '$tag' is not the commit's 12-digit id"

  # every descriptor: the blob exists, with that digest and size
  blob() { echo "$dir/blobs/sha256/${1#sha256:}"; }
  verify_desc() { # DIGEST SIZE WHAT
    local f; f="$(blob "$1")"
    if [ ! -f "$f" ]; then err "$3: blob $1 is missing"; return 1; fi
    [ "sha256:$(sha256_of "$f")" = "$1" ] || { err "$3: blob content does not match its digest $1"; return 1; }
    [ "$(stat -c %s "$f")" = "$2" ] || err "$3: blob size $(stat -c %s "$f") != descriptor size $2"
  }
  local mdig msize; mdig="$(jq -r '.manifests[0].digest' "$dir/index.json")"; msize="$(jq -r '.manifests[0].size' "$dir/index.json")"
  verify_desc "$mdig" "$msize" manifest || { printf 'error: %s\n' "${errs[@]}"; return 1; }
  local manifest config; manifest="$(blob "$mdig")"
  [ "$(jq -r .mediaType "$manifest")" = application/vnd.oci.image.manifest.v1+json ] || err "manifest mediaType is not OCI"
  verify_desc "$(jq -r .config.digest "$manifest")" "$(jq -r .config.size "$manifest")" config \
    || { printf 'error: %s\n' "${errs[@]}"; return 1; }
  config="$(blob "$(jq -r .config.digest "$manifest")")"
  local layers=() diffs=() i
  mapfile -t layers < <(jq -r '.layers[] | .digest + " " + (.size|tostring)' "$manifest")
  mapfile -t diffs < <(jq -r '.rootfs.diff_ids[]' "$config")
  [ "${#layers[@]}" = 4 ] || err "expected 4 layers (Debian, Java, jars, own code), found ${#layers[@]}"
  [ "${#layers[@]}" = "${#diffs[@]}" ] || err "config has ${#diffs[@]} diff_ids for ${#layers[@]} layers"
  : > "$dir/listing"
  for i in "${!layers[@]}"; do
    local d="${layers[$i]% *}" s="${layers[$i]#* }"
    verify_desc "$d" "$s" "layer $((i + 1))" || continue
    # the content of a blob whose digest was verified is known: the shared base layers are read once per run
    local memo="$WORK/layer-${d#sha256:}"
    if [ ! -f "$memo.diff" ]; then
      # numeric listing (mode uid/gid size date time path); then the digest of the uncompressed tar
      tar --numeric-owner -tvzf "$(blob "$d")" > "$memo.tv"
      gzip -dc "$(blob "$d")" | sha256sum | cut -d' ' -f1 > "$memo.diff"
    fi
    [ "sha256:$(cat "$memo.diff")" = "${diffs[$i]:-}" ] \
      || err "layer $((i + 1)): diff_id in the config is not the digest of its uncompressed content"
    awk -v L=$((i + 1)) '{print L "\t" $1 "\t" $2 "\t" $6}' "$memo.tv" >> "$dir/listing"
  done

  # config
  local user entry port
  user="$(jq -r '.config.User // ""' "$config")"
  [ "$user" = "$APP_USER" ] || err "config User is '$user', expected the numeric non-root $APP_USER"
  entry="$(jq -c '.config.Entrypoint // []' "$config")"
  jq -e '.config.Entrypoint | .[0] == "/opt/java/bin/java" and .[-2:] == ["-jar", "/deployments/quarkus-run.jar"]' "$config" >/dev/null \
    || err "Entrypoint $entry does not run /opt/java/bin/java -jar /deployments/quarkus-run.jar"
  jq -e '(.config.Cmd // []) | length == 0' "$config" >/dev/null || err "Cmd must be empty (no shell form)"
  port="${PORT[$svc]}"
  jq -e --arg p "$port/tcp" '.config.ExposedPorts | has($p)' "$config" >/dev/null || err "port $port/tcp is not exposed"
  jq -e '.config.Env | any(startswith("JDK_JAVA_OPTIONS="))' "$config" >/dev/null || err "no default JDK_JAVA_OPTIONS"
  local label want_rev want_created
  want_rev="$(git -C "$REPO_ROOT" rev-parse HEAD)"
  want_created="$(date -u -d "@$(git -C "$REPO_ROOT" log -1 --format=%ct)" +%Y-%m-%dT%H:%M:%SZ)"
  lbl() { jq -r --arg k "org.opencontainers.image.$1" '.config.Labels[$k] // ""' "$config"; }
  [ "$(lbl title)" = "$svc" ] || err "label title is '$(lbl title)', expected $svc"
  [ "$(lbl revision)" = "$want_rev" ] || err "label revision '$(lbl revision)' is not this checkout's commit $want_rev"
  [ "$(lbl created)" = "$want_created" ] || err "label created '$(lbl created)' is not the commit's time $want_created"
  for label in source version licenses description; do [ -n "$(lbl $label)" ] || err "label org.opencontainers.image.$label is empty"; done

  # content
  local p
  for p in opt/java/bin/java opt/java/lib/server/libjvm.so opt/java/lib/server/classes.jsa opt/java/lib/server/classes_coh.jsa opt/java/legal \
      lib/x86_64-linux-gnu/libc.so.6 lib64/ld-linux-x86-64.so.2 etc/passwd etc/group etc/nsswitch.conf \
      var/lib/dpkg/status.d/libc6 usr/share/doc/libc6/copyright deployments/quarkus-run.jar \
      deployments/quarkus/quarkus-application.dat deployments/lib/boot deployments/lib/main; do
    awk -F'\t' -v p="$p" '$4 == p || $4 == p "/" {f=1} END {exit !f}' "$dir/listing" || err "missing /$p"
  done
  awk -F'\t' -v s="$svc" '$1 == 4 && $4 ~ ("^deployments/app/" s "-.*\\.jar$") {f=1} END {exit !f}' "$dir/listing" \
    || err "the last layer has no deployments/app/$svc-*.jar"
  local bad
  bad="$(awk -F'\t' '$4 ~ /^(usr\/)?s?bin\/(sh|bash|dash|ash|busybox|su|sudo|apt|apt-get|dpkg)$/ {print "/" $4}' "$dir/listing" | sort -u | tr '\n' ' ')"
  [ -z "$bad" ] || err "a shell or package manager is in the image: $bad"
  bad="$(awk -F'\t' '$3 != "0/0" {print "/" $4 " (" $3 ")"}' "$dir/listing" | head -n 5 | tr '\n' ' ')"
  [ -z "$bad" ] || err "files not owned by root (the service could change them): $bad"
  bad="$(awk -F'\t' '$2 ~ /^-..[sS]|^-.....[sS]/ {print "/" $4}' "$dir/listing" | head -n 5 | tr '\n' ' ')"
  [ -z "$bad" ] || err "setuid/setgid files: $bad"
  bad="$(awk -F'\t' '$2 ~ /^[-d].......w/ && $4 != "tmp/" && $4 != "tmp" {print "/" $4}' "$dir/listing" | head -n 5 | tr '\n' ' ')"
  [ -z "$bad" ] || err "world-writable: $bad"
  awk -F'\t' '($4 == "tmp/" || $4 == "tmp") && $2 == "drwxrwxrwt" {f=1} END {exit !f}' "$dir/listing" || err "/tmp is not drwxrwxrwt"
  awk -F'\t' '$1 >= 3 && $4 !~ /^deployments\// {print; f=1} END {exit f}' "$dir/listing" >/dev/null \
    || err "the jar layers hold files outside /deployments"
  # /etc/passwd of the image names the user
  local passwd_layer
  passwd_layer="$(awk -F'\t' '$4 == "etc/passwd" {print $1}' "$dir/listing" | tail -n 1)"
  if [ -n "$passwd_layer" ]; then
    tar -xzf "$(blob "${layers[$((passwd_layer - 1))]% *}")" -O etc/passwd 2>/dev/null | grep -q "^[^:]*:x:${APP_USER%%:*}:${APP_USER##*:}:" \
      || err "/etc/passwd has no entry for uid ${APP_USER%%:*}"
  fi
  # the jars in the image are the ones Maven built
  local app="$REPO_ROOT/$svc/target/quarkus-app"
  if [ -f "$app/quarkus-run.jar" ]; then
    mkdir -p "$dir/root"
    for i in 3 4; do [ -n "${layers[$((i - 1))]:-}" ] && tar -xzf "$(blob "${layers[$((i - 1))]% *}")" -C "$dir/root" 2>/dev/null; done
    local want got
    want="$(cd "$app" && find . -name '*.jar' -printf '%P\n' | LC_ALL=C sort | xargs -r sha256sum)"
    got="$(cd "$dir/root/deployments" 2>/dev/null && find . -name '*.jar' -printf '%P\n' | LC_ALL=C sort | xargs -r sha256sum)"
    [ -n "$want" ] && [ "$want" = "$got" ] \
      || err "the jars in the image differ from $svc/target/quarkus-app ($(diff <(echo "$want") <(echo "$got") | grep -c '^[<>]') lines differ): rebuild the image"
  else
    echo "note: $svc/target/quarkus-app is absent, the jars were not compared with a build"
  fi
  if [ "${#errs[@]}" -gt 0 ]; then printf 'error: %s\n' "${errs[@]}"; return 1; fi
  echo "info: $name, $(numfmt --to=iec "$(jq '[.layers[].size] | add' "$manifest")") compressed, $(wc -l < "$dir/listing") files, user $user"
}

report() { # STATUS LABEL OUTPUT
  local status="$1" label="$2" out="$3"
  printf '%-5s %s\n' "$status" "$label"
  [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/        /'
  if [ "$status" = FAIL ]; then failed=$((failed + 1)); else passed=$((passed + 1)); fi
}

# --- static checks --------------------------------------------------------------------------------------------------
for svc in "${CHECK_SERVICES[@]}"; do
  tar="$OUT_DIR/$svc.oci.tar"
  if [ ! -f "$tar" ]; then report FAIL "[image] $svc" "error: $tar is missing (deploy/images/build.sh)"; continue; fi
  out="$(check_tarball "$tar" "$svc")" && report OK "[image] $svc" "$out" || report FAIL "[image] $svc" "$out"
done

# --- self-test: broken copies must be rejected ----------------------------------------------------------------------
# repack DIR -> rewrites config digest into the manifest and the manifest digest into index.json (after an edit)
repack() {
  local dir="$1" m c newc newm
  m="$dir/blobs/sha256/$(jq -r '.manifests[0].digest' "$dir/index.json" | cut -d: -f2)"
  c="$dir/blobs/sha256/$(jq -r '.config.digest' "$m" | cut -d: -f2)"
  if [ -n "${2:-}" ]; then jq -c "$2" "$c" > "$c.new"; rm -f "$c"; newc="$(sha256_of "$c.new")"; mv "$c.new" "$dir/blobs/sha256/$newc"
    jq -c --arg d "sha256:$newc" --argjson s "$(stat -c %s "$dir/blobs/sha256/$newc")" '.config.digest = $d | .config.size = $s' "$m" > "$m.new"
  else cp "$m" "$m.new"; fi
  if [ -n "${3:-}" ]; then # replace layer N's blob with the gzip'd tar in $4, and its diff_id
    local old new nd
    old="$(jq -r ".layers[$(( $3 - 1 ))].digest" "$m.new")"; new="$(sha256_of "$4")"; nd="$(gzip -dc "$4" | sha256sum | cut -d' ' -f1)"
    mv "$4" "$dir/blobs/sha256/$new"; rm -f "$dir/blobs/sha256/${old#sha256:}"
    jq -c --arg d "sha256:$new" --argjson s "$(stat -c %s "$dir/blobs/sha256/$new")" ".layers[$(( $3 - 1 ))].digest = \$d | .layers[$(( $3 - 1 ))].size = \$s" "$m.new" > "$m.tmp" && mv "$m.tmp" "$m.new"
    c="$dir/blobs/sha256/$(jq -r '.config.digest' "$m.new" | cut -d: -f2)"
    jq -c --arg d "sha256:$nd" ".rootfs.diff_ids[$(( $3 - 1 ))] = \$d" "$c" > "$c.new"; rm -f "$c"; newc="$(sha256_of "$c.new")"; mv "$c.new" "$dir/blobs/sha256/$newc"
    jq -c --arg d "sha256:$newc" --argjson s "$(stat -c %s "$dir/blobs/sha256/$newc")" '.config.digest = $d | .config.size = $s' "$m.new" > "$m.tmp" && mv "$m.tmp" "$m.new"
  fi
  rm -f "$m"; newm="$(sha256_of "$m.new")"; mv "$m.new" "$dir/blobs/sha256/$newm"
  jq -c --arg d "sha256:$newm" --argjson s "$(stat -c %s "$dir/blobs/sha256/$newm")" '.manifests[0].digest = $d | .manifests[0].size = $s' "$dir/index.json" > "$dir/index.new" && mv "$dir/index.new" "$dir/index.json"
}

if [ "$SELF_TEST" = 1 ]; then
  svc="${CHECK_SERVICES[0]}"; src="$OUT_DIR/$svc.oci.tar"
  if [ ! -f "$src" ]; then report FAIL "[self-test]" "error: $src is missing"; else
    st() { # NAME EXPECTED-MESSAGE SETUP-FUNCTION
      local d="$WORK/st-$1"; rm -rf "$d"; mkdir -p "$d"; tar -xf "$src" -C "$d"
      "$3" "$d"
      (cd "$d" && tar -cf "$WORK/st-$1.tar" .)
      local out rc; out="$(check_tarball "$WORK/st-$1.tar" "$svc")"; rc=$?
      if [ "$rc" -ne 0 ] && grep -qF -- "$2" <<<"$out"; then report OK "[self-test] $1 rejected: $2" ""
      else report FAIL "[self-test] $1 must be rejected with \"$2\" (exit $rc)" "$out"; fi
    }
    corrupt_blob() { local l; l="$1/blobs/sha256/$(jq -r '.layers[3].digest' "$1/blobs/sha256/$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)" | cut -d: -f2)"; printf 'x' >> "$l"; }
    root_user() { repack "$1" '.config.User = "0:0"'; }
    with_shell() {
      local r="$WORK/shell-root"; rm -rf "$r"; mkdir -p "$r/deployments" "$r/bin"; cp /bin/dash "$r/bin/sh"
      local m; m="$1/blobs/sha256/$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)"
      tar -xzf "$1/blobs/sha256/$(jq -r '.layers[3].digest' "$m" | cut -d: -f2)" -C "$r"
      (cd "$r" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | tar --numeric-owner --owner=0 --group=0 --no-recursion -cf - -T -) | gzip -n > "$WORK/shell.tgz"
      repack "$1" "" 4 "$WORK/shell.tgz"
    }
    other_jar() {
      local r="$WORK/jar-root"; rm -rf "$r"; mkdir -p "$r"
      local m; m="$1/blobs/sha256/$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)"
      tar -xzf "$1/blobs/sha256/$(jq -r '.layers[3].digest' "$m" | cut -d: -f2)" -C "$r"
      printf 'not the built jar' >> "$r/deployments/quarkus-run.jar"
      (cd "$r" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | tar --numeric-owner --owner=0 --group=0 --no-recursion -cf - -T -) | gzip -n > "$WORK/jar.tgz"
      repack "$1" "" 4 "$WORK/jar.tgz"
    }
    st corrupted-blob "blob content does not match its digest" corrupt_blob
    st root-user "config User is '0:0'" root_user
    st shell "a shell or package manager is in the image: /bin/sh" with_shell
    [ -f "$REPO_ROOT/$svc/target/quarkus-app/quarkus-run.jar" ] && st foreign-jar "the jars in the image differ" other_jar
  fi
fi

# --- run the images ---------------------------------------------------------------------------------------------------
ensure_podman() {
  command -v podman >/dev/null 2>&1 && return 0
  RUN_SKIP="podman is not installed (apt-get install podman runc)"
  apt_install podman runc
}

# apt_install PACKAGE... -> installs Debian packages when this runs as root with apt (else fails)
apt_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  log "installing $* from Debian (apt-get install --no-install-recommends)"
  local i
  for i in 1 2; do
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 && return 0
    apt-get update -qq >/dev/null 2>&1 || true
  done
  return 1
}

# start_registry -> a throw-away OCI registry (Debian's docker-registry, i.e. CNCF distribution 2.8) on
# 127.0.0.1:5050+100*LANE with its storage in the work directory; sets REGISTRY. Fails if it cannot.
start_registry() {
  command -v docker-registry >/dev/null 2>&1 && command -v skopeo >/dev/null 2>&1 || apt_install docker-registry skopeo || return 1
  local port=$((5050 + LANE * 100))
  port_open 127.0.0.1 "$port" && { warn "port $port is taken: no registry push"; return 1; }
  printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$WORK/registry" "$port" > "$WORK/registry.yml"
  docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
  REGISTRY_PID=$!
  wait_for_port 127.0.0.1 "$port" 20 "$REGISTRY_PID" || { warn "docker-registry did not start: $(tail -n 2 "$WORK/registry.log")"; return 1; }
  REGISTRY="127.0.0.1:$port"
}

# pick_runtime IMAGE -> sets PODMAN: podman's default runtime (crun), or runc where crun cannot set up the cgroups
# (seen on a host with cgroups v1 and v2 mounted side by side: "cgroups in hybrid mode not supported")
pick_runtime() {
  local rt
  for rt in "" runc; do
    if [ -n "$rt" ] && ! command -v "$rt" >/dev/null 2>&1; then continue; fi
    PODMAN=(podman ${rt:+--runtime "$rt"})
    if "${PODMAN[@]}" run --rm "${LIMITS[@]}" --network none --entrypoint /opt/java/bin/java "$1" -version >"$WORK/probe-${rt:-default}.log" 2>&1; then
      [ -z "$rt" ] || log "podman runs the containers with runc here (the default runtime said: $(grep -m1 -i error "$WORK/probe-default.log"))"
      return 0
    fi
  done
  RUN_SKIP="podman cannot start a container here: $(grep -m1 -i error "$WORK/probe-default.log")"
  return 1
}

if [ "$RUN" = 1 ] && [ "${IMAGES_RUN:-auto}" != 0 ]; then
  source "$LOCAL_DIR/services.env"
  # podman's default rlimits can exceed what a sandbox without CAP_SYS_RESOURCE may set: use this shell's limits
  # (threads count as processes: 4096 is plenty for one JVM; nofile as this shell's hard limit, at most 65536)
  nofile="$(ulimit -Hn)"; { [ "$nofile" = unlimited ] || [ "$nofile" -gt 65536 ]; } && nofile=65536
  LIMITS=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=4096:4096")
  RUN_SKIP=""; loaded=()
  declare -A RUNREF=(); REGISTRY=""
  if ensure_podman; then
    start_registry || echo "NOTE  no local registry (docker-registry + skopeo from Debian): images are loaded with podman load"
    for svc in "${CHECK_SERVICES[@]}"; do
      [ -f "$OUT_DIR/$svc.oci.tar" ] || continue
      ref="$(cut -d@ -f1 "$OUT_DIR/$svc.ref")"; digest="$(cut -d@ -f2 "$OUT_DIR/$svc.ref")"
      if [ -n "$REGISTRY" ]; then
        # what CI does (README.md): skopeo copy to a registry; the registry must keep the manifest digest, and the
        # image is then pulled by that digest, as a pinned Kubernetes manifest pulls it
        pushed="$REGISTRY/mppgateway/$svc:${ref##*:}"
        if ! skopeo copy -q --dest-tls-verify=false "oci-archive:$OUT_DIR/$svc.oci.tar" "docker://$pushed" >"$WORK/push.log" 2>&1; then
          report FAIL "[push] $svc" "error: skopeo copy failed: $(tail -n 2 "$WORK/push.log")"; continue
        fi
        got="$(skopeo inspect --tls-verify=false "docker://$pushed" 2>/dev/null | jq -r .Digest)"
        if [ "$got" != "$digest" ]; then report FAIL "[push] $svc" "error: the registry has digest $got, the build said $digest"; continue; fi
        byDigest="$REGISTRY/mppgateway/$svc@$digest"
        if podman pull -q --tls-verify=false "$byDigest" >"$WORK/pull.log" 2>&1; then
          report OK "[push] $svc" "info: skopeo copy to $REGISTRY kept $digest; podman pulled it by digest"
          LOADED+=("$byDigest"); RUNREF[$svc]="$byDigest"; loaded+=("$svc")
        else report FAIL "[push] $svc" "error: podman pull $byDigest failed: $(tail -n 2 "$WORK/pull.log")"; fi
      # podman load names the image after the index's io.containerd.image.name annotation
      elif podman load -q -i "$OUT_DIR/$svc.oci.tar" >"$WORK/load.log" 2>&1; then
        LOADED+=("$ref"); RUNREF[$svc]="$ref"; loaded+=("$svc")
      else report FAIL "[run] $svc" "error: podman load failed: $(tail -n 2 "$WORK/load.log")"; fi
    done
  fi
  if [ "${#loaded[@]}" -gt 0 ] && pick_runtime "${RUNREF[${loaded[0]}]}"; then
    # one at a time (four JVMs starting at once on a small machine run into their own start-up timeouts)
    PAYMENT_CONTAINER_URL=""; KEEP_RUNNING=()
    for svc in "${loaded[@]}"; do
      # a spare port of the lane: 8095..8098 + LANE*100 (the services use 8081..8084, the stand-in 8090)
      cport=$(( ${PORT[$svc]} + LANE * 100 + 14 ))
      ref="${RUNREF[$svc]}"; name="image-check-$LANE-$svc"
      "${PODMAN[@]}" rm -f "$name" >/dev/null 2>&1 || true
      envs=(); while IFS= read -r e; do
        # a provider is ready only once payment-service served its charge terms: the checked payment-service
        # container (kept running until the providers are checked) serves them
        if [[ "$e" == PAYMENT_SERVICE_URL=* ]] && [ -n "$PAYMENT_CONTAINER_URL" ]; then e="PAYMENT_SERVICE_URL=$PAYMENT_CONTAINER_URL"; fi
        envs+=(-e "$e")
      done < <(service_env "$svc")
      # as k8s/base runs it: read-only root, tmpfs /tmp, no capabilities, no new privileges, the image's own user;
      # host paths that services.env names (route file, dev keys) are visible read-only at the same place
      if ! "${PODMAN[@]}" run -d --name "$name" --network host "${LIMITS[@]}" \
          --read-only --tmpfs /tmp:rw,mode=1777,size=256m --cap-drop ALL --security-opt no-new-privileges \
          -v "$REPO_ROOT/deploy:$REPO_ROOT/deploy:ro" "${envs[@]}" \
          -e QUARKUS_HTTP_HOST=127.0.0.1 -e QUARKUS_HTTP_PORT="$cport" \
          -e "JDK_JAVA_OPTIONS=-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=1000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
          "$ref" >"$WORK/run-$svc.log" 2>&1; then
        report FAIL "[run] $svc" "error: podman run failed: $(tail -n 3 "$WORK/run-$svc.log")"
        continue
      fi
      CONTAINERS+=("$name")
      url="http://127.0.0.1:$cport/q/health/ready"; errs=()
      deadline=$((SECONDS + ${IMAGE_READY_TIMEOUT:-180})); ready=0
      while [ "$SECONDS" -lt "$deadline" ]; do
        if curl -fsS --max-time 3 "$url" 2>/dev/null | jq -e '.status == "UP"' >/dev/null 2>&1; then ready=1; break; fi
        [ "$("${PODMAN[@]}" inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = true ] || break
        sleep 1
      done
      [ "$ready" = 1 ] || errs+=("$url did not answer UP within ${IMAGE_READY_TIMEOUT:-180} s (last log lines below)")
      pid="$("${PODMAN[@]}" inspect -f '{{.State.Pid}}' "$name" 2>/dev/null)"
      uid="$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
      [ "$uid" = "${APP_USER%%:*}" ] || errs+=("the java process runs as uid '${uid:-?}', not ${APP_USER%%:*}")
      if "${PODMAN[@]}" exec "$name" sh -c true >/dev/null 2>&1; then errs+=("a shell could be started in the container"); fi
      started="$("${PODMAN[@]}" logs "$name" 2>&1 | grep -o 'started in [0-9.]*s' | head -n1)"
      if [ "${#errs[@]}" -eq 0 ]; then
        report OK "[run] $svc" "info: /q/health/ready UP on 127.0.0.1:$cport ($started), uid $uid, read-only root, no shell (${PODMAN[*]})"
      else
        report FAIL "[run] $svc" "$(printf 'error: %s\n' "${errs[@]}"; "${PODMAN[@]}" logs --tail 15 "$name" 2>&1 | sed 's/^/| /')"
      fi
      if [ "$svc" = payment-service ] && [ "$ready" = 1 ]; then
        PAYMENT_CONTAINER_URL="http://127.0.0.1:$cport"; KEEP_RUNNING+=("$name")
      else
        "${PODMAN[@]}" rm -f -t 10 "$name" >/dev/null 2>&1 || true
      fi
    done
    for name in "${KEEP_RUNNING[@]}"; do "${PODMAN[@]}" rm -f -t 10 "$name" >/dev/null 2>&1 || true; done
  fi
  if [ -n "$RUN_SKIP" ]; then
    if [ "${IMAGES_RUN:-auto}" = 1 ]; then report FAIL "[run] images" "error: $RUN_SKIP"
    else echo "SKIP  [run] images not started: $RUN_SKIP (IMAGES_RUN=1 makes this an error)"; fi
  fi
fi

echo "images: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
