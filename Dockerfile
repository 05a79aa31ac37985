# syntax=docker/dockerfile:1
# One image definition for every deployed app (agent, wallet, cli), chosen with the APP build
# argument. Build from the repository root (the app needs the whole npm workspace):
#   docker build --build-arg APP=agent  -t secret-flows/agent:0.1.0  .
#   docker build --build-arg APP=wallet -t secret-flows/wallet:0.1.0 .
#   docker build --build-arg APP=cli    -t secret-flows/cli:0.1.0    .
# .dockerignore keeps node_modules, build output and local state out of the context.
# .github/workflows/images.yml builds, tags and pushes all three.
#
# Runtime contract (deploy/k8s): uid 10001, read-only root filesystem (nothing is written
# outside the /tmp emptyDir), production dependencies only. The base is Node.js 22 (LTS),
# pinned to a patch release; Node 20 reached end of life on 2026-04-30.

ARG NODE_IMAGE=node:22.22.0-bookworm-slim

# 1. Only the package manifests, so the npm ci layers below stay cached until one changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /out \
 && cp package.json package-lock.json /out/ \
 && find apps libs -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} /out/ \;

# 2. Full install and a TypeScript build of the app and the workspace projects it references.
FROM ${NODE_IMAGE} AS build
ARG APP
WORKDIR /repo
COPY --from=manifests /out/ ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN test -n "${APP}" && test -f "apps/${APP}/src/main.ts" \
 && npx tsc -b "apps/${APP}/tsconfig.app.json" \
 && mkdir -p /out \
 && for dir in libs/* apps/*; do \
      if [ -d "$dir/dist" ]; then mkdir -p "/out/$dir" && cp -R "$dir/package.json" "$dir/dist" "/out/$dir/"; fi; \
    done \
 && find /out -name '*.tsbuildinfo' -delete

# 3. Production dependencies only (tslib, which the compiled code requires, is one of them).
# All third-party packages are root dependencies of the workspace; the workspace packages are
# symlinks into apps/ and libs/, filled by stage 2.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /repo
COPY --from=manifests /out/ ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# 4. Runtime: compiled JavaScript, package.json files and production node_modules, owned by
# root, so the app's user (uid 10001) can read but never modify its own code.
FROM ${NODE_IMAGE}
ARG APP
LABEL org.opencontainers.image.title="secret-flows/${APP}"
WORKDIR /app
COPY --from=prod-deps /repo/package.json ./package.json
COPY --from=prod-deps /repo/node_modules ./node_modules
COPY --from=build /out/ ./
# The cli's bootstrap reads its spec and policies from deploy/vault (the files vault-dev uses).
COPY --from=build /repo/deploy/vault ./deploy/vault
COPY --from=build /repo/deploy/image/start.cjs ./deploy/image/start.cjs
# The services listen on all interfaces; PORT defaults to each service's own (agent 8085,
# wallet 8086) and the manifests set it explicitly.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    SECRET_FLOWS_APP=${APP}
USER 10001:10001
# start.cjs loads apps/${SECRET_FLOWS_APP}/dist/main.js; arguments pass through (the bootstrap
# Job's args: ["bootstrap", "--phase", "4", ...]).
ENTRYPOINT ["node", "/app/deploy/image/start.cjs"]
