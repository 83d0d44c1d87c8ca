/**
 * PM2 cluster mode for the loopstall server: `npx pm2 start ecosystem.config.js`.
 *
 * PM2 loads this file with require(); the package is ESM, so the apps are a
 * named export (Node >= 20.19 can require() an ES module). The workers run
 * the compiled server in dist/ (`npm ci` builds it; `npm run build` after
 * editing src/), so no worker transpiles anything at start.
 *
 * Environment, read when PM2 loads this file:
 * - PM2_INSTANCES (or WORKERS): worker count, or "max". Default 2.
 * - PORT, HOST: passed through to the server (default 8080, 127.0.0.1).
 * - SHUTDOWN_TIMEOUT_MS: each worker's drain bound (default 10,000);
 *   kill_timeout is set 5 s above it so a drain is never cut by SIGKILL.
 */
const instancesEnv = process.env.PM2_INSTANCES ?? process.env.WORKERS ?? "2";
const shutdownTimeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);

export const apps = [
  {
    name: process.env.PM2_APP_NAME ?? "loopstall",
    script: "dist/server/main.js",
    cwd: import.meta.dirname,
    exec_mode: "cluster",
    instances: instancesEnv === "max" ? "max" : Number(instancesEnv),
    // Each worker calls process.send("ready") once it listens; a reload stops
    // the old worker only after that (or after listen_timeout).
    wait_ready: true,
    listen_timeout: 15_000,
    kill_timeout: shutdownTimeoutMs + 5_000,
    // A worker that crash-loops is given up after 10 quick restarts; one that
    // cannot listen (busy port, unknown host, no permission: exit code 78) is
    // a configuration error and is not restarted at all.
    max_restarts: 10,
    stop_exit_codes: [78],
    min_uptime: 5_000,
    exp_backoff_restart_delay: 100,
    env: {
      PORT: process.env.PORT ?? "8080",
      HOST: process.env.HOST ?? "127.0.0.1",
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      // The workers are PM2's; each must serve, not start a cluster of its own.
      WORKERS: "1",
    },
  },
];
