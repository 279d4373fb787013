# streamlab: one image for `serve` (compose service "server"), `drive` ("driver") and
# `fleet` ("fleet", profile fleet).
# Node 24 runs the TypeScript sources directly (type stripping), so there is no build step:
# production dependencies only, the sources, and a non-root user.
#
#   docker build -t streamlab:local .
#   docker run --rm -p 50051:50051 -p 9464:9464 streamlab:local
#
# NODE_VERSION matches the Node runtime the project pins in package.json (npm package "node").
ARG NODE_VERSION=24.9.0
FROM node:${NODE_VERSION}-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false

WORKDIR /app
RUN chown node:node /app
# The image's unprivileged "node" user (uid 1000) owns and runs everything below.
USER node

# Dependencies first, so source edits reuse this layer. proto/ is needed here because the
# "prepare" script (run by npm ci) generates src/generated from it.
COPY --chown=node:node package.json package-lock.json ./
COPY --chown=node:node proto ./proto
RUN npm ci --omit=dev && npm cache clean --force

# nats-server (a static Go binary, the version compose's bus runs) for the bus scenarios
# (`streamlab run bus-restart bus-leader-loss`, `drive --scenarios all`), which start their own.
COPY --from=nats:2.15.2-alpine /usr/local/bin/nats-server /usr/local/bin/nats-server

COPY --chown=node:node tsconfig.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node src ./src

# gRPC, and /metrics of serve (9464) or drive (9465); fleet: its control API (7080) and its
# servers' gRPC slots (7071-7075).
EXPOSE 50051 9464 9465 7080 7071-7075

# Healthy once /healthz (served next to /metrics) answers. The driver's compose service points it at :9465.
ENV STREAMLAB_HEALTHCHECK_URL=http://127.0.0.1:9464/healthz
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.STREAMLAB_HEALTHCHECK_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "--import", "./src/instrumentation.ts", "src/main.ts", "serve", "--port", "50051", "--metrics-port", "9464"]
