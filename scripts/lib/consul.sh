# Consul for the tests: reuse CONSUL_HTTP_ADDR when set, else the consul on
# PATH, else Debian 11's package. Sourced, not run.

BG_CONSUL_PORT="${BG_CONSUL_PORT:-8500}"
BG_CONSUL_LOG="$BG_RUN_DIR/consul.log"
BG_CONSUL_PID="$BG_RUN_DIR/consul.pid"

ensure_consul_binary() {
  if [[ -n ${CONSUL_HTTP_ADDR:-} ]]; then
    say "    using the agent at CONSUL_HTTP_ADDR=$CONSUL_HTTP_ADDR"
    return
  fi
  if ! command -v consul >/dev/null; then
    is_debian_root || die "consul is not installed: install Consul 1.8+ or set CONSUL_HTTP_ADDR"
    apt_install consul/bullseye
  fi
  say "    $(consul version | head -1)"
}

consul_answers() { curl -fsS "http://127.0.0.1:$BG_CONSUL_PORT/v1/status/leader" | grep -q ':'; }

# A dev agent (in memory, single node) on loopback only.
start_consul_dev() {
  if consul_answers; then
    say "    a Consul agent already answers on 127.0.0.1:$BG_CONSUL_PORT"
    return
  fi
  say "    starting consul agent -dev on 127.0.0.1:$BG_CONSUL_PORT, log: $BG_CONSUL_LOG"
  setsid consul agent -dev -bind 127.0.0.1 -client 127.0.0.1 \
    -hcl "ports { http = $BG_CONSUL_PORT, dns = -1, grpc = -1 }" >"$BG_CONSUL_LOG" 2>&1 < /dev/null &
  echo $! >"$BG_CONSUL_PID"
  wait_until 30 "Consul's leader" consul_answers || { tail -20 "$BG_CONSUL_LOG" >&2; die "consul did not elect a leader within 30s"; }
}

stop_consul_dev() { stop_pid consul "$BG_CONSUL_PID"; }
