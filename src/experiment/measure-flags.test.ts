import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";
import { planPinning } from "./cpu-pinning.js";
import { createExperimentCommand } from "./experiment-cli.js";
import { measureOptionsFromFlags } from "./measure-flags.js";
import { validateSummary } from "./summary-validator.js";

describe("--pin", () => {
  it("splits the cores between the server and the load generator", () => {
    assert.deepEqual(planPinning(2), { serverCpus: "0", loadgenCpus: "1" });
    assert.deepEqual(planPinning(8), { serverCpus: "0-3", loadgenCpus: "4-7" });
    assert.throws(() => planPinning(1), /needs at least 2 cores/);
  });
});

describe("measurement flags", () => {
  const base = { engine: "embedded" as const, pm2: false };
  for (const [what, flags, message] of [
    ["--warmup with k6", { ...base, engine: "k6" as const, warmup: 2 }, /embedded engine only/],
    [
      "--pin with --target",
      { ...base, pin: true, target: "http://127.0.0.1:1" },
      /with --target it starts none/,
    ],
    [
      "--pm2 with --target",
      { ...base, pm2: true, target: "http://127.0.0.1:1" },
      /with --target it starts none/,
    ],
    [
      "two worker counts with --target",
      { ...base, workers: [1, 2], target: "http://127.0.0.1:1" },
      /at most one --workers value/,
    ],
    ["--pin with --pm2", { ...base, pin: true, pm2: true }, /cluster launcher only/],
    [
      "a remote --target",
      { ...base, target: "http://example.com:8080" },
      /only loads 127\.0\.0\.1/,
    ],
  ] as const) {
    it(`refuses ${what}`, () => {
      assert.throws(() => measureOptionsFromFlags(flags), message);
    });
  }
});

describe("--allow-remote", () => {
  it("lets a remote --target through, with a warning (nothing is loaded here)", () => {
    const warnings: string[] = [];
    const options = measureOptionsFromFlags(
      { engine: "embedded", pm2: false, allowRemote: true, target: "http://remote-c.invalid:8080" },
      (line) => warnings.push(line),
    );
    assert.equal(options.target, "http://remote-c.invalid:8080");
    assert.match(
      warnings[0] ?? "",
      /^warning: --allow-remote: loading http:\/\/remote-c\.invalid:8080/,
    );
  });
});

describe("loopstall experiment --target", () => {
  let server: RunningServer;
  let out: string;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
    out = await mkdtemp(join(tmpdir(), "loopstall-target-"));
  });
  after(async () => {
    await server.close();
    await rm(out, { recursive: true, force: true });
  });

  it("runs the phases against a server it did not start and records the target, the warm-up and the verdict", async () => {
    const lines: string[] = [];
    await createExperimentCommand({ stdout: (t) => lines.push(t) }).parseAsync(
      [
        "--target",
        server.url,
        "--formats",
        "connect-proto",
        "--workers",
        "1",
        "--strategies",
        "inline",
        "--repeats",
        "1",
        "--count",
        "2000",
        "--warmup",
        "1",
        "--baseline",
        "1",
        "--heavy",
        "1",
        "--recovery",
        "1",
        "--liveness",
        "period=1",
        "--out",
        out,
      ],
      { from: "user" },
    );
    const summary = validateSummary(JSON.parse(await readFile(join(out, "summary.json"), "utf8")));
    assert.equal(summary.settings.target, server.url);
    assert.equal(summary.settings.phases.warmupS, 1);
    assert.equal(summary.settings.pinning, null);
    assert.equal(summary.settings.kubernetes?.liveness.periodS, 1);
    const cell = summary.cells[0];
    assert.ok(cell);
    assert.ok(cell.heavy.completed > 0);
    assert.equal(cell.phases.warmupStart, -1);
    assert.equal(cell.placement?.length, 1);
    assert.ok((cell.kubernetes?.liveness.checks ?? 0) >= 2);
    const report = await readFile(join(out, "report.md"), "utf8");
    assert.match(report, /## Placement, noise and the Kubernetes verdict/);
    assert.match(
      report,
      /\| connect-proto · 1 worker · inline \| – \| [\d.]+% \| #1 heavy: pid \d+ \d+; probe: pid \d+ \d+ \|/,
    );
    assert.match(
      report,
      /target\*\*: http:\/\/127\.0\.0\.1:\d+ \(a server the experiment did not start\)/,
    );
  });
});
