# loopstall's service image: `docker build -t loopstall .` then
# `docker run --rm -p 8080:8080 loopstall` (STRATEGY=offload etc. as env).
# Two stages: the build stage compiles src/ to dist/ with the dev tools
# (`npm ci` runs `npm run build` through `prepare`); the runtime stage has
# the production dependencies and dist/ only, and runs compiled JavaScript.

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Dev dependencies included: tsc builds dist/ in `prepare`.
RUN npm ci --no-audit --no-fund

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production \
    # Listen on every interface: 127.0.0.1, the default, is unreachable from outside the container.
    HOST=0.0.0.0 \
    PORT=8080 \
    # One process per container; scale with replicas (deploy/kubernetes/README.md says why).
    WORKERS=1
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build, and the build is already done.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The node image's unprivileged user `node`, numeric so a runtime (Kubernetes'
# runAsNonRoot) can check it is not root; nothing under /app is writable by it.
USER 1000:1000
EXPOSE 8080
# No curl in the slim image: Node's own fetch asks the cheap probe.
HEALTHCHECK --interval=10s --timeout=2s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/.well-known/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself (no shell in between), and
# the server's handler drains in-flight requests (--shutdown-timeout-ms) and
# exits 0. With WORKERS=1 it forks no processes, so there are no zombies to
# reap; `docker run --init` adds tini if you raise WORKERS.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
