# Node dependencies and the build. Sourced, not run.

ensure_node_build() {
  command -v node >/dev/null || die "Node.js 20+ is needed (https://nodejs.org)"
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  (( major >= 20 )) || die "Node.js $(node --version) is too old: bluegreen needs 20+"
  local lock_hash; lock_hash=$(sha256sum "$BG_ROOT/package-lock.json" | cut -c1-16)
  local marker="$BG_ROOT/node_modules/.bluegreen-lock-hash"
  if [[ -f $marker && $(cat "$marker") == "$lock_hash" ]]; then
    say "    node_modules matches package-lock.json"
  else
    (cd "$BG_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    echo "$lock_hash" >"$marker"
  fi
  (cd "$BG_ROOT" && npm run -s build) || die "npm run build failed"
  say "    node $(node --version); bluegreen $(node "$BG_ROOT/dist/cli.cjs" --version)"
}

# `bluegreen` and `docker-bg` on the PATH, linked to this checkout's build
# (npm link: a global link, not a copy), and `docker bg` for this user.
link_cli() {
  (cd "$BG_ROOT" && npm link --no-audit --no-fund --loglevel=error >/dev/null) || die "npm link failed"
  say "    $(command -v bluegreen) -> $BG_ROOT/dist/cli.cjs"
  say "    $(bluegreen plugin install)"
}
