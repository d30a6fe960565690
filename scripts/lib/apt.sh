# Debian packages from other suites, pinned low so nothing else is upgraded:
# Engine 26 and Compose v2 from trixie (bookworm's 20.10 cannot run
# healthcheck start_interval), Consul 1.8 from bullseye (the last suite that
# packages it). Sourced, not run.

BG_APT_SOURCES=/etc/apt/sources.list.d/bluegreen-extra.sources
BG_APT_PIN=/etc/apt/preferences.d/bluegreen-extra
BG_APT_UPDATED=""

ensure_extra_suites() {
  if [[ ! -f $BG_APT_SOURCES ]]; then
    say "    adding Debian trixie and bullseye to apt (pin priority 100)"
    cat >"$BG_APT_SOURCES" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie bullseye
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    cat >"$BG_APT_PIN" <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100

Package: *
Pin: release n=bullseye
Pin-Priority: 100
PIN
    BG_APT_UPDATED=""
  fi
}

apt_install() {
  ensure_extra_suites
  if [[ -z $BG_APT_UPDATED ]]; then
    apt-get update -q >"$BG_RUN_DIR/apt.log" 2>&1 || { tail -20 "$BG_RUN_DIR/apt.log"; die "apt-get update failed (log: $BG_RUN_DIR/apt.log)"; }
    BG_APT_UPDATED=1
  fi
  say "    apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$BG_RUN_DIR/apt.log" 2>&1 \
    || { tail -20 "$BG_RUN_DIR/apt.log"; die "apt-get install $* failed (log: $BG_RUN_DIR/apt.log)"; }
}
