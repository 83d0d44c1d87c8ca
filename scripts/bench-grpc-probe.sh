#!/usr/bin/env bash
# bench:probe: how often the kubelet's kind of liveness probe fails under heavy
# load. For each round and strategy (alternating), it starts one server process
# (WORKERS=1, as a pod runs it) on a loopback port, runs `loopstall load`
# (connect-proto, heavy concurrency 2, 20 s of heavy load), and meanwhile calls
# grpc-health-probe (grpc-go, a new connection per call, as the kubelet's
# native gRPC probe) once a second with 1 s connect and RPC timeouts, the
# Deployment's timeoutSeconds. Prints passed/failed per run. Compare with
# `loopstall plan`'s "% of probes fail". Needs dist/ (npm run build) and
# grpc-health-probe (bash scripts/install-grpc-health-probe.sh).
# Usage: npm run bench:probe [-- ROUNDS [STRATEGY...]]   (default: 2 inline offload)
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-2}"
shift || true
strategies=("$@")
[ "${#strategies[@]}" -gt 0 ] || strategies=(inline offload)
probe="$(command -v grpc-health-probe || echo "$(go env GOPATH 2>/dev/null)/bin/grpc-health-probe")"
[ -x "$probe" ] || { echo "bench:probe: grpc-health-probe missing; run bash scripts/install-grpc-health-probe.sh" >&2; exit 1; }
[ -f dist/server/main.js ] || { echo "bench:probe: dist/ missing; run npm run build" >&2; exit 1; }

echo "bench:probe: node $(node --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
server_pid=""
trap '[ -z "$server_pid" ] || kill -TERM "$server_pid" 2>/dev/null || true' EXIT
for round in $(seq 1 "$rounds"); do
  for strategy in "${strategies[@]}"; do
    port="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
    node dist/server/main.js --port "$port" --strategy "$strategy" >/dev/null 2>&1 &
    server_pid=$!
    for _ in $(seq 1 60); do
      curl -sf "http://127.0.0.1:${port}/.well-known/live" >/dev/null && break
      sleep 0.5
    done
    node bin/loopstall.js load --url "http://127.0.0.1:${port}" --strategy "$strategy" \
      --baseline 3 --heavy 20 --recovery 3 >/dev/null 2>&1 &
    load_pid=$!
    sleep 4 # past the baseline, into the heavy phase
    ok=0
    failed=0
    for _ in $(seq 1 18); do
      start=$(date +%s%N)
      if "$probe" -addr="127.0.0.1:${port}" -connect-timeout=1s -rpc-timeout=1s >/dev/null 2>&1; then
        ok=$((ok + 1))
      else
        failed=$((failed + 1))
      fi
      left=$((1000000000 - ($(date +%s%N) - start)))
      [ "$left" -le 0 ] || sleep "$(printf '0.%09d' "$left")"
    done
    wait "$load_pid" || true
    kill -TERM "$server_pid"
    wait "$server_pid" || true
    server_pid=""
    echo "round ${round} ${strategy}: grpc-health-probe during heavy load: ${ok} passed, ${failed} failed"
  done
done
