#!/usr/bin/env bash
# Builds the CLI's image from the top-level Dockerfile with what this machine
# can reach, and prints its name as the last line of stdout
# (bluegreen:<version>, also tagged bluegreen:latest).
#
# The Dockerfile's bases (node:20-bookworm-slim, docker:27-cli) come from
# Docker Hub. Where no registry answers, they are replaced by local
# stand-ins made FROM scratch out of this host's own files:
#   bluegreen-node-base:local     node, the OpenSSH client, busybox as /bin/sh
#                                 (Debian's busybox-static), the shared
#                                 libraries they load, a minimal /etc
#   bluegreen-docker-tools:local  the docker CLI and the compose plugin, at
#                                 the paths of the official docker:cli image
# Then `npm pack` (its prepack builds dist/) into a temporary directory, and
# `docker build` of that tarball alone. Every image carries the hash of its
# inputs and is rebuilt only when they change: a second run with nothing
# changed only checks (2 s).
#
#   BG_NODE_BASE=... BG_DOCKER_TOOLS=...  build on these bases instead of the
#                                         stand-ins (docker build pulls them)
#   BG_PACKAGE=path/bluegreen-X.tgz       build from this package, not npm pack
#   --force                               rebuild all three images
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$BG_ROOT/scripts/lib/apt.sh"

NODE_BASE_LOCAL=bluegreen-node-base:local
DOCKER_TOOLS_LOCAL=bluegreen-docker-tools:local
CLI_REPO="${BG_CLI_IMAGE_REPO:-bluegreen}"
HASH_LABEL=io.bluegreen.source-hash
BUILD_LOG="$BG_RUN_DIR/image-build.log"

force=""
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    *) die "unknown option $arg (known: --force)" ;;
  esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bluegreen-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
: >"$BUILD_LOG"

label_of() { docker image inspect -f "{{index .Config.Labels \"$HASH_LABEL\"}}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
size_of() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1/1e6}'; }

# up_to_date IMAGE HASH: the image exists and was built from inputs of that hash.
up_to_date() { [[ -z $force && $(label_of "$1") == "$2" ]]; }

# forget_old ID IMAGE: the image IMAGE had before a rebuild, removed once no
# tag names it any more (a container still using it keeps it).
forget_old() {
  local old="$1" image="$2"
  [[ -n $old && $old != "$(image_id "$image")" ]] || return 0
  [[ $(docker image inspect -f '{{len .RepoTags}}' "$old" 2>/dev/null) == 0 ]] || return 0
  docker image rm "$old" >/dev/null 2>&1 || true
}

# stat_hash FILE...: the files' names, sizes and times (links followed), and
# the functions that assemble a stand-in: what it is rebuilt from.
stat_hash() {
  { stat -L -c '%n %s %Y' "$@"; declare -f "${FUNCNAME[1]}" add_file add_binary write_etc import_rootfs; } | sha256sum | cut -c1-16
}

# shared_libraries BINARY...: what ldd says they load, the dynamic loader included.
shared_libraries() {
  local binary out
  for binary in "$@"; do
    out=$(ldd "$binary" 2>&1) || { [[ $out == *"not a dynamic executable"* ]] && continue; die "ldd $binary failed: $out"; }
    [[ $out != *"not found"* ]] || die "$binary needs a library this host lacks: $(grep 'not found' <<<"$out" | head -1)"
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' <<<"$out"
  done | sort -u
}

# add_file ROOTFS SRC [DEST]: SRC copied (links resolved) to DEST, by default its own path.
add_file() {
  local rootfs="$1" src="$2" dest="${3:-$2}"
  mkdir -p "$rootfs$(dirname "$dest")"
  cp -L "$src" "$rootfs$dest"
}

# add_binary ROOTFS BINARY [DEST]: the binary and the libraries it loads.
add_binary() {
  local rootfs="$1" binary="$2" dest="${3:-$2}" libs lib
  libs=$(shared_libraries "$binary")
  add_file "$rootfs" "$binary" "$dest"
  for lib in $libs; do
    [[ -e $rootfs$lib ]] || add_file "$rootfs" "$lib"
  done
}

