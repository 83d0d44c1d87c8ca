import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { timeUntilLive } from "./abandoned-flood.js";
import { startHeavyMixLoad } from "./heavy-mix-load.js";
import { startProcess } from "./start-server.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** A 15 MB Connect JSON ListClients over its own HTTP/1.1 connection, read whole. */
async function heavyCall(url: string): Promise<number> {
  const res = await fetch(`${url}/bank.v1.BankService/ListClients`, {
    method: "POST",
    headers: { "content-type": "application/json", connection: "keep-alive" },
    body: "{}",
  });
  const bytes = (await res.arrayBuffer()).byteLength;
  assert.equal(res.status, 200);
  return bytes;
}

describe("faults: drains with 15 MB responses in flight", { timeout: 240_000 }, () => {
  it("launcher SIGTERM: every heavy call in flight completes, and the launcher exits 0", async () => {
    const { child, url } = await startProcess(["--workers", "2", "--shutdown-timeout-ms", "60000"]);
    const exited = once(child, "exit");
    const calls = Array.from({ length: 6 }, () => heavyCall(url));
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGTERM");
    const sizes = await Promise.all(calls);
    for (const size of sizes) assert.ok(size > 10_000_000, `a whole response, ${size} bytes`);
    assert.equal((await exited)[0], 0);
  });

  it("pm2 reload under c=8 load with 15 MB responses in flight: 0 failed", async () => {
    const pm2Home = await mkdtemp(join(tmpdir(), "loopstall-fault-pm2-"));
    const port = await freePort();
    const app = `loopstall-fault-${process.pid}`;
    const env = {
      ...process.env,
      PM2_HOME: pm2Home,
      PM2_APP_NAME: app,
      PM2_INSTANCES: "2",
      PORT: String(port),
      HOST: "127.0.0.1",
      SHUTDOWN_TIMEOUT_MS: "30000",
    };
    const pm2 = (...args: string[]) =>
      run(join(root, "node_modules/.bin/pm2"), args, { cwd: root, env, timeout: 90_000 });
    try {
      await pm2("start", "ecosystem.config.js");
      const url = `http://127.0.0.1:${port}`;
      assert.notEqual(await timeUntilLive(url, 30_000), undefined);
      const load = startHeavyMixLoad({ baseUrl: url, concurrency: 8 });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await pm2("reload", app);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const result = await load.stop();
      assert.ok(result.okHeavy > 0, "heavy calls were in flight");
      assert.equal(result.failed, 0, result.errors.join("\n"));
    } finally {
      await pm2("kill").catch(() => {});
      await rm(pm2Home, { recursive: true, force: true });
    }
  });
});
