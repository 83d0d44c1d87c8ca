import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createExperimentCommand, experimentOptionsFromFlags } from "./experiment-cli.js";
import { defaultExperimentOptions, quickPreset, runExperiment } from "./experiment-runner.js";
import { validateSummary } from "./summary-validator.js";

describe("loopstall experiment", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs a tiny matrix against a real server process and writes a valid summary", async () => {
    const out = await mkdtemp(join(tmpdir(), "loopstall-experiment-"));
    dirs.push(out);
    const lines: string[] = [];
    const command = createExperimentCommand({ stdout: (text) => lines.push(text) });
    await command.parseAsync(
      [
        "--quick",
        "--formats",
        "connect-proto",
        "--workers",
        "1",
        "--strategies",
        "inline",
        "--sources",
        "build",
        "--count",
        "2000",
        "--baseline",
        "1",
        "--heavy",
        "1",
        "--recovery",
        "1",
        "--out",
        out,
      ],
      { from: "user" },
    );
    const summary = validateSummary(JSON.parse(await readFile(join(out, "summary.json"), "utf8")));
    assert.equal(summary.schemaVersion, 1);
    assert.equal(summary.settings.quick, true);
    assert.equal(summary.settings.repeats, 1);
    assert.deepEqual(summary.settings.matrix, {
      formats: ["connect-proto"],
      workers: [1],
      strategies: ["inline"],
      sources: ["build"],
    });
    assert.deepEqual(summary.settings.heavy.shape, {
      count: 2000,
      accountsPerClient: 1,
      filledStrings: 3,
    });
    assert.equal(summary.cells.length, 1);
    const cell = summary.cells[0];
    assert.ok(cell);
    assert.equal(cell.format, "connect-proto");
    assert.ok(cell.probe.baselineRps > 0);
    assert.ok(cell.heavy.completed > 0);
    assert.equal(cell.heavy.errors, 0);
    assert.ok(cell.timeline.length >= 3);
    // One server process: every request it answered names the same pid.
    assert.equal(Object.keys(cell.workerSpread).filter((w) => w !== "unknown").length, 1);
    for (const file of ["report.md", "report.html"]) {
      assert.ok((await readFile(join(out, file), "utf8")).length > 0);
    }
    const printed = lines.join("");
    assert.match(printed, /\[1\/1\] connect-proto workers=1 strategy=inline/);
    // The seed's timeline is printed without --verbose, as the README says, each
    // row under its phase, and the rows are the summary's timeline.
    const rows = printed.match(/^ {2}\d+ \d+ \d+$/gm) ?? [];
    assert.deepEqual(
      rows.map((r) => r.trim()),
      cell.timeline.map((p) => `${p.epoch} ${p.probe} ${p.heavy}`),
    );
    assert.match(
      printed,
      /^ {2}# baseline\n {2}\d+ \d+ \d+\n(.*\n)* {2}# heavy\n(.*\n)* {2}# recovery\n/m,
    );
  });

  it("logs a run that fails, goes on, and still writes the summary", async () => {
    const out = await mkdtemp(join(tmpdir(), "loopstall-experiment-"));
    dirs.push(out);
    const lines: string[] = [];
    const { summary, failures } = await runExperiment(
      {
        ...defaultExperimentOptions(),
        formats: ["grpc"],
        // The server refuses 0 workers, so its process exits at start.
        workers: [0],
        strategies: ["inline"],
        sources: ["build"],
        repeats: 2,
        outDir: out,
      },
      { log: (line) => lines.push(line) },
    );
    assert.equal(failures, 2);
    assert.equal(summary.cells.length, 0);
    assert.equal(lines.filter((l) => /failed: server exited/.test(l)).length, 2);
    const written = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as {
      cells: unknown[];
    };
    assert.deepEqual(written.cells, []);
  });

  it("applies the quick preset only where no flag was given", () => {
    const base = {
      probeMode: "closed",
      probeTarget: "connect",
      probeRate: 200,
      probeTimeoutMs: 1000,
      heavyConcurrency: 2,
      heavyTimeoutMs: 60_000,
      heavyWindow: 16 * 1024 * 1024,
      verify: false,
      count: 40_000,
      accountsPerClient: 1,
      filledStrings: 3,
      engine: "embedded",
      pm2: false,
      verbose: false,
    } as const;
    const quick = experimentOptionsFromFlags({ ...base, quick: true });
    assert.deepEqual(quick.formats, quickPreset.formats);
    assert.equal(quick.repeats, 1);
    assert.deepEqual(quick.phases, { warmupS: 3, ...quickPreset.phases });
    assert.equal(quick.probe.connections, 4);
    const full = experimentOptionsFromFlags({ ...base, quick: false, workers: [1, 4], repeats: 5 });
    assert.equal(full.formats.length, 5);
    assert.equal(full.repeats, 5);
    assert.equal(full.probe.connections, 8);
    assert.equal(full.launcher, "cluster");
  });

  it("refuses --engine k6 with an open probe before saying it writes results", async () => {
    const lines: string[] = [];
    const command = createExperimentCommand({ stdout: (text) => lines.push(text) });
    await assert.rejects(
      command.parseAsync(["--engine", "k6", "--probe-mode", "open", "--quick"], { from: "user" }),
      /--engine k6 runs a closed-loop probe only/,
    );
    assert.deepEqual(lines, []);
  });

  it("refuses --engine k6 without k6 on PATH before saying it writes results", async () => {
    const lines: string[] = [];
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const command = createExperimentCommand({ stdout: (text) => lines.push(text) });
      await assert.rejects(
        command.parseAsync(["--engine", "k6", "--quick"], { from: "user" }),
        /k6 is not on PATH/,
      );
    } finally {
      process.env.PATH = path;
    }
    assert.deepEqual(lines, []);
  });

  it("refuses --probe-rate without --probe-mode open", async () => {
    const lines: string[] = [];
    const command = createExperimentCommand({ stdout: (text) => lines.push(text) });
    await assert.rejects(
      command.parseAsync(["--probe-rate", "300", "--quick"], { from: "user" }),
      /--probe-rate .* add --probe-mode open/,
    );
    assert.deepEqual(lines, []);
  });

  it("rejects bad flags with a clear error", async () => {
    const command = createExperimentCommand({ stdout: () => {} })
      .exitOverride()
      .configureOutput({ writeErr: () => {} });
    await assert.rejects(
      command.parseAsync(["--formats", "xml"], { from: "user" }),
      /"xml" is not one of/,
    );
  });
});
