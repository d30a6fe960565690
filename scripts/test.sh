#!/usr/bin/env bash
# The whole test suite, set-up included: engine, images, Consul, build, then
# node's test runner over test/ (unit and end to end, against the real
# Docker engine, Traefik and Consul). Stops the Consul agent it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
bash "$BG_ROOT/scripts/setup.sh"
if [[ -z ${CONSUL_HTTP_ADDR:-} ]]; then
  bash "$BG_ROOT/scripts/consul-dev.sh" start
  trap 'bash "$BG_ROOT/scripts/consul-dev.sh" stop' EXIT
  export CONSUL_HTTP_ADDR="http://127.0.0.1:${BG_CONSUL_PORT:-8500}"
fi
cd "$BG_ROOT"
npm test
