import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { k6ResultMarker } from "../contract/k6-result-marker.js";
import type { K6CellResult } from "./k6-cell-schema.js";
import { extractK6Results, formatMerged, mergeK6Results } from "./k6-merge.js";
import { checkK6CellResult } from "./k6-result.js";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url);

/**
 * One runner's result as concurrency.ts's handleSummary builds it: a 2 s
 * baseline, 2 s of heavy load and 2 s of recovery, starting `startedAt`.
 */
function runner(startedAt: number, scale: number, p99HeavyMs: number): K6CellResult {
  const first = Math.floor(startedAt / 1000);
  const probe = [400, 410, 20, 30, 390, 405].map((n) => n * scale);
  const heavy = [0, 0, 1, 2, 0, 0].map((n) => n * scale);
  const phaseStats = (completed: number, p99Ms: number) => ({
    completed,
    rps: completed / 2,
    p50Ms: p99Ms / 4,
    p99Ms,
    maxMs: p99Ms * 1.5,
  });
  const offset = (startedAt - first * 1000) / 1000;
  return {
    kind: "loopstall-k6-result",
    version: 1,
    format: "connect-proto",
    strategy: "inline",
    startedAt,
    endedAt: startedAt + 6_000,
    timeline: probe.map((p, t) => ({ t, epoch: first + t, probe: p, heavy: heavy[t] ?? 0 })),
    phases: { heavyStart: offset + 2, heavyEnd: offset + 4 },
    probe: {
      baseline: phaseStats(810 * scale, 20),
      heavy: phaseStats(50 * scale, p99HeavyMs),
      recovery: phaseStats(795 * scale, 22),
      errors: scale,
    },
    heavy: {
      completed: 3 * scale,
      errors: 0,
      cancelled: 1,
      responseBytes: 7_600_000,
      totalBytes: 3 * scale * 7_600_000,
      rps: 1.5 * scale,
      mbPerS: 1.5 * scale * 7.6,
    },
    workerSpread: {},
    errorSamples: [],
  };
}

const a = runner(1_796_000_000_400, 1, 900);
const b = runner(1_796_000_001_200, 2, 1_200);

/** What `kubectl logs --prefix -l k6_cr=…` prints for two runners. */
function runnerLogs(...results: K6CellResult[]): string {
  return results
    .map((r, i) =>
      [
        `[pod/loopstall-concurrency-${i + 1}-abcde/k6] time="2026-12-01T10:00:00Z" level=info msg="loopstall-start ${r.startedAt}" source=console`,
        `[pod/loopstall-concurrency-${i + 1}-abcde/k6] # connect-proto inline: <epoch> <probe> <heavy>`,
        `[pod/loopstall-concurrency-${i + 1}-abcde/k6] ${k6ResultMarker}${JSON.stringify(r)}`,
      ].join("\n"),
    )
    .join("\n");
}

describe("k6-merge: finding the runners' results", () => {
  it("reads a RESULT_OUT file, and every marker line of runner logs, prefixed or not", () => {
    assert.equal(extractK6Results(JSON.stringify(a, null, 2), "a.json").length, 1);
    const found = extractK6Results(runnerLogs(a, b), "all.log");
    assert.deepEqual(
      found.map((r) => r.startedAt),
      [a.startedAt, b.startedAt],
    );
    assert.equal(extractK6Results(`${k6ResultMarker}${JSON.stringify(b)}\n`, "b.log").length, 1);
  });

  it("says which input and line is wrong", () => {
    assert.throws(
      () => extractK6Results("level=info msg=done\n", "runner.log"),
      /runner\.log: no "loopstall-k6-result" line; did the runners run with RESULT_OUT=-/,
    );
    assert.throws(
      () => extractK6Results(`x\n${k6ResultMarker}{"kind":`, "runner.log"),
      /^Error: runner\.log:2: not JSON/,
    );
    const bad = { ...a, probe: { ...a.probe, errors: -1 } };
    assert.throws(
      () => extractK6Results(`${k6ResultMarker}${JSON.stringify(bad)}`, "runner.log"),
      /^Error: runner\.log:1: probe\.errors must be >= 0/,
    );
    assert.throws(
      () => extractK6Results(JSON.stringify({ kind: "other" }), "x.json"),
      /x\.json: not a loopstall-k6-result version 1/,
    );
  });
});

