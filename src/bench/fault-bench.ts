/**
 * `npm run bench:faults`: measures issue 8's targets against the compiled
 * server of a checkout (default: this one; `--root <dir>` for another, such
 * as the base commit, to get "before" figures):
 * 1. abandoned flood: 24 HTTP/1.1 connections and 16 HTTP/2 streams of the
 *    largest allowed request (count=200000) leave after 2 s; the time until
 *    Live answers and the server's peak RSS (VmHWM).
 * 2. two `pm2 reload`s under concurrency-8 load with every third call a
 *    15 MB Connect JSON ListClients; the failed count.
 * Everything targets 127.0.0.1 and is bounded in time and count.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { abandonedFlood, processMemory, timeUntilLive } from "../faults/abandoned-flood.js";
import { startHeavyMixLoad } from "../faults/heavy-mix-load.js";

const run = promisify(execFile);
const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
};
const root = resolve(flag("--root", resolve(import.meta.dirname, "../..")));
const liveLimitMs = Number(flag("--live-limit-ms", "120000"));
const only = flag("--only", "all");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function floodBench(): Promise<void> {
  const child = spawn(process.execPath, [join(root, "dist/server/main.js"), "--port", "0"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    let url = "";
    for await (const line of createInterface({ input: child.stdout })) {
      const match = /serving on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) {
        url = match[1];
        break;
      }
    }
    child.stdout.resume();
    const pid = child.pid as number;
    let peak = 0;
    const sampler = setInterval(() => {
      processMemory(pid).then(
        (m) => (peak = Math.max(peak, m.peak)),
        () => {},
      );
    }, 200);
    await abandonedFlood({
      url,
      http1Connections: 24,
      http2Streams: 16,
      count: 200_000,
      leaveAfterMs: 2_000,
    });
    const liveMs = await timeUntilLive(url, liveLimitMs);
    await new Promise((r) => setTimeout(r, 2_000));
    clearInterval(sampler);
    const end = await processMemory(pid).catch(() => ({ rss: 0, peak }));
    peak = Math.max(peak, end.peak);
    console.log(
      `abandoned flood (24 HTTP/1.1 + 16 HTTP/2 streams, count=200000, left after 2 s): Live answered after ${
        liveMs === undefined
          ? `more than ${liveLimitMs / 1000} s (gave up)`
          : `${(liveMs / 1000).toFixed(1)} s`
      }; peak RSS ${(peak / 2 ** 30).toFixed(2)} GiB; RSS 2 s later ${(end.rss / 2 ** 30).toFixed(2)} GiB`,
    );
  } finally {
    child.kill("SIGKILL");
  }
}

async function reloadBench(): Promise<void> {
  const pm2Home = await mkdtemp(join(tmpdir(), "loopstall-bench-pm2-"));
  const port = await freePort();
  const app = `loopstall-bench-${process.pid}`;
  const env = {
    ...process.env,
    PM2_HOME: pm2Home,
    PM2_APP_NAME: app,
    PM2_INSTANCES: "2",
    PORT: String(port),
    HOST: "127.0.0.1",
  };
  const pm2 = (...args: string[]) =>
    run(join(resolve(import.meta.dirname, "../.."), "node_modules/.bin/pm2"), args, {
      cwd: root,
      env,
      timeout: 90_000,
    });
  try {
    await pm2("start", "ecosystem.config.js");
    const url = `http://127.0.0.1:${port}`;
    if ((await timeUntilLive(url, 30_000)) === undefined)
      throw new Error("PM2 workers never served");
    const load = startHeavyMixLoad({ baseUrl: url, concurrency: 8 });
    await new Promise((r) => setTimeout(r, 3_000));
    for (let i = 0; i < 2; i++) {
      await pm2("reload", app);
      await new Promise((r) => setTimeout(r, 3_000));
    }
    const result = await load.stop();
    console.log(
      `two pm2 reloads under c=8 (every 3rd call a 15 MB Connect JSON ListClients): ${result.failed} failed (${result.failedHeavy} heavy), ${result.ok} ok (${result.okHeavy} heavy), ${result.refused} refused`,
    );
    for (const error of result.errors) console.log(`  ${error}`);
  } finally {
    await pm2("kill").catch(() => {});
    await rm(pm2Home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { stdout: commit } = await run("git", ["-C", root, "rev-parse", "--short", "HEAD"]).catch(
    () => ({ stdout: "?" }),
  );
  console.log(
    `bench:faults: node ${process.version}, ${availableParallelism()} cores, server ${root} @ ${commit.trim()} on default settings`,
  );
  if (only === "all" || only === "flood") await floodBench();
  if (only === "all" || only === "reload") await reloadBench();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