# A merged-/usr tree as Debian's, with the few files of /etc that node, ssh
# and the docker CLI read: users and groups, name resolution, CA certificates.
write_etc() {
  local rootfs="$1"
  mkdir -p "$rootfs"/usr/{bin,sbin,lib,lib64} "$rootfs"/{etc,root,tmp,var/tmp,usr/local/bin}
  ln -s usr/bin "$rootfs/bin"; ln -s usr/sbin "$rootfs/sbin"
  ln -s usr/lib "$rootfs/lib"; ln -s usr/lib64 "$rootfs/lib64"
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  chmod 700 "$rootfs/root"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$rootfs/etc/group"
  # Go's resolver (docker, compose) reads hosts: here too.
  printf '%s\n' 'passwd: files' 'group: files' 'shadow: files' 'hosts: files dns' >"$rootfs/etc/nsswitch.conf"
  [[ -f /etc/ssl/certs/ca-certificates.crt ]] && add_file "$rootfs" /etc/ssl/certs/ca-certificates.crt
  [[ -f /etc/ssh/ssh_config ]] && add_file "$rootfs" /etc/ssh/ssh_config
  return 0
}

# import ROOTFS IMAGE HASH CHANGES...: the tree as a one-layer image, owned by root.
import_rootfs() {
  local rootfs="$1" image="$2" hash="$3"; shift 3
  local old; old=$(image_id "$image")
  local change=(--change "LABEL $HASH_LABEL=$hash" --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
  local extra
  for extra in "$@"; do change+=(--change "$extra"); done
  tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf - . | docker import "${change[@]}" - "$image" >>"$BUILD_LOG" 2>&1 \
    || die "docker import of $image failed (log: $BUILD_LOG)"
  forget_old "$old" "$image"
  say "    built $image ($hash, $(size_of "$image"))"
}

ensure_busybox() {
  local busybox
  busybox=$(command -v busybox || true)
  if [[ -z $busybox ]] || ! file_is_static "$busybox"; then
    is_debian_root || die "busybox-static is needed for the local node base (/bin/sh in the image): install Debian's busybox-static"
    apt_install busybox-static
  fi
  BUSYBOX=$(command -v busybox) || die "busybox-static is installed but busybox is not on PATH"
  file_is_static "$BUSYBOX" || die "$BUSYBOX is not statically linked: install Debian's busybox-static, not busybox"
}
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

# node, ssh and busybox with their libraries; busybox provides /bin/sh (the
# Dockerfile's RUN steps, bluegreen's hooks) and /usr/bin/env (the `#!`
# line of bluegreen's bin).
node_base_stand_in() {
  ensure_busybox
  local node ssh
  node=$(command -v node) || die "node is needed for the local node base"
  ssh=$(command -v ssh) || {
    is_debian_root || die "ssh is needed for the local node base: install the OpenSSH client"
    apt_install openssh-client
    ssh=$(command -v ssh)
  }
  local libs; libs=$(shared_libraries "$node" "$ssh")
  local inputs=("$node" "$ssh" "$BUSYBOX" $libs /etc/ssl/certs/ca-certificates.crt /etc/ssh/ssh_config)
  local present=() file
  for file in "${inputs[@]}"; do [[ -e $file ]] && present+=("$file"); done
  local hash; hash=$(stat_hash "${present[@]}")
  if up_to_date "$NODE_BASE_LOCAL" "$hash"; then
    say "    $NODE_BASE_LOCAL is up to date ($hash)"
    return
  fi
  local rootfs="$work/node-base"
  write_etc "$rootfs"
  add_binary "$rootfs" "$node" /usr/bin/node
  add_binary "$rootfs" "$ssh" /usr/bin/ssh
  add_file "$rootfs" "$BUSYBOX" /usr/bin/busybox
  local applet
  for applet in $("$BUSYBOX" --list-full); do
    [[ -e $rootfs/$applet || -L $rootfs/$applet ]] || { mkdir -p "$rootfs/$(dirname "$applet")"; ln -s /usr/bin/busybox "$rootfs/$applet"; }
  done
  import_rootfs "$rootfs" "$NODE_BASE_LOCAL" "$hash" 'CMD ["node"]'
  say "    $(docker run --rm --label io.bluegreen.role=setup "$NODE_BASE_LOCAL" node --version | sed 's/^/node /'), $(docker run --rm --label io.bluegreen.role=setup "$NODE_BASE_LOCAL" ssh -V 2>&1)"
}

# Only a source for the Dockerfile's COPY --from: the two binaries, where
# the official docker:cli image has them. Debian's compose plugin loads
# glibc, which the node base provides.
docker_tools_stand_in() {
  local cli compose
  cli=$(command -v docker) || die "the docker CLI is needed for the local docker-tools base"
  compose=""
  local dir
  for dir in "${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins" /usr/local/lib/docker/cli-plugins /usr/local/libexec/docker/cli-plugins /usr/lib/docker/cli-plugins /usr/libexec/docker/cli-plugins; do
    [[ -x $dir/docker-compose ]] && { compose="$dir/docker-compose"; break; }
  done
  [[ -n $compose ]] || die "the compose plugin (docker-compose in a cli-plugins directory) is needed for the local docker-tools base: run bash scripts/setup.sh"
  local hash; hash=$(stat_hash "$cli" "$compose")
  if up_to_date "$DOCKER_TOOLS_LOCAL" "$hash"; then
    say "    $DOCKER_TOOLS_LOCAL is up to date ($hash)"
    return
  fi
  local rootfs="$work/docker-tools"
  add_file "$rootfs" "$cli" /usr/local/bin/docker
  add_file "$rootfs" "$compose" /usr/local/libexec/docker/cli-plugins/docker-compose
  import_rootfs "$rootfs" "$DOCKER_TOOLS_LOCAL" "$hash"
  say "    $("$cli" --version), compose $("$cli" compose version --short 2>/dev/null)"
}

# The package's inputs (what npm pack's build reads and ships, or the
# package given), the Dockerfile and the bases' image IDs.
cli_inputs_hash() {
  {
    cd "$BG_ROOT"
    if [[ -n $PACKAGE ]]; then
      sha256sum "$PACKAGE"
    else
      find src traefik -type f -print0 | sort -z | xargs -0 sha256sum
      sha256sum package.json package-lock.json tsconfig.json scripts/bundle.mjs README.md
    fi
    sha256sum Dockerfile
    printf '%s %s\n' "$NODE_BASE" "$(image_id "$NODE_BASE")" "$DOCKER_TOOLS" "$(image_id "$DOCKER_TOOLS")"
  } | sha256sum | cut -c1-16
}

build_cli_image() {
  local hash; hash=$(cli_inputs_hash)
  if up_to_date "$IMAGE" "$hash" && [[ $(image_id "$IMAGE") == "$(image_id "$CLI_REPO:latest")" ]]; then
    say "    $IMAGE is up to date ($hash, $(size_of "$IMAGE"))"
    return
  fi
  local context="$work/context"
  mkdir -p "$context"
  if [[ -n $PACKAGE ]]; then
    cp "$PACKAGE" "$context/"
  else
    [[ -x $BG_ROOT/node_modules/.bin/esbuild ]] || die "node_modules is missing: run bash scripts/setup.sh (npm pack builds dist/ with it)"
    say "    npm pack (prepack: npm run build)"
    (cd "$BG_ROOT" && npm pack --pack-destination "$context" --loglevel=error) >>"$BUILD_LOG" 2>&1 \
      || { tail -20 "$BUILD_LOG" >&2; die "npm pack failed: does the checkout build? (log: $BUILD_LOG)"; }
  fi
  local tarballs=("$context"/bluegreen-*.tgz)
  [[ -f ${tarballs[0]} ]] || die "npm pack made no bluegreen-*.tgz (log: $BUILD_LOG)"
  say "    $(basename "${tarballs[0]}") ($(du -k "${tarballs[0]}" | cut -f1) kB); docker build on $NODE_BASE and $DOCKER_TOOLS"
  local old; old=$(image_id "$IMAGE")
  # The context is the tarball alone, not the checkout (node_modules, .git).
  # BuildKit (the buildx plugin) logs each step with --progress=plain; the
  # legacy builder knows no such flag.
  local progress=()
  docker buildx version >/dev/null 2>&1 && progress=(--progress=plain)
  docker build "${progress[@]}" -f "$BG_ROOT/Dockerfile" \
    --build-arg "NODE_BASE=$NODE_BASE" --build-arg "DOCKER_TOOLS=$DOCKER_TOOLS" \
    --label "$HASH_LABEL=$hash" --label "org.opencontainers.image.version=$VERSION" \
    -t "$IMAGE" -t "$CLI_REPO:latest" "$context" >>"$BUILD_LOG" 2>&1 \
    || { tail -30 "$BUILD_LOG" >&2; die "docker build of $IMAGE failed (log: $BUILD_LOG)"; }
  forget_old "$old" "$IMAGE"
  say "    built $IMAGE ($hash, $(size_of "$IMAGE"))"
}

check_cli_image() {
  local version; version=$(docker run --rm --label io.bluegreen.role=setup "$IMAGE" --version) || die "$IMAGE does not run: docker run --rm $IMAGE --version failed"
  [[ $version == "$VERSION" ]] || die "$IMAGE says it is $version, the package is $VERSION"
  say "    bluegreen $version; $(docker run --rm --label io.bluegreen.role=setup --entrypoint docker "$IMAGE" compose version)"
}

docker info --format '{{.ServerVersion}}' >/dev/null 2>&1 || die "no Docker engine is reachable: run bash scripts/setup.sh"
PACKAGE="${BG_PACKAGE:-}"
if [[ -n $PACKAGE ]]; then
  [[ -f $PACKAGE && $(basename "$PACKAGE") == bluegreen-*.tgz ]] || die "BG_PACKAGE=$PACKAGE is not a bluegreen-<version>.tgz file"
  PACKAGE=$(realpath "$PACKAGE")
  VERSION=$(tar -xzOf "$PACKAGE" package/package.json | node -p "JSON.parse(require('fs').readFileSync(0, 'utf8')).version") \
    || die "cannot read the version from $PACKAGE"
else
  VERSION=$(node -p "require('$BG_ROOT/package.json').version") || die "cannot read the version from package.json"
fi
IMAGE="$CLI_REPO:$VERSION"
started=$(now_ms)

if [[ -n ${BG_NODE_BASE:-} || -n ${BG_DOCKER_TOOLS:-} ]]; then
  NODE_BASE="${BG_NODE_BASE:-node:20-bookworm-slim}"
  DOCKER_TOOLS="${BG_DOCKER_TOOLS:-docker:27-cli}"
  say "==> bases $NODE_BASE and $DOCKER_TOOLS (from BG_NODE_BASE/BG_DOCKER_TOOLS)"
else
  NODE_BASE="$NODE_BASE_LOCAL"
  DOCKER_TOOLS="$DOCKER_TOOLS_LOCAL"
  step "Local node base (stand-in)" node_base_stand_in
  step "Local docker tools (stand-in)" docker_tools_stand_in
fi
step "bluegreen image" build_cli_image
step "Check the image" check_cli_image
elapsed_ms=$(( $(now_ms) - started ))
say "--- $IMAGE (also $CLI_REPO:latest): $(size_of "$IMAGE"), $(printf '%d.%01d' $((elapsed_ms / 1000)) $(((elapsed_ms % 1000) / 100)))s"
say "$IMAGE"