describe("k6-merge: adding them up", () => {
  const merged = mergeK6Results([a, b]);

  it("sums completions per epoch second across runners that started a second apart", () => {
    assert.equal(merged.runners, 2);
    assert.equal(merged.startSkewMs, 800);
    // b started in the next epoch second: its first second adds to a's second.
    assert.deepEqual(
      merged.result.timeline.slice(0, 3).map((p) => [p.t, p.probe, p.heavy]),
      [
        [0, 400, 0],
        [1, 410 + 800, 0],
        [2, 20 + 820, 1],
      ],
    );
    assert.equal(merged.result.timeline.length, 7);
    // The heavy phase spans from a's start to b's end, on the merged axis.
    assert.ok(Math.abs(merged.result.phases.heavyStart - 2.4) < 1e-9);
    assert.ok(Math.abs(merged.result.phases.heavyEnd - (1 + 0.2 + 4)) < 1e-9);
  });

  it("adds counts and rates, and keeps the largest runner's percentiles", () => {
    const r = merged.result;
    assert.equal(r.probe.baseline.completed, 810 * 3);
    assert.equal(r.probe.heavy.rps, 25 * 3);
    assert.equal(r.probe.heavy.p99Ms, 1_200);
    assert.equal(r.probe.baseline.p99Ms, 20);
    assert.equal(r.probe.errors, 3);
    assert.equal(r.heavy.completed, 9);
    assert.equal(r.heavy.cancelled, 2);
    assert.equal(r.heavy.rps, 4.5);
    assert.equal(r.heavy.responseBytes, 7_600_000);
    // The merged result is a valid runner result itself.
    assert.deepEqual(checkK6CellResult(r), r);
    assert.match(formatMerged(merged), /2 runner\(s\), starts 800 ms apart/);
    assert.match(formatMerged(merged), /retention 6\.2%/);
  });

  it("refuses runners of different runs, and nothing at all", () => {
    assert.throws(() => mergeK6Results([]), /no runner result/);
    assert.throws(
      () => mergeK6Results([a, { ...b, strategy: "offload" }]),
      /runner 2 ran connect-proto offload, runner 1 connect-proto inline/,
    );
  });
});

describe("loopstall k6-merge", { timeout: 60_000 }, () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "loopstall-k6-merge-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("merges runner logs given as files and writes the merged JSON", async () => {
    await writeFile(join(dir, "r1.log"), runnerLogs(a));
    await writeFile(join(dir, "r2.log"), runnerLogs(b));
    const out = join(dir, "merged.json");
    const { stdout } = await run(
      process.execPath,
      ["bin/loopstall.js", "k6-merge", join(dir, "r1.log"), join(dir, "r2.log"), "--out", out],
      { cwd: root },
    );
    assert.match(stdout, /^# connect-proto inline: 2 runner\(s\)/);
    assert.match(stdout, /heavy: 9 completed \(4\.50 req\/s/);
    const written = checkK6CellResult(JSON.parse(await readFile(out, "utf8")));
    assert.equal(written.heavy.completed, 9);
  });

  it("exits 1 with one line for a log without results", async () => {
    await writeFile(join(dir, "empty.log"), "k6 started\n");
    await assert.rejects(
      run(process.execPath, ["bin/loopstall.js", "k6-merge", join(dir, "empty.log")], {
        cwd: root,
      }),
      (e: { code: number; stderr: string }) =>
        e.code === 1 && /^loopstall: .*empty\.log: no "loopstall-k6-result" line/.test(e.stderr),
    );
  });
});
