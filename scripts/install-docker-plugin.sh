#!/usr/bin/env bash
# Installs `docker bg` (the Docker CLI plugin) for the current user: a link
# in ~/.docker/cli-plugins to this checkout's dist/docker-plugin.js.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
plugin="$BG_ROOT/dist/docker-plugin.js"
[[ -f $plugin ]] || die "$plugin is missing: run npm run build first"
chmod +x "$plugin"
dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
mkdir -p "$dir"
ln -sfn "$plugin" "$dir/docker-bg"
say "    docker bg -> $plugin"
