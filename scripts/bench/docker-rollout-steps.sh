#!/usr/bin/env bash
# docker-rollout's method (https://github.com/wowu/docker-rollout, `docker
# rollout SERVICE`), written here from its script's steps and defaults so that
# the benchmark runs what its users run, on the same app under the same load:
#   1. the service's running containers are the old ones (N of them)
#   2. `docker compose up --detach --scale SERVICE=2N --no-recreate SERVICE`
#   3. when the old containers have a healthcheck: every second, up to
#      --timeout (default 60) seconds, count the new containers whose health
#      is healthy; all N healthy goes on, else the new ones are stopped and
#      removed (exit 1). Without a healthcheck: sleep --wait (default 10) s.
#   4. sleep --wait-after-healthy (default 0) seconds
#   5. `docker stop` then `docker rm` each old container
# Its later, opt-in additions (a pre-stop hook, a drain file) are off by
# default and not used. Compose reads the working directory's compose file
# (scripts/bench/compose-files.ts: the sample with static Traefik labels);
# the project is COMPOSE_PROJECT_NAME.
set -euo pipefail

SERVICE="$1"
HEALTHCHECK_TIMEOUT=60
NO_HEALTHCHECK_TIMEOUT=10
WAIT_AFTER_HEALTHY_DELAY=0

old_ids=$(docker compose ps --quiet "$SERVICE")
if [ -z "$old_ids" ]; then
  echo "==> $SERVICE is not running: starting it"
  docker compose up --detach --no-recreate "$SERVICE"
  exit 0
fi
count=$(echo "$old_ids" | wc -l)

echo "==> Scaling $SERVICE to $((count * 2)) instances"
docker compose up --detach --scale "$SERVICE=$((count * 2))" --no-recreate "$SERVICE"
new_ids=$(docker compose ps --quiet "$SERVICE" | grep --invert-match --fixed-strings --line-regexp --file <(echo "$old_ids") || true)

healthy_count() {
  local healthy=0
  for id in $new_ids; do
    if [ "$(docker inspect --format '{{.State.Health.Status}}' "$id")" = healthy ]; then healthy=$((healthy + 1)); fi
  done
  echo "$healthy"
}

first_old=$(echo "$old_ids" | head -n 1)
if docker inspect --format '{{json .State.Health}}' "$first_old" | grep --quiet Status; then
  echo "==> Waiting for new containers to be healthy (timeout: $HEALTHCHECK_TIMEOUT seconds)"
  for _ in $(seq 1 "$HEALTHCHECK_TIMEOUT"); do
    [ "$(healthy_count)" = "$count" ] && break
    sleep 1
  done
  if [ "$(healthy_count)" != "$count" ]; then
    echo "==> New containers are not healthy. Rolling back." >&2
    for id in $new_ids; do docker stop "$id"; docker rm "$id"; done
    exit 1
  fi
else
  echo "==> Waiting for new containers to be ready ($NO_HEALTHCHECK_TIMEOUT seconds)"
  sleep "$NO_HEALTHCHECK_TIMEOUT"
fi
sleep "$WAIT_AFTER_HEALTHY_DELAY"

echo "==> Stopping old containers"
for id in $old_ids; do
  docker stop "$id"
  docker rm "$id"
done
