# rower's container image: the esbuild bundle on Node 24. Build and push your own:
#   docker build -t REGISTRY/rower:0.1.0 . && docker push REGISTRY/rower:0.1.0
# then set ROWER_IMAGE in deploy/rower.env (see docs/deploy.md).

# Build stage: the full toolchain, only to produce dist/.
FROM node:24.22.3-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tools/build.mjs tools/build.mjs
COPY tsconfig.json ./
COPY src src
RUN npm run build
# V8's code cache (src/cli/load-cached-script.ts), one per command, each made by a run of it
# under the entrypoint's flags: every start of the image deserializes rower's compiled code
# instead of compiling it. `run --once` applies the pod to a scratch directory of the build.
# Root owns the caches and the runtime user only reads them; the cache trusts a root-owned directory.
RUN printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: warm\nspec:\n  containers:\n  - name: c\n    image: busybox\n' > /src/warm.yaml \
  && CACHE_DIRECTORY=/src/dist/cache node --max-semi-space-size=1 dist/rower.cjs validate /src/warm.yaml \
  && CACHE_DIRECTORY=/src/dist/cache node --max-semi-space-size=1 dist/rower.cjs run --once --source file:/src/warm.yaml \
    --manifest-dir /src/warm/manifests --state-dir /src/warm/state --node-name warm --log-format json \
  && rm -r /src/warm /src/warm.yaml \
  && chmod -R u=rwX,go=rX dist/cache

# Runtime stage: Node, the built entry, bundle and worker, and the code cache, nothing else.
# They carry every dependency, so there is no node_modules and no package manager here.
FROM node:24.22.3-bookworm-slim
COPY --from=build /src/dist/rower.cjs /src/dist/cli.cjs /src/dist/pipeline-worker.mjs /app/
COPY --from=build /src/dist/cache /app/cache
ENV CACHE_DIRECTORY=/app/cache
# Non-root by default (the image's "node" user, uid 1000): enough for `rower validate`
# and `rower render`. The systemd units run it with --user 0:0 --cap-drop ALL because
# the kubelet's manifest directory is root-owned; see docs/deploy.md.
USER node
WORKDIR /app
# Node directly, no shell or /usr/bin/env: the same entrypoint works on distroless.
# 1 MiB semi-spaces: the daemon allocates little per change, and V8's default lets the young
# generation grow to 48 MiB of RSS it never gives back (npm run bench: RSS over edits).
ENTRYPOINT ["/usr/local/bin/node", "--max-semi-space-size=1", "/app/rower.cjs"]
CMD ["run"]
