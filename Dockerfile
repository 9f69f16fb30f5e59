# syntax=docker/dockerfile:1
# Patchbay's production image: `docker build -t patchbay .`
# The build stage compiles TypeScript to dist/; the runtime stage holds dist/, the production
# dependencies and nothing else (no compiler, no tsx, no sources, no config, no credentials).
# Configuration comes at run time: PATCHBAY_CONFIG names a mounted file whose ${VAR}s are filled
# from the environment (your secret store), PATCHBAY_DATABASE_URL names the PostgreSQL server.

ARG NODE_VERSION=22

# ---- build: every dependency, then `npm run build` (tsc, then the data files beside the code) ----
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY schema ./schema
COPY resolvers ./resolvers
RUN npm run build

# ---- deps: production dependencies only ----------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime ------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    PATCHBAY_DATA_DIR=/var/lib/patchbay
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# The embedded store's directory, for a single replica without PostgreSQL (mount a volume there).
RUN mkdir -p /var/lib/patchbay && chown node:node /var/lib/patchbay
# The node image's unprivileged user (uid 1000).
USER node
EXPOSE 4000
# /healthz: the process is up and serving. Readiness (/readyz: store reachable) is for the orchestrator.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/patchbay.mjs"]
CMD ["serve"]
