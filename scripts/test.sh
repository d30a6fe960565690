#!/usr/bin/env bash
# The whole test suite, set-up included: engine, images, Consul, build, then
# node's test runner over test/ (unit and end to end, against the real
# Docker engine, Traefik and Consul). Stops the Consul agent it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
bash "$BG_ROOT/scripts/setup.sh"

started_consul=""
# The engine store's holder and volume (bluegreen-state) on this engine: the
# tests' apps leave their state there; removed at the end unless they were
# here before (a developer's own state is never touched).
had_engine_store=$(docker volume inspect bluegreen-state >/dev/null 2>&1 && echo 1 || true)
cleanup() {
  # The tests' own Traefik and any container a failed test left behind.
  BG_TRAEFIK_PROJECT=bgtest-traefik docker compose -f "$BG_ROOT/traefik/docker-compose.yml" down >/dev/null 2>&1 || true
  local ids; ids=$(docker ps -aq --filter label=io.bluegreen.test 2>/dev/null || true)
  [[ -n $ids ]] && docker rm -f $ids >/dev/null 2>&1
  if [[ -z $had_engine_store ]]; then
    docker rm -f bluegreen-state >/dev/null 2>&1 || true
    docker volume rm bluegreen-state >/dev/null 2>&1 || true
  fi
  [[ -n $started_consul ]] && bash "$BG_ROOT/scripts/consul-dev.sh" stop
  return 0
}
trap cleanup EXIT
if [[ -z ${CONSUL_HTTP_ADDR:-} ]]; then
  bash "$BG_ROOT/scripts/consul-dev.sh" start
  started_consul=1
  export CONSUL_HTTP_ADDR="http://127.0.0.1:${BG_CONSUL_PORT:-8500}"
fi
cd "$BG_ROOT"
npm test
