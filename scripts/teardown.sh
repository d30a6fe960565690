#!/usr/bin/env bash
# Stops what the scripts started on this checkout, by the pids they
# recorded: the Consul dev agent, the project's Traefik, then dockerd. An
# engine or agent that was already running before setup is left alone.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$BG_ROOT/scripts/lib/consul.sh"
source "$BG_ROOT/scripts/lib/docker-engine.sh"

say "==> teardown"
stop_consul_dev
# The labs a test left up (a test killed before its own teardown): each
# removes only what its own `up` made, by the pids it recorded.
[[ -d ${BG_REMOTE_LAB:-/var/lib/bluegreen-remote-lab} ]] && bash "$BG_ROOT/scripts/remote-lab.sh" down >/dev/null 2>&1
[[ -d ${BG_SWARM_LAB:-/var/lib/bluegreen-swarm-lab} ]] && bash "$BG_ROOT/scripts/swarm-lab.sh" down >/dev/null 2>&1
if pid_alive "$BG_DOCKERD_PID"; then
  # Containers started by the tests and the demo are labelled; remove them
  # before the engine goes so the next start finds a clean engine.
  ids=$(docker ps -aq --filter label=io.bluegreen.managed=true 2>/dev/null || true)
  [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1 || true
  docker compose -f "$BG_ROOT/traefik/docker-compose.yml" down --remove-orphans >/dev/null 2>&1 || true
  stop_pid dockerd "$BG_DOCKERD_PID"
fi
say "    done"
