/**
 * The k6 engine with a FAKE k6 (k6 is AGPL and not installed here): a script
 * put first on PATH that answers `k6 version` as k6 does, checks its `run`
 * arguments (phases read with concurrency.ts's own reader, a GRPC_ADDR with
 * a port), answers the real server's `/.well-known/live`, logs the start
 * line and writes RESULT_OUT with the same builder concurrency.ts's
 * handleSummary uses (loadtest/lib/cell-result.ts), from a canned k6
 * summary `data`.
 */
import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import {
  defaultHeavySettings,
  defaultProbeSettings,
  type LoadOptions,
} from "../load/load-settings.js";
import { projectRoot } from "../runtime/entry.js";
import { createExperimentCommand } from "./experiment-cli.js";
import { defaultExperimentOptions, runExperiment } from "./experiment-runner.js";
import { runK6Load } from "./k6-engine.js";
import { cpuTicksFromStat } from "./k6-process.js";
import { parseK6Result } from "./k6-result.js";
import { checkK6Options, grpcAddress, k6RunArgs, k6RunTimeoutMs } from "./k6-run-args.js";
import { checkK6Version, parseK6Version, requireK6 } from "./k6-version.js";
import { validateSummary } from "./summary-validator.js";

const libUrl = (file: string) => pathToFileURL(join(projectRoot, "loadtest", "lib", file)).href;
const contractUrl = (file: string) =>
  pathToFileURL(join(projectRoot, "src", "contract", file)).href;

/** k6's handleSummary `metrics` for the fake's run (counts as a 1/1/1 s run would give). */
const cannedMetrics = {
  timeline_probe_0: { values: { count: 400 } },
  timeline_probe_1: { values: { count: 100 } },
  timeline_heavy_1: { values: { count: 3 } },
  timeline_probe_2: { values: { count: 380 } },
  probe_ok_baseline: { values: { count: 400 } },
  probe_ok_heavy: { values: { count: 100 } },
  probe_ok_recovery: { values: { count: 380 } },
  probe_duration_baseline: { values: { "p(50)": 1.5, "p(99)": 4, max: 6, count: 400 } },
  probe_duration_heavy: { values: { "p(50)": 7, "p(99)": 210, max: 250, count: 101 } },
  probe_duration_recovery: { values: { "p(50)": 1.6, "p(99)": 5, max: 7, count: 380 } },
  probe_errors: { values: { count: 1 } },
  heavy_ok: { values: { count: 3 } },
  heavy_errors: { values: { count: 0 } },
  // 3 ok, 1 failed after the heavy phase's end, 1 stopped by k6 mid-call.
  heavy_started: { values: { count: 5 } },
  heavy_cancelled: { values: { count: 1 } },
  heavy_bytes: { values: { count: 300_000 } },
};

