#!/usr/bin/env bash
# Brings up everything bluegreen and its tests need, idempotently: the Docker
# engine, the Traefik and sample images, Consul, the Node build. Safe to run
# again and again; each step says what it did and how long it took.
#   --no-consul   skip Consul (the main job does not need it)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$BG_ROOT/scripts/lib/apt.sh"
source "$BG_ROOT/scripts/lib/docker-engine.sh"
source "$BG_ROOT/scripts/lib/images.sh"
source "$BG_ROOT/scripts/lib/consul.sh"
source "$BG_ROOT/scripts/lib/node.sh"

with_consul=1
for arg in "$@"; do
  case "$arg" in
    --no-consul) with_consul="" ;;
    *) die "unknown option $arg (known: --no-consul)" ;;
  esac
done

step "Docker engine" ensure_docker_engine
step "Traefik image" ensure_traefik_image
step "Oldest Traefik 3.x image (tests)" ensure_oldest_traefik_image
step "Sample app image" ensure_sample_image
step "Load generator (wrk)" ensure_wrk
step "Registry (tests)" ensure_registry
[[ -n $with_consul ]] && step "Consul" ensure_consul_binary
step "Node dependencies and build" ensure_node_build
step "bluegreen on the PATH, docker bg" link_cli
print_step_summary
