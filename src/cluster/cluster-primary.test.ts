import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { startSteadyLoad } from "../../test/support/steady-load.js";
import { rawGet } from "../load/raw-client.js";
import { parsePrometheusText, sumSamples } from "../metrics/prometheus-text.js";

const root = resolve(import.meta.dirname, "../..");

/** A `npm start`-like server process and everything it printed. */
interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(args: string[]): Launched {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts", ...args], {
    cwd: root,
    env: { ...process.env, WORKERS: "", PORT: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

describe("embedded cluster launcher (--workers 2)", { timeout: 90_000 }, () => {
  let server: Launched;
  let primaryPid = 0;
  let pids: number[] = [];
  let baseUrl = "";

  before(async () => {
    server = launch(["--workers", "2", "--port", "0", "--shutdown-timeout-ms", "3000"]);
    const match = await waitForOutput(
      server,
      /loopstall primary (\d+): workers (\d+), (\d+) serving on (http:\/\/\S+)/,
    );
    primaryPid = Number(match[1]);
    pids = [Number(match[2]), Number(match[3])];
    baseUrl = match[4] ?? "";
  });

  after(async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill("SIGKILL");
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
    }
  });

  it("logs the primary and worker pids, and both workers serve", async () => {
    assert.equal(primaryPid, server.child.pid);
    const seen = new Set<number>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      seen.add(
        Number(
          (await rawGet(`${baseUrl}/.well-known/live`, { timeoutMs: 10_000 })).headers.get(
            "x-worker",
          ),
        ),
      );
    }
    assert.deepEqual([...seen].sort(), [...pids].sort());
  });

  it("reports every worker's metrics, labelled by pid, from any worker", async () => {
    const scrape = async () => {
      const { status, headers, body } = await rawGet(`${baseUrl}/metrics`, { timeoutMs: 10_000 });
      assert.equal(status, 200);
      assert.ok(pids.includes(Number(headers.get("x-worker"))));
      return parsePrometheusText(body);
    };
    const live = { route: "/.well-known/live", format: "rest-json", code: "200" };
    const first = await scrape();
    assert.equal(sumSamples(first, "loopstall_metrics_workers_reporting"), 2);
    for (const pid of pids) {
      const worker = String(pid);
      assert.ok(
        first.some(
          (s) => s.name === "loopstall_event_loop_delay_max_seconds" && s.labels.worker === worker,
        ),
      );
      assert.ok(
        first.some(
          (s) =>
            s.name === "loopstall_event_loop_delay_window_seconds" &&
            s.labels.worker === worker &&
            s.labels.quantile === "0.99",
        ),
      );
    }
    const before = sumSamples(first, "loopstall_requests_total", live);
    for (let i = 0; i < 6; i++) {
      await rawGet(`${baseUrl}/.well-known/live`, { timeoutMs: 10_000 });
    }
    // A response is counted when it closes, which can trail the client by a tick.
    let afterCount = before;
    for (let i = 0; i < 20 && afterCount < before + 6; i++) {
      afterCount = sumSamples(await scrape(), "loopstall_requests_total", live);
    }
    assert.equal(afterCount, before + 6);
  });

  it("restarts a worker killed with SIGKILL; the other keeps serving", async (t) => {
    const [victim, survivor] = pids as [number, number];
    const load = startSteadyLoad({ baseUrl, http1Clients: 2, http2Clients: 2 });
    await load.warm;
    process.kill(victim, "SIGKILL");
    const match = await waitForOutput(
      server,
      new RegExp(`worker ${victim} \\(slot (\\d)\\) exited with signal SIGKILL; restarting`),
    );
    const restarted = await waitForOutput(
      server,
      new RegExp(`worker (\\d+) \\(slot ${match[1]}\\) serving on`),
    );
    const replacement = Number(restarted[1]);
    const seen = new Set<number>();
    for (let i = 0; i < 40 && !seen.has(replacement); i++) {
      seen.add(
        Number(
          (await rawGet(`${baseUrl}/.well-known/live`, { timeoutMs: 10_000 })).headers.get(
            "x-worker",
          ),
        ),
      );
    }
    const result = await load.stop();
    t.diagnostic(
      `${result.ok} ok, ${result.failed} failed (requests in flight on the killed worker's connections)`,
    );
    assert.ok(seen.has(replacement), "the replacement serves");
    assert.ok((result.byWorker.get(survivor) ?? 0) > 0, "the survivor kept serving");
    pids = [survivor, replacement];
  });

  it("drains and exits 0 on SIGTERM", async () => {
    // An idle keep-alive connection must not hold the drain up.
    await fetch(`${baseUrl}/.well-known/live`).then((r) => r.arrayBuffer());
    server.child.kill("SIGTERM");
    assert.equal(await server.exited, 0);
    assert.match(server.output(), /SIGTERM, draining 2 workers/);
  });
});

describe("embedded cluster launcher failures", { timeout: 90_000 }, () => {
  it("rejects a bad --workers value with a clear message", async () => {
    const server = launch(["--workers", "lots"]);
    assert.notEqual(await server.exited, 0);
    assert.match(server.output(), /expected "max" or an integer from 1 to 64, got "lots"/);
  });
});

/** Resolves with the first match of `pattern` in the process output (60 s at most). */
async function waitForOutput(server: Launched, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = pattern.exec(server.output());
    if (match) {
      return match;
    }
    if (Date.now() > deadline || server.child.exitCode !== null) {
      throw new Error(`no ${pattern} in output:\n${server.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
