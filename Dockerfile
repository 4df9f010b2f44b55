# Weir image: one image for every process (scheduler, worker, web, migrate, standalone).
# docker-compose.yml picks the process with `command:`; `docker run` without a command starts
# `weir standalone`.
#
#   docker build -t weir:local .

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
# NPM_CONFIG_YES=false: `npx weir …` must run the workspace bin, never download a registry package
# that happens to be called "weir" (npx installs missing packages without asking when there is
# no TTY).
ENV NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_YES=false
WORKDIR /app

# ---------------------------------------------------------------------------------------------
# Only the package manifests, so the `npm ci` layer below is reused until a manifest or the
# lockfile changes (BuildKit compares the copied files by content).
FROM base AS manifests
COPY . /src
RUN cd /src \
 && find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -depth -type d -empty -delete

# ---------------------------------------------------------------------------------------------
FROM base AS deps
COPY --from=manifests /src/ ./
# --ignore-scripts: the machines Weir is developed and tested on (npm 11) skip install scripts,
# and nothing in Weir may depend on a postinstall (Prisma's engine download, among others).
RUN npm ci --ignore-scripts

# ---------------------------------------------------------------------------------------------
FROM deps AS build
COPY . .
# `npm ci` above saw only manifests, so it skipped linking workspace bins whose files were not
# there yet (node_modules/.bin/weir); `npm rebuild --ignore-scripts` links them now.
# Then the Prisma client (packages/db/src/generated) and the Next.js build (apps/web/.next).
RUN npm rebuild --ignore-scripts \
 && npx weir db generate \
 && npm run build --workspace @weir/web \
 && rm -rf apps/web/.next/cache \
 && mkdir -p .weir

# ---------------------------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    WEIR_DAGS_FOLDER=/app/dags
# The workspace packages are TypeScript run through tsx, so the runtime keeps the sources and
# the full node_modules. Owned by the unprivileged `node` user (uid 1000, part of the base
# image) so Weir and Next.js can write their state and caches under /app (WEIR_HOME is
# /app/.weir; a volume mounted there starts out owned by `node`).
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
CMD ["npx", "weir", "standalone"]