/** The fake k6 (run by node with tsx, so it can import the TypeScript builder). */
const fakeSource = (dir: string) => `
import { readFileSync, writeFileSync } from "node:fs";
import { buildCellResult } from ${JSON.stringify(libUrl("cell-result.ts"))};
import { phasesFromEnv } from ${JSON.stringify(libUrl("k6-summary.ts"))};
import { k6GracefulStopSeconds } from ${JSON.stringify(contractUrl("run-limits.ts"))};
import { timelineSeconds } from ${JSON.stringify(libUrl("timeline.ts"))};

const args = process.argv.slice(2);
const fail = (message) => {
  process.stderr.write("fake k6: " + message + "\\n");
  process.exit(2);
};
if (args[0] === "version") {
  // What k6's cmd/version.go prints: "k6 v" + consts.FullVersion().
  console.log("k6 v1.4.0 (commit/fake0000, go1.24.4, linux/amd64)");
  process.exit(0);
}
if (args[0] !== "run" || args[1] !== "--quiet") fail("expected run --quiet, got " + args.join(" "));
const script = args.at(-1);
if (script !== "loadtest/concurrency.ts") fail("expected the script last, got " + script);
const env = {};
for (let i = 2; i < args.length - 1; i += 2) {
  if (args[i] !== "-e") fail("expected -e NAME=value, got " + args[i]);
  const [name, ...value] = args[i + 1].split("=");
  env[name] = value.join("=");
}
for (const name of ["BASE_URL", "FORMAT", "STRATEGY", "BASELINE_SECONDS", "HEAVY_SECONDS",
  "COOLDOWN_SECONDS", "COUNT", "RESULT_OUT"]) {
  if (!env[name]) fail("missing -e " + name);
}
writeFileSync(${JSON.stringify(join(dir, "seen.json"))}, JSON.stringify({ args, env, cwd: process.cwd() }));
// concurrency.ts reads its phases so; a refusal is k6's exit 107.
try {
  phasesFromEnv(env);
} catch (error) {
  process.stderr.write("ReferenceError: " + error.message + "\\n");
  process.exit(107);
}
if (!/^(\\[[0-9a-f:]+\\]|[^:]+):\\d+$/.test(env.GRPC_ADDR ?? "")) fail("GRPC_ADDR without a port: " + env.GRPC_ADDR);
const live = await fetch(env.BASE_URL + "/.well-known/live");
if (!live.ok) fail("server not live: " + live.status);
const startMs = Date.now();
process.stderr.write('time="now" level=info msg="loopstall-start ' + startMs + '" source=console\\n');
const planned = Number(env.BASELINE_SECONDS) + Number(env.HEAVY_SECONDS) + Number(env.COOLDOWN_SECONDS);
await new Promise((r) => setTimeout(r, planned * 1000));
const data = {
  metrics: JSON.parse(readFileSync(${JSON.stringify(join(dir, "metrics.json"))}, "utf8")),
  setup_data: { startMs },
  state: { testRunDurationMs: planned * 1000 },
};
const result = buildCellResult(data, {
  format: env.FORMAT,
  strategy: env.STRATEGY,
  baselineS: Number(env.BASELINE_SECONDS),
  heavyS: Number(env.HEAVY_SECONDS),
  recoveryS: Number(env.COOLDOWN_SECONDS),
  seconds: timelineSeconds(planned + k6GracefulStopSeconds),
});
writeFileSync(env.RESULT_OUT, JSON.stringify(result));
process.stdout.write("# " + env.FORMAT + " " + env.STRATEGY + ": <epoch> <probe> <heavy>\\n");
// The probe crossed its checks threshold: k6 exits 99, still a measurement.
process.exit(99);
`;

