# loopcast container image (app.md §13.3). Build: docker build -t loopcast .
# Run:   docker run -p 5000:5000 -p 3689:3689 -v loopcast-data:/data loopcast
# Two stages on the same Node major as package.json's engines: install and build, then a runtime
# with production dependencies only, the built web app and server bundle, and Debian's ffmpeg.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source against Node's own headers (stack.md §1.2).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY . .
# npm ci runs the prepare script, which is npm run build (web app + server bundle).
RUN npm ci && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
ENV LOOPCAST_DATA=/data \
    LOOPCAST_HOST=0.0.0.0 \
    LOOPCAST_PORT=5000
VOLUME ["/data"]
EXPOSE 5000 3689
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD node -e "fetch('http://127.0.0.1:5000/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "packages/server/bin/loopcast.js", "serve"]
