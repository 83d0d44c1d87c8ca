import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startSteadyLoad } from "../../test/support/steady-load.js";
import { pm2AppName, type ServerProcess, startServerProcess } from "../launcher/server-process.js";
import { rawGet } from "../load/raw-client.js";

const appName = pm2AppName;

interface Pm2Process {
  pid: number;
  pm_id: number;
  name: string;
  pm2_env: { status: string };
}

describe("PM2 cluster mode (ecosystem.config.js)", { timeout: 120_000 }, () => {
  let server: ServerProcess | undefined;
  let baseUrl = "";
  const pm2 = async (...args: string[]) => {
    assert.ok(server);
    const { code, stdout } = await server.pm2(...args);
    assert.equal(code, 0, `pm2 ${args.join(" ")} failed`);
    return stdout;
  };
  const online = async (): Promise<Pm2Process[]> =>
    (JSON.parse(await pm2("jlist")) as Pm2Process[]).filter(
      (p) => p.name === appName && p.pm2_env.status === "online" && p.pid > 0,
    );

  before(async () => {
    // The launcher gives PM2 a PM2_HOME of its own and reads the URL the workers announce.
    server = await startServerProcess({
      launcher: "pm2",
      workers: 2,
      env: { SHUTDOWN_TIMEOUT_MS: "5000" },
    });
    baseUrl = server.baseUrl;
    await waitFor(async () => (await online()).length === 2 && (await liveOnce(baseUrl)) > 0);
  });

  // Always stop this test's daemon, even when a test failed.
  after(() => server?.stop());

  it("serves from both PM2 workers, with x-worker naming the serving pid", async () => {
    const pids = new Set((await online()).map((p) => p.pid));
    assert.equal(pids.size, 2);
    const seen = new Set<number>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      seen.add(await liveOnce(baseUrl));
    }
    assert.deepEqual([...seen].sort(), [...pids].sort());
  });

  it("answers /metrics per worker, labelled with its own pid", async () => {
    const { status, headers, body } = await rawGet(`${baseUrl}/metrics`, { timeoutMs: 10_000 });
    assert.equal(status, 200);
    const worker = headers.get("x-worker");
    assert.match(
      body,
      new RegExp(`loopstall_event_loop_delay_max_seconds\\{worker="${worker}"\\}`),
    );
    // Under PM2 there is no loopstall primary: only the serving worker's series.
    const workers = new Set([...body.matchAll(/worker="(\d+)"/g)].map((m) => m[1]));
    assert.deepEqual([...workers], [worker]);
  });

  it("reloads under continuous load with zero failed requests", async (t) => {
    const before = new Set((await online()).map((p) => p.pid));
    const load = startSteadyLoad({ baseUrl, http1Clients: 3, http2Clients: 3 });
    await load.warm;
    const started = Date.now();
    await pm2("reload", appName);
    const reloadMs = Date.now() - started;
    const after = new Set((await online()).map((p) => p.pid));
    // Keep the load on until the new workers have answered.
    await waitFor(async () => [...after].every((pid) => pid > 0));
    await new Promise((r) => setTimeout(r, 500));
    const result = await load.stop();
    t.diagnostic(
      `reload took ${reloadMs} ms; ${result.ok} requests ok; failed: ${result.failedHttp1} HTTP/1.1, ${result.failedHttp2} HTTP/2; per worker: ${JSON.stringify([...result.byWorker])}`,
    );
    assert.equal(after.size, 2);
    assert.ok(
      [...after].every((pid) => !before.has(pid)),
      "every worker was replaced",
    );
    // HTTP/1.1: a draining worker answers with `connection: close`. HTTP/2:
    // it sends GOAWAY while the client awaits a response (see
    // server/http2-drain.ts), so no request crosses it on the wire.
    assert.equal(result.failed, 0, result.errors.join("\n"));
    assert.ok(result.ok > 0);
    assert.ok(
      [...after].some((pid) => result.byWorker.has(pid)),
      "the load reached a new worker",
    );
  });

  it("restarts a worker killed with SIGKILL while the other keeps serving", async (t) => {
    const [victim, survivor] = await online();
    assert.ok(victim && survivor);
    const killed = Date.now();
    process.kill(victim.pid, "SIGKILL");
    const seen = new Set<number>();
    let newPid = 0;
    await waitFor(async () => {
      const now = await online();
      const replacement = now.find((p) => p.pm_id === victim.pm_id);
      newPid = replacement && replacement.pid !== victim.pid ? replacement.pid : 0;
      for (let i = 0; i < 4; i++) {
        seen.add(await liveOnce(baseUrl));
      }
      return newPid > 0 && seen.has(newPid);
    });
    t.diagnostic(
      `pid ${newPid} replaced ${victim.pid} and served within ${Date.now() - killed} ms`,
    );
    assert.ok(seen.has(survivor.pid), "the survivor kept serving");
    assert.ok(!seen.has(victim.pid) || seen.size > 1);
  });
});

/** The pid that served one `/.well-known/live` on a fresh connection; 0 on failure. */
async function liveOnce(baseUrl: string): Promise<number> {
  try {
    const { status, headers } = await rawGet(`${baseUrl}/.well-known/live`, { timeoutMs: 10_000 });
    return status === 200 ? Number(headers.get("x-worker")) : 0;
  } catch {
    return 0;
  }
}

/** Polls `done` every 200 ms for up to 60 s. */
async function waitFor(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) {
      throw new Error("condition not reached within 60 s");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
