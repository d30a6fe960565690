#!/usr/bin/env bash
# A Docker Swarm of three nodes on this one machine (issue 11's lab): each
# node is its own dockerd (own data-root, exec-root, pidfile, socket and
# managed containerd) in its own network namespace, the namespaces joined by
# a bridge. A Traefik runs on every node (BG_TRAEFIK_PLACEMENT, for
# `bluegreen proxy up`): each node's entrypoint and API are forwarded to
# 127.0.0.1, so that tests send traffic to loopback only. (Traefik's tasks on
# the workers read the swarm through the manager's socket: the nodes share
# this machine's filesystem. On real machines Traefik runs on the managers.)
#   scripts/swarm-lab.sh up           build it (idempotent); prints export lines
#   scripts/swarm-lab.sh env          the export lines again
#   scripts/swarm-lab.sh push IMAGE   load an image of the host's engine on every node; prints its name last
#   scripts/swarm-lab.sh down         remove everything `up` made
# Needs root (network namespaces), dockerd 25+ and Node (the port forwarder).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

NODES=(1 2 3)
LAB="${BG_SWARM_LAB:-/var/lib/bluegreen-swarm-lab}"   # data roots: not under /tmp (overlayfs)
BRIDGE=bgswarm0
SUBNET=10.231.0
# Node n's entrypoint on HTTP_PORT + 2(n-1), its Traefik API on API_PORT + 2(n-1).
HTTP_PORT="${BG_SWARM_HTTP_PORT:-18680}"
API_PORT="${BG_SWARM_API_PORT:-18681}"
http_port() { echo $((HTTP_PORT + 2 * ($1 - 1))); }
api_port() { echo $((API_PORT + 2 * ($1 - 1))); }
joined() { local IFS=,; echo "$*"; }

netns() { echo "bgswarm-$1"; }
node_ip() { echo "$SUBNET.$((10 + $1))"; }
node_sock() { echo "$LAB/$1/docker.sock"; }
node_docker() { local n="$1"; shift; docker -H "unix://$(node_sock "$n")" "$@"; }
node_up() { node_docker "$1" info --format '{{.ID}}' >/dev/null 2>&1; }

# The host's engine sets iptables' FORWARD policy to DROP, and bridged
# packets pass through it: the lab's bridge forwards its own traffic.
FORWARD_RULE=(FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT)
# Nothing leaves the lab: what tries is refused at once rather than left to time out.
OUTSIDE_RULE=(FORWARD -i "$BRIDGE" ! -o "$BRIDGE" -j REJECT)

network_up() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || {
    ip link add "$BRIDGE" type bridge
    ip addr add "$SUBNET.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  }
  iptables -C "${FORWARD_RULE[@]}" 2>/dev/null || iptables -I "${FORWARD_RULE[@]}"
  iptables -C "${OUTSIDE_RULE[@]}" 2>/dev/null || iptables -I "${OUTSIDE_RULE[@]}"
  local n
  for n in "${NODES[@]}"; do
    local ns; ns=$(netns "$n")
    ip netns list | grep -qw "$ns" || ip netns add "$ns"
    if ! ip link show "bgsw-h$n" >/dev/null 2>&1; then
      ip link add "bgsw-h$n" type veth peer name eth0 netns "$ns"
      ip link set "bgsw-h$n" master "$BRIDGE" up
      ip netns exec "$ns" ip addr add "$(node_ip "$n")/24" dev eth0
      ip netns exec "$ns" ip link set eth0 up
      ip netns exec "$ns" ip link set lo up
      ip netns exec "$ns" ip route add default via "$SUBNET.1"
    fi
  done
}

# What still runs in a node's namespace when its dockerd is gone (its
# containerd, the shims and the containers, as a killed dockerd leaves them):
# the lab's own processes, ended by their ids.
end_node_processes() {
  local pids; pids=$(ip netns pids "$(netns "$1")" 2>/dev/null || true)
  [[ -n $pids ]] && kill -9 $pids 2>/dev/null || true
}

dockerd_up() {
  local n="$1" dir="$LAB/$1"
  node_up "$n" && return 0
  end_node_processes "$n"
  mkdir -p "$dir/data" "$dir/exec"
  # The node's own bridge subnets, apart from the host's engine and each other.
  # nsenter, not `ip netns exec`: that one mounts a /sys of its own, without
  # the cgroup hierarchy dockerd needs.
  # Its own hostname too (a UTS namespace): swarm names nodes by it.
  # DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: a task whose image the node has runs
  # it, without asking a registry first (the lab has none; the lookup alone
  # cost every task start 5 s).
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 \
  setsid nsenter --net="/var/run/netns/$(netns "$n")" unshare --uts sh -c 'hostname "$0" && exec dockerd "$@"' "$(netns "$n")" \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    -H "unix://$(node_sock "$n")" --bip "172.31.$n.1/24" \
    --default-address-pool "base=10.$((40 + n)).0.0/16,size=24" \
    >"$dir/dockerd.log" 2>&1 </dev/null &
  wait_until 60 "node $n's dockerd" node_up "$n" || { tail -20 "$dir/dockerd.log" >&2; die "node $n's dockerd did not answer (log: $dir/dockerd.log)"; }
}

