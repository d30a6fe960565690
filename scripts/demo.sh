#!/usr/bin/env bash
# The main job, set-up included: engine, images, Traefik, then a real
# blue-green deploy of the sample app (release v1, then v2) on the embedded
# file store, and `bluegreen status`. Safe to run again: each run deploys the
# next release over what runs.
#   BG_HTTP_PORT (default 80) and BG_API_PORT (default 8080): Traefik's ports.
#   BG_HTTP_BIND (default here 127.0.0.1): where the entrypoint listens.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

export BG_HTTP_BIND="${BG_HTTP_BIND:-127.0.0.1}"
export BG_HTTP_PORT="${BG_HTTP_PORT:-80}"
export BG_API_PORT="${BG_API_PORT:-8080}"

bash "$BG_ROOT/scripts/setup.sh" --no-consul
ask() { curl -fsS -D - -o - -H 'Host: sample.localhost' "http://127.0.0.1:$BG_HTTP_PORT/" | grep -iE '^x-bluegreen-color|release' | tr -d '\r'; }

say "==> bluegreen proxy up"
bluegreen proxy up
cd "$BG_ROOT/compose"
for release in v1 v2; do
  say "==> RELEASE=$release bluegreen deploy"
  RELEASE=$release bluegreen deploy
  say "==> curl -H 'Host: sample.localhost' http://127.0.0.1:$BG_HTTP_PORT/"
  ask
done
say "==> bluegreen status"
bluegreen status
say "==> bluegreen history"
bluegreen history
