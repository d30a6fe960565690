# The Docker engine: reuse a reachable one, else install Engine 26 and
# Compose v2 (Debian, as root) and start dockerd in the background.
# Sourced, not run.

BG_DOCKERD_LOG="$BG_RUN_DIR/dockerd.log"
BG_DOCKERD_PID="$BG_RUN_DIR/dockerd.pid"
BG_MIN_ENGINE_MAJOR=25   # healthcheck start_interval needs Engine 25+

engine_reachable() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

engine_major() { docker version --format '{{.Server.Version}}' 2>/dev/null | cut -d. -f1; }

compose_v2_available() { docker compose version >/dev/null 2>&1; }

ensure_docker_engine() {
  if command -v docker >/dev/null && engine_reachable; then
    say "    reusing the engine at ${DOCKER_HOST:-unix:///var/run/docker.sock}"
  else
    [[ -n ${DOCKER_HOST:-} ]] && die "DOCKER_HOST=$DOCKER_HOST does not answer: start that engine, or unset DOCKER_HOST to let setup run one"
    is_debian_root || die "no Docker engine is reachable. Install Docker Engine 25+ with the Compose v2 plugin (https://docs.docker.com/engine/install/), start it, and run this again"
    install_engine_packages
    start_dockerd
  fi
  local major; major=$(engine_major)
  (( major >= BG_MIN_ENGINE_MAJOR )) || die "Docker Engine $(docker version --format '{{.Server.Version}}') is too old: healthcheck start_interval needs $BG_MIN_ENGINE_MAJOR+"
  compose_v2_available || die "'docker compose' (Compose v2) is missing: install the docker-compose-plugin package"
  say "    engine $(docker version --format '{{.Server.Version}}'), $(docker compose version --short 2>/dev/null | sed 's/^/compose /')"
}

install_engine_packages() {
  local have=""
  command -v dockerd >/dev/null && have=$(dockerd --version | sed -E 's/^Docker version ([0-9]+).*/\1/')
  if [[ -z $have || $have -lt $BG_MIN_ENGINE_MAJOR ]] || ! compose_v2_available; then
    apt_install docker.io/trixie docker-compose/trixie docker-buildx/trixie
  fi
}

start_dockerd() {
  if pid_alive "$BG_DOCKERD_PID"; then
    say "    dockerd (pid $(cat "$BG_DOCKERD_PID")) is starting"
  else
    say "    starting dockerd, log: $BG_DOCKERD_LOG"
    # setsid: the engine must outlive this shell; teardown.sh stops it by pid.
    setsid dockerd >"$BG_DOCKERD_LOG" 2>&1 < /dev/null &
    echo $! >"$BG_DOCKERD_PID"
  fi
  wait_until 60 "the Docker socket" engine_reachable || { tail -20 "$BG_DOCKERD_LOG" >&2; die "dockerd did not answer within 60s (log: $BG_DOCKERD_LOG)"; }
}
