import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const pm2Bin = join(root, "node_modules/.bin/pm2");
const appName = `loopstall-listen-${process.pid}`;

interface Pm2Process {
  name: string;
  pm2_env: { restart_time: number; exit_code?: number };
}

describe("PM2 on a busy port (ecosystem.config.js)", { timeout: 90_000 }, () => {
  let pm2Home = "";
  let busy: Server;
  let port = 0;
  const env = () => ({
    ...process.env,
    PM2_HOME: pm2Home,
    PM2_APP_NAME: appName,
    PM2_INSTANCES: "2",
    PORT: String(port),
    HOST: "127.0.0.1",
  });
  const pm2 = async (...args: string[]) =>
    (await run(pm2Bin, args, { cwd: root, env: env(), timeout: 60_000 })).stdout;

  before(async () => {
    pm2Home = await mkdtemp(join(tmpdir(), "loopstall-pm2-listen-"));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    port = (busy.address() as { port: number }).port;
  });

  after(async () => {
    await run(pm2Bin, ["kill"], { env: env(), timeout: 30_000 }).catch(() => {});
    await rm(pm2Home, { recursive: true, force: true });
    busy.close();
  });

  it("workers exit 78 with one line each and PM2 does not restart them", async () => {
    await pm2("start", "ecosystem.config.js");
    const apps = async () =>
      (JSON.parse(await pm2("jlist")) as Pm2Process[]).filter((p) => p.name === appName);
    const deadline = Date.now() + 30_000;
    while ((await apps()).some((p) => p.pm2_env.exit_code !== 78) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    // Long enough for PM2's 100 ms backoff to have restarted them, were it going to.
    await new Promise((r) => setTimeout(r, 2_000));
    const list = await apps();
    assert.equal(list.length, 2);
    for (const p of list) {
      assert.equal(p.pm2_env.exit_code, 78);
      assert.equal(p.pm2_env.restart_time, 0);
    }
    const expected = `loopstall: cannot listen on 127.0.0.1:${port}: address already in use; stop what holds the port or pick another --port (EADDRINUSE)\n`;
    for (const instance of [0, 1]) {
      const log = await readFile(join(pm2Home, "logs", `${appName}-error-${instance}.log`), "utf8");
      assert.equal(log, expected);
    }
  });
});
