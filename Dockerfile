# The bluegreen CLI as an image: Node 20, the docker CLI with its compose
# plugin (bluegreen runs `docker compose ...` and `docker stack ...`) and the
# OpenSSH client (for DOCKER_HOST=ssh://...). From a checkout:
#
#   npm pack                      # bluegreen-<version>.tgz, built by prepack
#   docker build -t bluegreen .   # only that tarball is read from the context
#
# Keep one bluegreen-*.tgz beside this file. Then, in the directory of the
# app's compose file (mounted at the same path: the engine resolves the
# compose file's bind mounts as host paths):
#
#   docker run --rm -v /var/run/docker.sock:/var/run/docker.sock \
#     -v "$PWD:$PWD" -w "$PWD" bluegreen deploy
#
# (with --network host when Traefik's API or entrypoint is on the host's
# loopback, as the project's own Traefik's are).
#
# The bases are build arguments. Where no registry answers,
# scripts/image.sh builds local stand-ins for them from the host's own
# node, ssh, docker and compose binaries and passes them here; nothing
# below may then need apt (see the ssh step).
ARG NODE_BASE=node:20-bookworm-slim
ARG DOCKER_TOOLS=docker:27-cli

# Only two binaries are taken from it (static in the official image), at the
# paths it installs them.
FROM ${DOCKER_TOOLS} AS docker-tools

# The npm package, unpacked: it has no runtime dependencies, so its files
# are what `npm install -g` would install. ADD unpacks a local tarball;
# npm's tarballs hold everything under package/.
FROM scratch AS package
ADD bluegreen-*.tgz /

FROM ${NODE_BASE}
# openssh-client unless the base has ssh already (scripts/image.sh's
# stand-in carries the host's, and has no apt).
RUN if ! command -v ssh >/dev/null 2>&1; then \
      apt-get update \
      && apt-get install -y --no-install-recommends openssh-client \
      && rm -rf /var/lib/apt/lists/*; \
    fi
COPY --from=docker-tools /usr/local/bin/docker /usr/local/bin/docker
COPY --from=docker-tools /usr/local/libexec/docker/cli-plugins/docker-compose /usr/local/libexec/docker/cli-plugins/docker-compose
# Where `npm install -g` puts it in the node image (prefix /usr/local), with
# the same links: `bluegreen`, and `docker bg` as a CLI plugin. The last
# command writes the V8 code cache of the bundle (src/boot/run-bundle.ts)
# into the image: a `docker run --rm` would otherwise compile the whole
# bundle every time and throw its cache away.
COPY --from=package /package /usr/local/lib/node_modules/bluegreen
RUN ln -s ../lib/node_modules/bluegreen/dist/cli.cjs /usr/local/bin/bluegreen \
    && ln -s ../../../lib/node_modules/bluegreen/dist/docker-plugin.cjs /usr/local/libexec/docker/cli-plugins/docker-bg \
    && docker compose version \
    && ssh -V \
    && bluegreen --version
LABEL org.opencontainers.image.title="bluegreen" \
      org.opencontainers.image.description="Zero-downtime blue-green deployments of docker compose services behind Traefik"
ENTRYPOINT ["bluegreen"]
CMD ["--help"]
