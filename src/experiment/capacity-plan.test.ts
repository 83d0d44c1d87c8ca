import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixtureSummary } from "../../test/support/report-fixture.js";
import { formatPlan, type PlanOptions, planCell, planSummary } from "./capacity-plan.js";

const options: PlanOptions = {
  heavyRps: 10,
  probePeriodS: 10,
  probeTimeoutS: 1,
  failureThreshold: 3,
};

describe("capacity plan", () => {
  const summary = fixtureSummary();
  const [inline, offload, stream] = summary.cells;
  if (!inline || !offload || !stream) throw new Error("fixture has three cells");

  it("scales the measured per-process heavy rate linearly to the pods needed", () => {
    // inline: 4.2 req/s on one process; 10 req/s needs 3 pods, each 79% busy.
    const p = planCell(inline, options);
    assert.equal(p.perPodRps, 4.2);
    assert.equal(p.pods, 3);
    assert.ok(Math.abs((p.utilization ?? 0) - 10 / 12.6) < 1e-9);
    // offload was measured on 2 workers: 1.6 req/s is 0.8 per process, 13 pods.
    const o = planCell(offload, options);
    assert.equal(o.perPodRps, 0.8);
    assert.equal(o.pods, 13);
  });

  it("needs exactly N pods when the target is N times a pod's rate", () => {
    assert.equal(planCell(inline, { ...options, heavyRps: 8.4 }).pods, 2);
    assert.equal(planCell(inline, { ...options, heavyRps: 0.01 }).pods, 1);
  });

  it("fails the liveness probe when the worst p99 is over the timeout, and predicts restarts", () => {
    const p = planCell(inline, options);
    // The worst repeat's p99 (1,702 ms), not the median's 1,480 ms.
    assert.ok(Math.abs(p.probeP99DuringMs - 1480 * 1.15) < 1e-9);
    assert.equal(p.verdict, "fails");
    // Stalls of (1 − 0.004) ÷ 4.2 = 0.237 s are shorter than the worst p99, 1.702 s: S is the p99.
    const stall = 1.702;
    assert.ok(Math.abs((p.stallS ?? 0) - stall) < 1e-9);
    const q = (10 / 12.6) * (1 - 0.004) * ((stall - 1) / stall);
    assert.ok(Math.abs((p.probeFailure ?? 0) - q) < 1e-9);
    assert.ok(Math.abs((p.secondsBetweenRestarts ?? 0) - 10 / q ** 3) < 1e-6);
  });

  it("takes the stall from the blocked time per response when it is longer than the p99", () => {
    // 0.8 req/s at 4% retention: 1.2 s of blocked loop per response; p99 at the timeout.
    const slow = {
      ...inline,
      heavy: { ...inline.heavy, rps: 0.8 },
      probe: {
        ...inline.probe,
        retention: 0.04,
        p99DuringMs: 1_000,
        stats: { ...inline.probe.stats, p99DuringMs: { median: 1_000, min: 990, max: 1_000 } },
      },
    };
    const p = planCell(slow, { ...options, heavyRps: 8 });
    assert.equal(p.pods, 10);
    assert.ok(Math.abs((p.stallS ?? 0) - 1.2) < 1e-9);
    // A probe fails when it lands in a stall's first 0.2 s, more than 1 s before its end.
    assert.ok(Math.abs((p.probeFailure ?? 0) - 0.96 * (0.2 / 1.2)) < 1e-9);
    assert.equal(p.verdict, "fails");
  });

  it("passes when the p99 is under the timeout, and rarely fails on lightly loaded pods", () => {
    assert.equal(planCell(inline, { ...options, probeTimeoutS: 2 }).verdict, "passes");
    assert.equal(planCell(stream, options).verdict, "passes");
    assert.equal(planCell(stream, options).probeFailure, 0);
    // 0.1 req/s on a pod that serves 4.2: a restart only every ~9 days.
    const light = planCell(inline, { ...options, heavyRps: 0.1 });
    assert.equal(light.verdict, "rarely fails");
    assert.ok((light.secondsBetweenRestarts ?? 0) > 86_400);
  });

  it("counts measuring probes that timed out as over the timeout, when theirs was no longer", () => {
    // 3 repeats of 20 s at 5,893 probe req/s, and 4,000 calls timed out: 1.1% of them.
    const cut = { ...stream, probe: { ...stream.probe, errors: 4_000 } };
    const run = { probeTimeoutMs: 1_000, heavyS: 20 };
    const p = planCell(cut, options, run);
    assert.notEqual(p.verdict, "passes");
    const share = 4_000 / (4_000 + stream.probe.duringRps * 20 * 3);
    assert.ok(Math.abs((p.probeFailure ?? 0) - (p.utilization ?? 0) * share) < 1e-9);
    // A 2 s measuring timeout says nothing about a 1 s liveness timeout's failures below 2 s.
    assert.equal(planCell(cut, options, { ...run, probeTimeoutMs: 2_000 }).verdict, "passes");
    assert.equal(planCell(stream, options, run).verdict, "passes");
  });

  it("has no pod count for a cell that served no heavy request, and says why", () => {
    const idle = { ...inline, heavy: { ...inline.heavy, rps: 0 } };
    const p = planCell(idle, options);
    assert.equal(p.pods, null);
    assert.equal(p.verdict, null);
    assert.match(p.note ?? "", /no heavy request completed/);
  });

  it("prints the assumptions next to one row per strategy and format", () => {
    const text = formatPlan(summary, planSummary(summary, options), options);
    assert.match(text, /linear scaling per pod/);
    assert.match(text, /one heavy stream per event loop/);
    assert.match(text, /Node v20\.20\.2, 2 cores/);
    const rows = text.split("\n").filter((l) => /^(connect-proto|connect-json|grpc) /.test(l));
    assert.equal(rows.length, 3);
    assert.match(
      rows[0] ?? "",
      /^connect-proto\s+1\s+inline\s+4\.20\s+3\s+79%.*fails \(32\.\d% of probes fail in 1\.70 s stalls; a restart every 4\.\d+ min per pod\)$/,
    );
    assert.match(rows[2] ?? "", /^grpc\s+2\s+stream\s+.*passes$/);
    assert.match(text, /workers > 1 were measured as several processes/);
    assert.doesNotMatch(text, /\bsource\b/);
  });

  it("names each row's data source when the run has memory cells", () => {
    const withMemory = { ...summary, cells: [inline, { ...inline, source: "memory" as const }] };
    const text = formatPlan(withMemory, planSummary(withMemory, options), options);
    assert.match(text, /^format\s+workers\s+strategy\s+source\s+heavy req\/s per pod/m);
    const rows = text.split("\n").filter((l) => l.startsWith("connect-proto "));
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/).slice(0, 4).join(" ")),
      ["connect-proto 1 inline build", "connect-proto 1 inline memory"],
    );
  });
});
