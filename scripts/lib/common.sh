# Shared by the scripts: where things live, how a step is printed and timed.
# Sourced, not run.

BG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Logs and pid files of what the scripts start: known places, per checkout.
BG_RUN_DIR="${BG_RUN_DIR:-$BG_ROOT/.run}"
BG_CACHE_DIR="${BG_CACHE_DIR:-$BG_ROOT/.cache}"
mkdir -p "$BG_RUN_DIR" "$BG_CACHE_DIR"

BG_STEP_SUMMARY=()

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

now_ms() { date +%s%3N; }

# step "title" command args...: runs one step, prints its duration, and keeps
# it for the summary that print_step_summary prints at the end.
step() {
  local title="$1"; shift
  local started; started=$(now_ms)
  say "==> $title"
  "$@"
  local elapsed_ms=$(( $(now_ms) - started ))
  local elapsed; elapsed=$(printf '%d.%01d' $((elapsed_ms / 1000)) $(((elapsed_ms % 1000) / 100)))
  say "    done in ${elapsed}s"
  BG_STEP_SUMMARY+=("$(printf '%-34s %6ss' "$title" "$elapsed")")
}

print_step_summary() {
  say "--- setup steps"
  local line
  for line in "${BG_STEP_SUMMARY[@]}"; do say "    $line"; done
}

# wait_until SECONDS DESCRIPTION command args...: polls until the command
# succeeds; fails with the description when the bound is reached.
wait_until() {
  local bound="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + bound ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then
      say "    gave up after ${bound}s waiting for $what" >&2
      return 1
    fi
    sleep 0.2
  done
}

is_debian_root() { [[ -f /etc/debian_version && $(id -u) -eq 0 ]]; }

# pid_alive FILE: the process whose pid FILE holds is still running.
pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pid NAME FILE: ends a process this project started, by its recorded
# pid, and waits for it to exit (bounded) so the next start finds it gone.
stop_pid() {
  local name="$1" file="$2"
  if ! pid_alive "$file"; then rm -f "$file"; return 0; fi
  local pid; pid=$(cat "$file")
  say "    stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    say "    $name did not exit in 30s, killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}
