#!/usr/bin/env bash
# The deploy script of the article "How to do Zero Downtime Deployments of Docker
# Containers", section "How to Setup 2 Containers Side By Side", as the
# article wrote it, so that the benchmark runs what its readers run. The
# article's own summary of the steps:
#   1. "We run an if-statement that checks if any blue containers are
#      running. Based on if blue containers exist or not, we set the $ENV and
#      $OLD environment variables accordingly."
#   2. "We start the new container."            docker-compose --project-name=$ENV up -d
#   3. "We wait a fixed amount of time to allow our new container to
#      bootstrap properly."                      sleep 5s
#   4. "We stop our old container."             docker-compose --project-name=$OLD stop
# Changes, none to the method: Compose v1's `docker-compose` is v2's `docker
# compose`; the project names carry a prefix, $SEED_PREFIX (empty: the
# article's own blue and green), because `docker ps -f name=blue` matches any
# running container with "blue" in its name, bluegreen's own included.
# The compose file is the working directory's (scripts/bench/compose-files.ts:
# the article's Traefik labels in their v3 form); it reads RELEASE.

if [ $(docker ps -f name=${SEED_PREFIX:-}blue -q) ]
then
  ENV="green"
  OLD="blue"
else
  ENV="blue"
  OLD="green"
fi

echo "Starting "$ENV" container"
docker compose --project-name=${SEED_PREFIX:-}$ENV up -d

echo "Waiting..."
sleep 5s

echo "Stopping "$OLD" container"
docker compose --project-name=${SEED_PREFIX:-}$OLD stop