/** Writes an executable named k6 into `dir`. */
async function writeK6(dir: string, body: string): Promise<string> {
  const path = join(dir, "k6");
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

const loadOptions = (overrides: Partial<LoadOptions> = {}): LoadOptions => ({
  baseUrl: "http://127.0.0.1:9",
  format: "connect-json",
  strategy: "stream",
  shape: { count: 500, accountsPerClient: 1, filledStrings: 3 },
  probe: { ...defaultProbeSettings },
  heavy: { ...defaultHeavySettings },
  phases: { baselineS: 1, heavyS: 2, recoveryS: 1 },
  ...overrides,
});

describe("k6 engine", () => {
  const dirs: string[] = [];
  const path = process.env.PATH;
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "loopstall-k6-test-"));
    dirs.push(dir);
    return dir;
  };
  after(async () => {
    process.env.PATH = path;
    for (const dir of dirs) {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("passes the cell to k6 as -e settings, the script last", () => {
    const args = k6RunArgs(loadOptions(), { resultOut: "/tmp/r.json", timelineOut: "/tmp/t.txt" });
    assert.deepEqual(args.slice(0, 2), ["run", "--quiet"]);
    assert.equal(args.at(-1), "loadtest/concurrency.ts");
    const env = Object.fromEntries(
      args
        .slice(2, -1)
        .filter((_, i) => i % 2 === 1)
        .map((kv) => kv.split("=", 2) as [string, string]),
    );
    assert.deepEqual(env, {
      BASE_URL: "http://127.0.0.1:9",
      GRPC_ADDR: "127.0.0.1:9",
      FORMAT: "connect-json",
      STRATEGY: "stream",
      BASELINE_SECONDS: "1",
      HEAVY_SECONDS: "2",
      COOLDOWN_SECONDS: "1",
      COUNT: "500",
      ACCOUNTS_PER_CLIENT: "1",
      FILLED_STRINGS: "3",
      PROBE_VUS: "4",
      HEAVY_VUS: "2",
      PROBE_TIMEOUT: "1000ms",
      TIMEOUT: "60000ms",
      RESULT_OUT: "/tmp/r.json",
      TIMELINE_OUT: "/tmp/t.txt",
    });
  });

  it("always gives k6/net/grpc a host:port, the scheme's default port included", () => {
    assert.equal(grpcAddress("http://127.0.0.1:9"), "127.0.0.1:9");
    assert.equal(grpcAddress("http://127.0.0.1"), "127.0.0.1:80");
    assert.equal(grpcAddress("http://localhost:80/"), "localhost:80");
    assert.equal(grpcAddress("https://localhost"), "localhost:443");
    assert.equal(grpcAddress("http://[::1]:8080"), "[::1]:8080");
    assert.equal(grpcAddress("http://[::1]"), "[::1]:80");
    const args = k6RunArgs(loadOptions({ baseUrl: "http://127.0.0.1" }), {
      resultOut: "/tmp/r.json",
      timelineOut: "/tmp/t.txt",
    });
    assert.ok(args.includes("GRPC_ADDR=127.0.0.1:80"), args.join(" "));
  });

  it("reads `k6 version` and refuses k6 older than v0.57.0", () => {
    assert.deepEqual(parseK6Version("k6 v0.57.0 (go1.23.6, linux/amd64)\n"), {
      major: 0,
      minor: 57,
      patch: 0,
      rest: " (go1.23.6, linux/amd64)",
    });
    const v1 =
      "k6 v1.0.0 (commit/41b4984b75, go1.24.2, linux/amd64)\nExtensions:\n  github.com/x/xk6-y v0.1.0, k6/x/y [js]\n";
    assert.equal(checkK6Version(v1).major, 1);
    assert.equal(checkK6Version("k6 v2.3.1 (go1.25.1, darwin/arm64)").minor, 3);
    assert.equal(checkK6Version("k6 v0.57.0 (dev build, go1.23.6, linux/amd64)").minor, 57);
    assert.throws(
      () => checkK6Version("k6 v0.56.0 (go1.23.4, linux/amd64)"),
      /k6 v0\.56\.0 is too old; .* need k6 v0\.57\.0 or later/,
    );
    assert.throws(() => checkK6Version("k6 v0.52.0 (go1.22.5, linux/amd64)"), /too old/);
    assert.throws(
      () => checkK6Version("k6 v0.57.0-rc1 (go1.23.6, linux/amd64)"),
      /-rc1 is too old/,
    );
    assert.throws(() => checkK6Version("nope"), /cannot read the k6 version .*"nope"/);
    assert.equal(parseK6Version("k6 0.57.0"), undefined);
  });

  it("runs `k6 version` before the matrix: refuses an old k6, names a failing one", async () => {
    const dir = await tempDir();
    const old = await writeK6(dir, 'echo "k6 v0.56.2 (go1.23.4, linux/amd64)"');
    await assert.rejects(requireK6(old), /k6 v0\.56\.2 is too old/);
    const broken = await writeK6(await tempDir(), 'echo "boom" >&2\nexit 3');
    await assert.rejects(requireK6(broken), /`k6 version` exited with code 3: boom/);
    const current = await writeK6(
      await tempDir(),
      'echo "k6 v1.4.0 (commit/abc, go1.24.4, linux/amd64)"',
    );
    assert.equal((await requireK6(current)).minor, 4);
    // And through the experiment, with the old one first on PATH.
    process.env.PATH = `${dir}${delimiter}${path}`;
    try {
      await assert.rejects(
        runExperiment({ ...defaultExperimentOptions(), engine: "k6", outDir: dir }, { log() {} }),
        /--engine k6: k6 v0\.56\.2 is too old/,
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it("reads utime + stime from /proc/<pid>/stat, spaces in the name included", () => {
    const stat = "4242 (k6 (x) y) S 1 4242 4242 0 -1 4194560 900 0 0 0 153 27 0 0 20 0 9 0 100";
    assert.equal(cpuTicksFromStat(stat), 180);
    assert.equal(cpuTicksFromStat("garbage"), undefined);
  });

  it("refuses settings the k6 script cannot honour", () => {
    assert.throws(
      () => checkK6Options(loadOptions({ probe: { ...defaultProbeSettings, mode: "open" } })),
      /closed-loop probe only/,
    );
    assert.throws(
      () => checkK6Options(loadOptions({ phases: { baselineS: 1.5, heavyS: 1, recoveryS: 1 } })),
      /whole-second phases/,
    );
    // The CLI's limits (3,600 s each) are concurrency.ts's: both come from run-limits.ts.
    checkK6Options(loadOptions({ phases: { baselineS: 3_600, heavyS: 3_600, recoveryS: 3_600 } }));
    checkK6Options(loadOptions({ phases: { baselineS: 0, heavyS: 1, recoveryS: 0 } }));
    assert.throws(
      () => checkK6Options(loadOptions({ phases: { baselineS: 3_601, heavyS: 1, recoveryS: 1 } })),
      /baselineS 3601 is outside what loadtest\/concurrency\.ts accepts \(baseline 0–3600 s/,
    );
    assert.throws(
      () => checkK6Options(loadOptions({ phases: { baselineS: 1, heavyS: 0, recoveryS: 1 } })),
      /heavyS 0 is outside/,
    );
    assert.throws(
      () => checkK6Options(loadOptions({ heavy: { ...defaultHeavySettings, concurrency: 101 } })),
      /1 to 1000 probe VUs and 1 to 100 heavy VUs/,
    );
  });

  it("shares the phase limits with the CLI and concurrency.ts's reader", async () => {
    const limits = (await import(
      contractUrl("run-limits.ts")
    )) as typeof import("../contract/run-limits.js");
    const summary = (await import(libUrl("k6-summary.ts"))) as {
      phasesFromEnv(env: Record<string, string>): unknown;
    };
    const { phaseLimits } = limits;
    // Every phase the CLI accepts, concurrency.ts reads; one past, both refuse.
    const env = (b: number, h: number, r: number) => ({
      BASELINE_SECONDS: String(b),
      HEAVY_SECONDS: String(h),
      COOLDOWN_SECONDS: String(r),
    });
    const max = [
      phaseLimits.baselineS.max,
      phaseLimits.heavyS.max,
      phaseLimits.recoveryS.max,
    ] as const;
    assert.deepEqual(summary.phasesFromEnv(env(...max)), {
      baselineS: max[0],
      heavyS: max[1],
      recoveryS: max[2],
    });
    assert.throws(() => summary.phasesFromEnv(env(max[0] + 1, 1, 1)), /BASELINE_SECONDS must be/);
    assert.throws(
      () => summary.phasesFromEnv(env(1, 0, 1)),
      /HEAVY_SECONDS must be a whole number from 1/,
    );
    const cli = createExperimentCommand({ stdout() {} });
    cli.exitOverride();
    cli.configureOutput({ writeErr() {} });
    await assert.rejects(
      cli.parseAsync(["--heavy", String(max[1] + 1)], { from: "user" }),
      /expected an integer from 1 to 3600/,
    );
  });

  it("reads concurrency.ts's result, with k6's CPU share, and rejects anything else", async () => {
    // The builder handleSummary uses (imported at run time: src's tsconfig
    // does not take loadtest's .ts-extension imports).
    const lib = (await import(libUrl("cell-result.ts"))) as {
      buildCellResult(data: unknown, settings: unknown): unknown;
    };
    const built = lib.buildCellResult(
      {
        metrics: cannedMetrics,
        setup_data: { startMs: 1_700_000_000_000 },
        state: { testRunDurationMs: 3_000 },
      },
      { format: "grpc", strategy: "inline", baselineS: 1, heavyS: 1, recoveryS: 1, seconds: 70 },
    );
    // 150 ticks of 1/100 s over 2 s of wall time: 75% of a core.
    const load = parseK6Result(JSON.parse(JSON.stringify(built)), 2_000, 150);
    assert.equal(load.loadgenCpuPercent, 75);
    // Cut by the heavy phase's end: one failed after it, one never ended.
    assert.equal(load.heavy.cancelled, 2);
    assert.equal(load.heavy.errors, 0);
    assert.equal(load.probe.heavy.p99Ms, 210);
    assert.equal(load.heavy.totalBytes, 300_000);
    assert.equal(load.timeline.length, 4);
    assert.deepEqual(load.workerSpread, {});
    assert.throws(() => parseK6Result({ kind: "other" }, 1000, 0), /not a loopstall-k6-result/);
    assert.throws(() => parseK6Result(null, 1000, 0), /result is not an object/);
    const broken = JSON.parse(JSON.stringify(built)) as { probe: { heavy: { p99Ms: unknown } } };
    broken.probe.heavy.p99Ms = "slow";
    assert.throws(() => parseK6Result(broken, 1000, 0), /probe\.heavy\.p99Ms is not a number/);
  });

  it("bounds a run by the phases and concurrency.ts's gracefulStop (src/contract/run-limits.ts)", async () => {
    const { k6GracefulStopSeconds } = (await import(contractUrl("run-limits.ts"))) as {
      k6GracefulStopSeconds: number;
    };
    assert.equal(
      k6RunTimeoutMs({ baselineS: 5, heavyS: 10, recoveryS: 5 }),
      (20 + k6GracefulStopSeconds + 60) * 1000,
    );
  });

  it("reports k6's exit code and output when it fails", async () => {
    const dir = await tempDir();
    const k6 = await writeK6(dir, 'echo "ReferenceError: boom" >&2\nexit 107');
    await assert.rejects(
      runK6Load(loadOptions(), { command: k6 }),
      /k6 exited with code 107: ReferenceError: boom/,
    );
  });

  it("stops k6 on abort and fails when it wrote no result", async () => {
    const dir = await tempDir();
    const k6 = await writeK6(dir, "exec sleep 30");
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      runK6Load(loadOptions({ signal: controller.signal }), { command: k6 }),
      /k6 wrote no result \(k6 exited with signal SIGINT, cancelled\)/,
    );
  });

  it("kills k6 past its time limit", async () => {
    const dir = await tempDir();
    const k6 = await writeK6(dir, "exec sleep 30");
    await assert.rejects(
      runK6Load(loadOptions(), { command: k6, timeoutMs: 200 }),
      /k6 exited with signal SIGKILL, k6 did not finish within 200 ms/,
    );
  });

  it("keeps the clear error when k6 is not on PATH", async () => {
    const empty = await tempDir();
    process.env.PATH = empty;
    try {
      await assert.rejects(
        runExperiment({ ...defaultExperimentOptions(), engine: "k6", outDir: empty }, { log() {} }),
        /k6 is not on PATH/,
      );
    } finally {
      process.env.PATH = path;
    }
  });

  describe("the matrix with --engine k6 (fake k6, real server)", () => {
    let dir = "";
    before(async () => {
      dir = await tempDir();
      await writeFile(join(dir, "metrics.json"), JSON.stringify(cannedMetrics));
      await writeFile(join(dir, "fake-k6.mjs"), fakeSource(dir));
      const tsx = import.meta.resolve("tsx");
      await writeK6(
        dir,
        `exec ${JSON.stringify(process.execPath)} --import ${JSON.stringify(tsx)} ${JSON.stringify(join(dir, "fake-k6.mjs"))} "$@"`,
      );
    });

    it("runs one cell and writes k6's numbers to summary.json", async () => {
      const out = join(dir, "out");
      const lines: string[] = [];
      process.env.PATH = `${dir}${delimiter}${path}`;
      try {
        await createExperimentCommand({ stdout: (text) => lines.push(text) }).parseAsync(
          [
            "--engine",
            "k6",
            "--formats",
            "connect-proto",
            "--workers",
            "1",
            "--strategies",
            "inline",
            "--sources",
            "build",
            "--repeats",
            "1",
            "--count",
            "500",
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
      } finally {
        process.env.PATH = path;
      }
      const seen = JSON.parse(await readFile(join(dir, "seen.json"), "utf8")) as {
        env: Record<string, string>;
        cwd: string;
      };
      assert.match(seen.env.BASE_URL ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(seen.env.FORMAT, "connect-proto");
      assert.equal(seen.env.STRATEGY, "inline");
      assert.equal(seen.env.COUNT, "500");
      assert.equal(seen.env.HEAVY_SECONDS, "1");
      assert.equal(seen.cwd.replace(/\/$/, ""), projectRoot.replace(/\/$/, ""));

      const summary = validateSummary(
        JSON.parse(await readFile(join(out, "summary.json"), "utf8")),
      );
      assert.equal(summary.settings.engine, "k6");
      assert.equal(summary.cells.length, 1);
      const cell = summary.cells[0];
      assert.ok(cell);
      assert.deepEqual(
        {
          baselineRps: cell.probe.baselineRps,
          duringRps: cell.probe.duringRps,
          retention: cell.probe.retention,
          p50BaselineMs: cell.probe.p50BaselineMs,
          p50DuringMs: cell.probe.p50DuringMs,
          p99BaselineMs: cell.probe.p99BaselineMs,
          p99DuringMs: cell.probe.p99DuringMs,
          errors: cell.probe.errors,
        },
        {
          baselineRps: 400,
          duringRps: 100,
          retention: 0.25,
          p50BaselineMs: 1.5,
          p50DuringMs: 7,
          p99BaselineMs: 4,
          p99DuringMs: 210,
          errors: 1,
        },
      );
      assert.equal(cell.heavy.completed, 3);
      assert.equal(cell.heavy.errors, 0);
      assert.equal(cell.heavy.bytes, 100_000);
      assert.equal(cell.heavy.rps, 3);
      assert.equal(cell.heavy.mbPerS, 0.3);
      assert.deepEqual(cell.workerSpread, {});
      assert.deepEqual(
        cell.timeline.slice(0, 3).map((p) => [p.t, p.probe, p.heavy]),
        [
          [0, 400, 0],
          [1, 100, 3],
          [2, 380, 0],
        ],
      );
      assert.ok(cell.loadgen.cpuPercent.median >= 0);
      // The /metrics scrapes ran, timed from the fake's loopstall-start line.
      assert.notEqual(cell.server.eventLoopDelayP99Ms, null);
      for (const file of ["report.md", "report.html"]) {
        assert.ok((await readFile(join(out, file), "utf8")).length > 0);
      }
      assert.match(
        lines.join(""),
        /\[1\/1\] connect-proto workers=1 strategy=inline source=build repeat 1\/1: probe 400 → 100 req\/s \(25%\)/,
      );
    });
  });
});
