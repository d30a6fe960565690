#!/usr/bin/env bash
# A "remote Docker host" on this one machine, for the end-to-end tests of
# deploying over SSH (DOCKER_HOST=ssh://...): a dockerd and an sshd that share
# a network namespace (the lab's address on a bridge of its own) and a mount
# namespace, in which /run is a directory of the lab's. So on the lab, as on a
# real remote host, /var/run/docker.sock is the lab's engine: the one a
# Traefik container started there mounts, and the one the docker CLI of an ssh
# session (`docker system dial-stdio`) dials. The host's engine is not
# touched. The lab's sshd and its Traefik entrypoint are forwarded to
# 127.0.0.1, so that tests talk to loopback only; a CI runner reaches the lab
# as `ssh://bg-remote-lab` once it has copied BG_LAB_SSH_DIR to its ~/.ssh.
#   scripts/remote-lab.sh up           build it (idempotent); prints export lines
#   scripts/remote-lab.sh env          the export lines again
#   scripts/remote-lab.sh push IMAGE   load an image of the host's engine on the lab; prints its name last
#   scripts/remote-lab.sh restart-engine   stop the lab's dockerd (and so its containers) and start it again
#   scripts/remote-lab.sh down         remove everything `up` made
# Needs root (namespaces), dockerd 25+, Node (the port forwarder) and
# OpenSSH's server (installed from Debian's openssh-server when missing).
# Names, subnets, ports and directories apart from scripts/swarm-lab.sh's:
# both labs can run at once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$BG_ROOT/scripts/lib/apt.sh"
source "$BG_ROOT/scripts/lib/images.sh"   # BG_TRAEFIK_IMAGE, BG_SAMPLE_IMAGE

LAB="${BG_REMOTE_LAB:-/var/lib/bluegreen-remote-lab}"   # the data root: not under /tmp (overlayfs)
NETNS=bgremote
BRIDGE=bgremote0
VETH=bgremote-h                  # the host's end; the lab's end is its eth0
SUBNET=10.233.0
LAB_IP="$SUBNET.2"
LAB_NAME=bg-remote-lab           # the lab's hostname, and the ssh Host the runner's config names
SSH_PORT="${BG_REMOTE_SSH_PORT:-18722}"    # 127.0.0.1:SSH_PORT -> the lab's sshd
HTTP_PORT="${BG_REMOTE_HTTP_PORT:-18780}"  # 127.0.0.1:HTTP_PORT -> the lab's Traefik entrypoint (:80)
# The lab engine's containers go in cgroups under this one: `down` finds what
# a killed engine left running there (containers are in network namespaces
# of their own, out of reach of `ip netns pids`).
CGROUP_PARENT=bluegreen-remote-lab

RUN="$LAB/run"                   # the lab's /run (and so its /var/run)
SOCK="$RUN/docker.sock"          # the lab engine's socket, as the host reaches it
SSH_DIR="$LAB/ssh"               # the lab's sshd: config, host key, authorized_keys, log
RUNNER_DIR="$LAB/runner-ssh"     # what a CI runner copies to its ~/.ssh
KEY_NAME=id_bg_remote_lab        # the runner's private key, in RUNNER_DIR

lab_docker() { docker -H "unix://$SOCK" "$@"; }
lab_up() { lab_docker info --format '{{.ID}}' >/dev/null 2>&1; }

# The host's engine sets iptables' FORWARD policy to DROP, and bridged
# packets pass through it: the lab's bridge forwards its own traffic.
FORWARD_RULE=(FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT)
# Nothing leaves the lab: what tries is refused at once rather than left to time out.
OUTSIDE_RULE=(FORWARD -i "$BRIDGE" ! -o "$BRIDGE" -j REJECT)

