import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";
import { CliExit } from "./cli-exit.js";
import { createLoadCommand } from "./load-cli.js";
import type { LoadResult } from "./load-settings.js";

const bin = new URL("../../bin/loopstall.js", import.meta.url).pathname;

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const quiet = () => createLoadCommand({ stdout: () => {}, stderr: () => {}, progress: false });

describe("loopstall load", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(() => server.close());

  it("prints one `<epoch> <probe> <heavy>` line a second and a summary", async () => {
    let out = "";
    const command = createLoadCommand({
      stdout: (t) => (out += t),
      stderr: () => {},
      progress: false,
    });
    await command.parseAsync(
      [
        "--url",
        server.url,
        "--format",
        "rest-json",
        "--probe-target",
        "rest",
        "--count",
        "500",
        "--baseline",
        "1",
        "--heavy",
        "1",
        "--recovery",
        "1",
      ],
      { from: "user" },
    );
    const lines = out.split("\n").filter((l) => /^\d+ \d+ \d+$/.test(l));
    assert.ok(lines.length >= 3, out);
    const seconds = lines.map((l) => Number(l.split(" ")[0]));
    assert.deepEqual(
      seconds,
      seconds.map((_, i) => (seconds[0] as number) + i),
    );
    assert.match(out, /# heavy/);
    assert.match(out, /probe req\/s: baseline \d+/);
    assert.match(out, new RegExp(`requests per server worker: ${process.pid}: \\d+`));
  });

  it("prints each row under the phase it lies in, and the rows add up to the phase summaries", async () => {
    let out = "";
    const command = createLoadCommand({
      stdout: (t) => (out += t),
      stderr: () => {},
      progress: false,
    });
    await command.parseAsync(
      [
        "--url",
        server.url,
        "--format",
        "rest-json",
        "--count",
        "2000",
        "--warmup",
        "1",
        "--baseline",
        "2",
        "--heavy",
        "2",
        "--recovery",
        "2",
        "--json",
      ],
      { from: "user" },
    );
    const sums = { warmup: 0, baseline: 0, heavy: 0, recovery: 0 };
    const rows = { warmup: 0, baseline: 0, heavy: 0, recovery: 0 };
    let phase: keyof typeof sums | undefined;
    for (const line of out.slice(0, out.indexOf("probe req/s")).split("\n")) {
      const header = /^# (warmup|baseline|heavy|recovery)$/.exec(line);
      if (header) {
        phase = header[1] as keyof typeof sums;
      } else if (/^\d+ \d+ \d+$/.test(line)) {
        assert.ok(phase, `row ${line} printed before any phase header`);
        sums[phase] += Number(line.split(" ")[1]);
        rows[phase]++;
      }
    }
    const result = JSON.parse(out.slice(out.indexOf("\n{") + 1)) as LoadResult;
    assert.equal(rows.warmup, 1);
    assert.ok(sums.warmup > 0, "the warm-up's calls are on the timeline");
    assert.equal(rows.baseline, 2);
    assert.equal(rows.heavy, 2);
    assert.ok(rows.recovery >= 2);
    assert.equal(sums.baseline, result.probe.baseline.completed);
    assert.equal(sums.heavy, result.probe.heavy.completed);
    assert.equal(sums.recovery, result.probe.recovery.completed);
    // The phases start on whole seconds of the timeline.
    assert.deepEqual(result.phases, { warmupStart: -1, heavyStart: 2, heavyEnd: 4 });
    assert.equal(result.startedAt % 1000, 0);
    assert.equal(result.timeline[0]?.t, -1);
    assert.match(
      out,
      /^kubernetes liveness \(period=10,timeout=1,failures=3\): \d+ of 1 checks failed/m,
    );
    assert.match(out, /^placement: heavy: pid \d+ \d+; probe: pid \d+ \d+$/m);
  });

  it("refuses to start when no server answers, in a second and with one clear line", async () => {
    const port = await closedPort();
    const started = Date.now();
    const child = spawn(process.execPath, [bin, "load", "--url", `http://127.0.0.1:${port}`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      new RegExp(
        `^loopstall: no server answers at http://127.0.0.1:${port} \\(GET /.well-known/live: ECONNREFUSED\\); start one with \`npm start\` or pass --url\n$`,
      ),
    );
    assert.ok(Date.now() - started < 15_000);
  });

  it("exits non-zero, saying so, when every call failed", async () => {
    // Live for the preflight, then 503 for everything: a server that dies.
    let requests = 0;
    const dying = createServer((_req, res) => {
      res.statusCode = requests++ === 0 ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => dying.listen(0, "127.0.0.1", resolve));
    const { port } = dying.address() as AddressInfo;
    let out = "";
    try {
      const command = createLoadCommand({
        stdout: (t) => (out += t),
        stderr: () => {},
        progress: false,
      });
      const run = command.parseAsync(
        [
          "--url",
          `http://127.0.0.1:${port}`,
          ...["--format", "rest-json", "--probe-target", "rest"],
          ...["--baseline", "1", "--heavy", "1", "--recovery", "1"],
        ],
        { from: "user" },
      );
      await assert.rejects(run, (error: unknown) => {
        assert.ok(error instanceof CliExit);
        assert.equal(error.exitCode, 1);
        assert.match(error.message, /^every call failed \(\d+ probe, \d+ heavy\)/);
        return true;
      });
    } finally {
      dying.closeAllConnections();
      dying.close();
    }
    assert.match(out, /probe req\/s: baseline 0/);
    // Backed off: a few calls a second per connection, not thousands.
    assert.ok(requests < 200, `${requests} requests in 3 s against a failing server`);
  });

  it("exits 130 after Ctrl-C, saying the run is partial", async () => {
    const child = spawn(
      process.execPath,
      [
        bin,
        "load",
        ...["--url", server.url, "--format", "rest-json", "--probe-target", "rest"],
        ...[
          "--count",
          "100",
          "--warmup",
          "1",
          "--baseline",
          "30",
          "--heavy",
          "1",
          "--recovery",
          "1",
        ],
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (c: Buffer) => {
        stdout += c;
        if (/^\d+ \d+ \d+$/m.test(stdout)) {
          resolve();
        }
      }),
    );
    child.kill("SIGINT");
    assert.equal(await exited, 130);
    assert.match(stdout, /probe req\/s: baseline \d+/);
    assert.match(stderr, /loopstall: cancelled after [\d.]+ s of 33 s: the run is partial/);
  });

  it("refuses --probe-rate without --probe-mode open", async () => {
    await assert.rejects(
      quiet().parseAsync(["--url", server.url, "--probe-rate", "300"], { from: "user" }),
      /--probe-rate sets the open-model arrival rate; add --probe-mode open/,
    );
  });

  it("refuses a remote target before sending anything", async () => {
    const command = createLoadCommand({ stdout: () => {}, stderr: () => {}, progress: false });
    await assert.rejects(
      command.parseAsync(["--url", "http://203.0.113.9:8080"], { from: "user" }),
      /refused/,
    );
  });
});