swarm_up() {
  local state; state=$(node_docker 1 info --format '{{.Swarm.LocalNodeState}}')
  # Overlay subnets from a pool of their own, apart from the nodes' network.
  [[ $state == active ]] || node_docker 1 swarm init --advertise-addr "$(node_ip 1)" --listen-addr "$(node_ip 1):2377" --default-addr-pool 10.232.0.0/16 >/dev/null
  local token; token=$(node_docker 1 swarm join-token -q worker)
  local n
  for n in "${NODES[@]:1}"; do
    # pending: a join that timed out goes on by itself.
    [[ $(node_docker "$n" info --format '{{.Swarm.LocalNodeState}}') =~ ^(active|pending)$ ]] ||
      node_docker "$n" swarm join --token "$token" --advertise-addr "$(node_ip "$n")" --listen-addr "$(node_ip "$n"):2377" "$(node_ip 1):2377" >/dev/null
  done
  wait_until 60 "three ready nodes" bash -c "[[ \$(docker -H unix://$(node_sock 1) node ls --format '{{.Status}}' | grep -c Ready) -ge ${#NODES[@]} ]]"
}

forward_up() {
  local pidfile="$LAB/forward.pid"
  pid_alive "$pidfile" && return 0
  local n routes=()
  for n in "${NODES[@]}"; do routes+=("127.0.0.1:$(http_port "$n")=$(node_ip "$n"):80" "127.0.0.1:$(api_port "$n")=$(node_ip "$n"):8080"); done
  setsid node "$BG_ROOT/scripts/lib/tcp-forward.mjs" "${routes[@]}" \
    >"$LAB/forward.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

print_env() {
  local n entrypoints=() apis=()
  for n in "${NODES[@]}"; do entrypoints+=("http://127.0.0.1:$(http_port "$n")"); apis+=("http://127.0.0.1:$(api_port "$n")"); done
  say "export DOCKER_HOST=unix://$(node_sock 1)"
  say "export BG_TRAEFIK_URL=${entrypoints[0]}"
  # Every node's Traefik: bluegreen verifies each one.
  say "export BG_TRAEFIK_API=$(joined "${apis[@]}")"
  say "export BG_TRAEFIK_PLACEMENT=node.platform.os==linux"
  # Not bluegreen's: every node's entrypoint, for load spread over all of them.
  say "export BG_LAB_ENTRYPOINTS=$(joined "${entrypoints[@]}")"
}

up() {
  [[ $(id -u) == 0 ]] || die "the lab needs root (network namespaces)"
  local started; started=$(now_ms)
  mkdir -p "$LAB"
  network_up
  local n
  for n in "${NODES[@]}"; do dockerd_up "$n"; done
  swarm_up
  forward_up
  say "swarm lab up in $(( ($(now_ms) - started) / 1000 ))s: ${#NODES[@]} nodes ($(node_docker 1 node ls --format '{{.Hostname}}:{{.ManagerStatus}}' | tr '\n' ' '))" >&2
  print_env
}

push() {
  local image="${1:?usage: swarm-lab.sh push IMAGE}" n
  # From the host's engine, even with the lab's manager exported as DOCKER_HOST.
  local host="${DOCKER_HOST:-}"
  [[ $host == "unix://$LAB/"* ]] && host=""
  for n in "${NODES[@]}"; do DOCKER_HOST="$host" docker save "$image" | node_docker "$n" load >/dev/null; done
  say "$image"
}

down() {
  local n
  [[ -f $LAB/forward.pid ]] && { kill "$(cat "$LAB/forward.pid")" 2>/dev/null || true; rm -f "$LAB/forward.pid"; }
  for n in "${NODES[@]}"; do
    local pidfile="$LAB/$n/dockerd.pid"
    if pid_alive "$pidfile"; then
      node_docker "$n" swarm leave --force >/dev/null 2>&1 || true
      local pid; pid=$(cat "$pidfile")
      kill "$pid"
      wait_until 60 "node $n's dockerd to stop" bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid"
    fi
    end_node_processes "$n"
    ip link del "bgsw-h$n" 2>/dev/null || true
    ip netns del "$(netns "$n")" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  iptables -D "${FORWARD_RULE[@]}" 2>/dev/null || true
  iptables -D "${OUTSIDE_RULE[@]}" 2>/dev/null || true
  # A node whose dockerd was killed (the node-loss test) left its mounts:
  # network namespaces and container filesystems under its roots.
  grep -o " $LAB/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$LAB"
  say "swarm lab removed"
}

case "${1:-}" in
  up) up ;;
  env) print_env ;;
  push) push "${2:-}" ;;
  down) down ;;
  *) die "usage: swarm-lab.sh up|env|push IMAGE|down" ;;
esac
