#!/usr/bin/env bash
# No container engine here, so this plays the Dockerfile's runtime stage on
# the host: the same files (package.json, the lock, dist/, bin/) in an empty
# directory, `npm ci --omit=dev --ignore-scripts` as the Dockerfile runs it,
# the stage's environment, its CMD. It checks that production dependencies
# alone run the server (an offloaded response, the HEALTHCHECK command,
# `loopstall --version`) and that SIGTERM drains and exits 0. It does not
# check the base image, the user or the layers: only a real build does.
# Needs dist/ (npm run build) and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

cp package.json package-lock.json "$dir/"
cp -r dist bin "$dir/"
(cd "$dir" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
[ ! -e "$dir/node_modules/tsx" ] || { echo "image-smoke: dev dependencies were installed" >&2; exit 1; }

port="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
# The runtime stage's ENV, with a free port.
(cd "$dir" && exec env -i PATH="$PATH" NODE_ENV=production HOST=0.0.0.0 PORT="$port" WORKERS=1 \
  node dist/server/main.js) >"$dir/server.log" 2>&1 &
server_pid=$!

healthcheck='fetch(`http://127.0.0.1:${process.env.PORT}/.well-known/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))'
grep -qF "$healthcheck" Dockerfile || { echo "image-smoke: the Dockerfile's HEALTHCHECK changed; update this script" >&2; exit 1; }
for _ in $(seq 1 60); do
  if PORT="$port" node -e "$healthcheck"; then break; fi
  sleep 0.5
done
PORT="$port" node -e "$healthcheck" || { cat "$dir/server.log" >&2; echo "image-smoke: HEALTHCHECK failed" >&2; exit 1; }

status="$(curl -s -o /dev/null -w '%{http_code}' -H 'loopstall-strategy: offload' "http://127.0.0.1:${port}/v1/clients?count=2")"
[ "$status" = 200 ] || { echo "image-smoke: offloaded REST call answered $status" >&2; exit 1; }
(cd "$dir" && node bin/loopstall.js --version) >/dev/null

kill -TERM "$server_pid"
code=0
wait "$server_pid" || code=$?
server_pid=""
grep -q "SIGTERM, draining" "$dir/server.log" || { cat "$dir/server.log" >&2; echo "image-smoke: no drain on SIGTERM" >&2; exit 1; }
[ "$code" = 0 ] || { cat "$dir/server.log" >&2; echo "image-smoke: exit $code after SIGTERM" >&2; exit 1; }
echo "image-smoke: production dependencies run the server; HEALTHCHECK ok; SIGTERM drained, exit 0"