# lab_pid FILE PATTERN: the pid FILE holds, if that process runs and its
# command line holds PATTERN. The lab's files outlive a reboot (they are not
# under /run): a recorded pid may since name another process, never ended here.
lab_pid() {
  local file="$1" pattern="$2" pid
  [[ -f $file ]] || return 1
  pid=$(cat "$file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
  echo "$pid"
}
dockerd_pid() { lab_pid "$LAB/dockerd.pid" "$LAB/data"; }
sshd_pid() { lab_pid "$LAB/sshd.pid" "$SSH_DIR/sshd_config"; }
forward_pid() { lab_pid "$LAB/forward.pid" "=$LAB_IP:22"; }

# stop NAME PID: ends a process of the lab's, waits (bounded) for it to go.
stop() {
  local name="$1" pid="$2"
  kill "$pid" 2>/dev/null || return 0
  wait_until 30 "the lab's $name to stop" exited "$pid" || kill -9 "$pid" 2>/dev/null || true
}
# exited PID: the process has ended. A zombie counts: the lab's processes are
# started detached, so their parent is init, which reaps them when it will.
exited() {
  local state; state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 0
  [[ -z $state || $state == Z ]]
}

network_up() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || {
    ip link add "$BRIDGE" type bridge
    ip addr add "$SUBNET.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  }
  iptables -C "${FORWARD_RULE[@]}" 2>/dev/null || iptables -I "${FORWARD_RULE[@]}"
  iptables -C "${OUTSIDE_RULE[@]}" 2>/dev/null || iptables -I "${OUTSIDE_RULE[@]}"
  ip netns list | grep -qw "$NETNS" || ip netns add "$NETNS"
  if ! ip link show "$VETH" >/dev/null 2>&1; then
    ip link add "$VETH" type veth peer name eth0 netns "$NETNS"
    ip link set "$VETH" master "$BRIDGE" up
    ip netns exec "$NETNS" ip addr add "$LAB_IP/24" dev eth0
    ip netns exec "$NETNS" ip link set eth0 up
    ip netns exec "$NETNS" ip link set lo up
    ip netns exec "$NETNS" ip route add default via "$SUBNET.1"
  fi
}

# What still runs of the lab when its dockerd is gone (a killed dockerd
# leaves its containerd, the shims and the containers; sshd's sessions
# outlive sshd): the lab's own processes, ended by their ids. Those in the
# lab's network namespace, then the containers, by the lab's cgroups.
end_lab_processes() {
  local pids; pids=$(ip netns pids "$NETNS" 2>/dev/null || true)
  [[ -n $pids ]] && kill -9 $pids 2>/dev/null || true
  pids=$(cgroup_pids)
  [[ -n $pids ]] && kill -9 $pids 2>/dev/null || true
  # Empty cgroups are removed (deepest first) once their processes have exited.
  wait_until 10 "the lab's containers to exit" no_cgroup_pids || true
  local cgroups; mapfile -t cgroups < <(lab_cgroups)
  (( ${#cgroups[@]} == 0 )) || find "${cgroups[@]}" -depth -type d -exec rmdir {} \; 2>/dev/null || true
}
# The lab's cgroup in every hierarchy mounted (v1 controllers, v2), and the
# processes in it and below.
lab_cgroups() { ls -d /sys/fs/cgroup/"$CGROUP_PARENT" /sys/fs/cgroup/*/"$CGROUP_PARENT" 2>/dev/null || true; }
cgroup_pids() {
  local cgroups; mapfile -t cgroups < <(lab_cgroups)
  (( ${#cgroups[@]} == 0 )) || find "${cgroups[@]}" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u
}
no_cgroup_pids() { [[ -z $(cgroup_pids) ]]; }

# The commands run in the lab's new mount namespace before it becomes its
# dockerd: $1 the lab dir, $2 the hostname, the rest dockerd's arguments.
# shellcheck disable=SC2016
LAB_INIT='
set -e
lab="$1" name="$2"; shift 2
# Never in the host'\''s mount namespace: what follows unmounts and mounts over /run.
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || { echo "not in a mount namespace of its own" >&2; exit 1; }
# The copies this namespace got of the host'\''s engine mounts (its data root,
# container filesystems, network namespaces, those of other labs): unmounted
# here only (the namespace is private), so the lab holds none of them busy.
findmnt -rn -o TARGET,FSTYPE | awk '\''$1 ~ "^/run/" || $1 ~ "^/var/lib/docker(/|$)" || $2 == "overlay" || $2 == "nsfs" { print $1 }'\'' |
  sort -r | while read -r target; do umount -l "$target" 2>/dev/null || true; done
# The lab'\''s /run: its dockerd makes /run/docker.sock, /run/docker and
# /run/containerd there, apart from the host'\''s; sshd wants /run/sshd.
mount --bind "$lab/run" /run
mkdir -p -m 755 /run/sshd
# Root'\''s home on the lab: its own, as on another host (the docker CLI of an
# ssh session reads ~/.docker, bash reads ~/.bashrc).
mount --bind "$lab/home" /root
hostname "$name"
exec dockerd "$@"
'

dockerd_up() {
  lab_up && return 0
  end_lab_processes
  mkdir -p "$RUN" "$LAB/home" "$LAB/data"
  chmod 755 "$RUN"; chmod 700 "$LAB/home"
  # Not the host's /etc/docker/daemon.json: the lab is another host.
  echo '{}' >"$LAB/daemon.json"
  # nsenter, not `ip netns exec`: that one mounts a /sys of its own, without
  # the cgroup hierarchy dockerd needs. A mount namespace of its own (/run
  # is the lab's) and a UTS one (its hostname, which `docker info` shows).
  # The exec root is the default /var/run/docker, the lab's. Its bridge and
  # address pool are apart from the host's engine (172.17+/16, 192.168/16)
  # and swarm-lab's (172.31.n/24, 10.4x/16, 10.231-232/16).
  setsid nsenter --net="/var/run/netns/$NETNS" unshare --mount --propagation private --uts \
    sh -c "$LAB_INIT" sh "$LAB" "$LAB_NAME" \
    --config-file "$LAB/daemon.json" --data-root "$LAB/data" --pidfile "$LAB/dockerd.pid" \
    -H unix:///var/run/docker.sock --bip 10.234.0.1/24 \
    --default-address-pool base=10.235.0.0/16,size=24 \
    --cgroup-parent "/$CGROUP_PARENT" --shutdown-timeout 5 \
    >"$LAB/dockerd.log" 2>&1 </dev/null &
  wait_until 60 "the lab's dockerd" lab_up || { tail -20 "$LAB/dockerd.log" >&2; die "the lab's dockerd did not answer (log: $LAB/dockerd.log)"; }
}

ensure_sshd() {
  [[ -x /usr/sbin/sshd ]] && return 0
  is_debian_root || die "the lab needs OpenSSH's server (/usr/sbin/sshd): install openssh-server"
  # The package starts its service when it can: not on this host, where
  # only the lab's sshd listens (policy-rc.d 101: no service is started).
  local policy=/usr/sbin/policy-rc.d made=""
  [[ -e $policy ]] || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; made=1; }
  apt_install openssh-server
  [[ -z $made ]] || rm -f "$policy"
}

keys_up() {
  mkdir -p "$SSH_DIR" "$RUNNER_DIR"
  chmod 755 "$SSH_DIR" "$RUNNER_DIR"
  [[ -f $SSH_DIR/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -C "$LAB_NAME" -f "$SSH_DIR/ssh_host_ed25519_key"
  [[ -f $RUNNER_DIR/$KEY_NAME ]] || ssh-keygen -q -t ed25519 -N '' -C "bluegreen-ci@$LAB_NAME" -f "$RUNNER_DIR/$KEY_NAME"
  chmod 600 "$RUNNER_DIR/$KEY_NAME"
  install -m 600 "$RUNNER_DIR/$KEY_NAME.pub" "$SSH_DIR/authorized_keys"
  # The runner's ~/.ssh: ssh://bg-remote-lab resolves through this config.
  # HostKeyAlias: the lab's key is known by its name, whatever port it is
  # forwarded to; the [127.0.0.1]:port line serves ssh without this config.
  local host_key; host_key=$(cut -d' ' -f1,2 "$SSH_DIR/ssh_host_ed25519_key.pub")
  printf '%s %s\n[127.0.0.1]:%s %s\n' "$LAB_NAME" "$host_key" "$SSH_PORT" "$host_key" >"$RUNNER_DIR/known_hosts"
  cat >"$RUNNER_DIR/config" <<CONFIG
# bluegreen's remote lab (scripts/remote-lab.sh): DOCKER_HOST=ssh://$LAB_NAME
Host $LAB_NAME
  HostName 127.0.0.1
  Port $SSH_PORT
  User root
  IdentityFile ~/.ssh/$KEY_NAME
  IdentitiesOnly yes
  HostKeyAlias $LAB_NAME
  StrictHostKeyChecking yes
  UserKnownHostsFile ~/.ssh/known_hosts
  BatchMode yes
CONFIG
  chmod 644 "$RUNNER_DIR/config" "$RUNNER_DIR/known_hosts" "$RUNNER_DIR/$KEY_NAME.pub"
}

sshd_up() {
  sshd_pid >/dev/null && return 0
  # Generous MaxSessions and MaxStartups: a client multiplexes many
  # sessions (one per engine connection) over one ssh connection. Stream
  # local forwarding: a client may forward the engine's socket itself.
  cat >"$SSH_DIR/sshd_config" <<CONFIG
ListenAddress $LAB_IP:22
HostKey $SSH_DIR/ssh_host_ed25519_key
PidFile $LAB/sshd.pid
AuthorizedKeysFile $SSH_DIR/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AllowUsers root
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
StreamLocalBindUnlink yes
X11Forwarding no
MaxSessions 100
MaxStartups 100:30:200
UseDNS no
PrintMotd no
PrintLastLog no
Subsystem sftp internal-sftp
CONFIG
  local target; target=$(dockerd_pid) || die "the lab's dockerd is not running (log: $LAB/dockerd.log)"
  # In the dockerd's namespaces: its /run (so its /var/run/docker.sock), its
  # address, its hostname. The absolute path: sshd re-executes itself.
  setsid nsenter --target "$target" --net --mount --uts \
    /usr/sbin/sshd -D -f "$SSH_DIR/sshd_config" -E "$SSH_DIR/sshd.log" </dev/null >/dev/null 2>&1 &
  echo $! >"$LAB/sshd.pid"
  wait_until 10 "the lab's sshd" sshd_listening ||
    { tail -20 "$SSH_DIR/sshd.log" >&2; die "the lab's sshd did not listen (log: $SSH_DIR/sshd.log)"; }
}

sshd_listening() { [[ -n $(nsenter --net="/var/run/netns/$NETNS" ss -Hltn "( sport = :22 )") ]]; }

forward_up() {
  local pid
  if pid=$(forward_pid); then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "127.0.0.1:$SSH_PORT=$LAB_IP:22 127.0.0.1:$HTTP_PORT=$LAB_IP:80" && return 0
    stop forwarder "$pid"   # it forwards other ports than asked for this time
  fi
  setsid node "$BG_ROOT/scripts/lib/tcp-forward.mjs" \
    "127.0.0.1:$SSH_PORT=$LAB_IP:22" "127.0.0.1:$HTTP_PORT=$LAB_IP:80" \
    >"$LAB/forward.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$LAB/forward.pid"
  # Both ports its own (a port in use ends it: another listener must not
  # pass for the lab's).
  local deadline=$(( $(date +%s) + 10 ))
  until [[ $(ss -Hltnp "( sport = :$SSH_PORT or sport = :$HTTP_PORT )" | grep -c "pid=$pid,") == 2 ]]; do
    if exited "$pid" || (( $(date +%s) >= deadline )); then
      cat "$LAB/forward.log" >&2
      die "the forwarder does not listen at 127.0.0.1:$SSH_PORT and :$HTTP_PORT (in use? set BG_REMOTE_SSH_PORT, BG_REMOTE_HTTP_PORT; log: $LAB/forward.log)"
    fi
    sleep 0.1
  done
}

# The way a runner comes in: the runner's key, the lab's host key checked,
# docker on the PATH of a session, the lab's engine behind /var/run/docker.sock.
ssh_check() {
  ssh -F none -i "$RUNNER_DIR/$KEY_NAME" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=5 \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$RUNNER_DIR/known_hosts" -o HostKeyAlias="$LAB_NAME" \
    -p "$SSH_PORT" root@127.0.0.1 docker info --format '{{.Name}}' 2>"$LAB/ssh-check.err"
}

# The host's engine, even with the lab exported as DOCKER_HOST.
host_docker() {
  local host="${DOCKER_HOST:-}"
  [[ $host == "unix://$LAB/"* || $host == "ssh://$LAB_NAME"* ]] && host=""
  DOCKER_HOST="$host" docker "$@"
}

# images_up: the images a deploy on the lab needs (it has no registry), when
# the lab lacks them or has another build of them.
images_up() {
  local image id
  for image in "$BG_TRAEFIK_IMAGE" "$BG_SAMPLE_IMAGE"; do
    id=$(host_docker image inspect --format '{{.Id}}' "$image" 2>/dev/null) ||
      die "$image is not in the host's engine: run bash scripts/setup.sh first"
    [[ $(lab_docker image inspect --format '{{.Id}}' "$image" 2>/dev/null) == "$id" ]] || push "$image" >/dev/null
  done
}

print_env() {
  # Resolved by the ssh config in BG_LAB_SSH_DIR once copied to ~/.ssh.
  say "export DOCKER_HOST=ssh://$LAB_NAME"
  say "export BG_LAB_SSH_DIR=$RUNNER_DIR"
  say "export BG_LAB_ENTRYPOINT=http://127.0.0.1:$HTTP_PORT"
  # Not over ssh: for tests that set up or inspect the lab directly.
  say "export BG_LAB_DOCKER_SOCKET=$SOCK"
}

up() {
  [[ $(id -u) == 0 ]] || die "the lab needs root (namespaces)"
  local started; started=$(now_ms)
  ensure_sshd
  mkdir -p "$LAB"; chmod 755 "$LAB"
  network_up
  dockerd_up
  keys_up
  sshd_up
  forward_up
  local name; name=$(ssh_check) && [[ $name == "$LAB_NAME" ]] ||
    { cat "$LAB/ssh-check.err" >&2; die "ssh to the lab did not reach its engine (got '${name:-}'; sshd log: $SSH_DIR/sshd.log)"; }
  images_up
  local elapsed_ms=$(( $(now_ms) - started ))
  say "remote lab up in $((elapsed_ms / 1000)).$(((elapsed_ms % 1000) / 100))s: $LAB_NAME (engine $(lab_docker version --format '{{.Server.Version}}')) at ssh://root@127.0.0.1:$SSH_PORT, entrypoint 127.0.0.1:$HTTP_PORT" >&2
  print_env
}

push() {
  local image="${1:?usage: remote-lab.sh push IMAGE}"
  lab_up || die "the remote lab is not up: bash scripts/remote-lab.sh up"
  host_docker image inspect "$image" >/dev/null 2>&1 || die "$image is not in the host's engine"
  host_docker save "$image" | lab_docker load >/dev/null
  say "$image"
}

down() {
  local pid
  if pid=$(forward_pid); then stop forwarder "$pid"; fi
  if pid=$(sshd_pid); then stop sshd "$pid"; fi
  # dockerd stops the lab's containers as it goes (--shutdown-timeout 5).
  if pid=$(dockerd_pid); then stop dockerd "$pid"; fi
  end_lab_processes
  rm -f "$LAB/forward.pid" "$LAB/sshd.pid" "$LAB/dockerd.pid"
  ip link del "$VETH" 2>/dev/null || true
  ip netns del "$NETNS" 2>/dev/null || true
  ip link del "$BRIDGE" 2>/dev/null || true
  iptables -D "${FORWARD_RULE[@]}" 2>/dev/null || true
  iptables -D "${OUTSIDE_RULE[@]}" 2>/dev/null || true
  # The lab's mounts are in its own namespace, gone with its processes;
  # anything mounted under the lab dir from the host is unmounted too.
  grep -o " $LAB/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$LAB"
  say "remote lab removed"
}

# restart_engine: the lab's dockerd stopped (its containers with it, as a
# host's shutdown stops them) and started again: what restart policies bring
# back is what runs.
restart_engine() {
  local pid started; started=$(now_ms)
  pid=$(dockerd_pid) || die "the lab's dockerd is not running: bash scripts/remote-lab.sh up"
  stop dockerd "$pid"
  rm -f "$LAB/dockerd.pid"
  dockerd_up
  # The lab's sshd lives in its engine's namespaces: started again with it, as a host's own sshd is at boot.
  sshd_up
  forward_up
  say "the lab's engine restarted in $(( ($(now_ms) - started) / 1000 )).$(( (($(now_ms) - started) % 1000) / 100 ))s"
}

case "${1:-}" in
  up) up ;;
  env) print_env ;;
  push) push "${2:-}" ;;
  restart-engine) restart_engine ;;
  down) down ;;
  *) die "usage: remote-lab.sh up|env|push IMAGE|restart-engine|down" ;;
esac
