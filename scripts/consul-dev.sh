#!/usr/bin/env bash
# Starts or stops the Consul dev agent the tests use (127.0.0.1, port
# BG_CONSUL_PORT, default 8500). It stops only the agent it started, by pid.
#   scripts/consul-dev.sh start|stop
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$BG_ROOT/scripts/lib/consul.sh"
case "${1:-}" in
  start) start_consul_dev ;;
  stop) stop_consul_dev ;;
  *) die "usage: scripts/consul-dev.sh start|stop" ;;
esac
