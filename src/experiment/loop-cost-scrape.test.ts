import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loopCostOf, parseLoopCost } from "./loop-cost-scrape.js";

/** A /metrics text with two workers, as a cluster scrape shows it. */
function metricsText(o: {
  active: [number, number];
  heavyOk: number;
  lightOk: number;
  blocks: Record<string, number>;
  cache: number;
}): string {
  const bucketLines = (worker: string) =>
    Object.entries(o.blocks).map(
      ([le, n]) =>
        `loopstall_event_loop_block_seconds_bucket{le="${le}",worker="${worker}"} ${worker === "1" ? n : 0}`,
    );
  return [
    "# HELP loopstall_event_loop_active_seconds_total Time the event loop spent running.",
    `loopstall_event_loop_active_seconds_total{worker="1"} ${o.active[0]}`,
    `loopstall_event_loop_active_seconds_total{worker="2"} ${o.active[1]}`,
    `loopstall_requests_total{route="/bank.v1.BankService/ListClients",format="connect-proto",code="ok",worker="1"} ${o.heavyOk}`,
    `loopstall_requests_total{route="/bank.v1.BankService/ListClients",format="connect-proto",code="resource_exhausted",worker="1"} 7`,
    `loopstall_requests_total{route="/bank.v1.BankService/Live",format="connect-proto",code="ok",worker="2"} ${o.lightOk}`,
    `loopstall_source_cache_bytes{copy="main",worker="1"} ${o.cache}`,
    `loopstall_source_cache_bytes{copy="replica-3",worker="1"} ${o.cache}`,
    ...bucketLines("1"),
    ...bucketLines("2"),
    "",
  ].join("\n");
}

const buckets = (upTo4ms: number, upTo20ms: number, total: number) => ({
  "0.004": upTo4ms,
  "0.02": upTo20ms,
  "0.1": total,
  "+Inf": total,
});

describe("parseLoopCost", () => {
  it("sums active time, served heavy responses and cache copies over workers", () => {
    const snapshot = parseLoopCost(
      metricsText({
        active: [1.5, 2],
        heavyOk: 4,
        lightOk: 900,
        blocks: buckets(1, 2, 3),
        cache: 10,
      }),
      1_000,
    );
    assert.equal(snapshot.atMs, 1_000);
    assert.equal(snapshot.activeSeconds, 3.5);
    assert.equal(snapshot.heavyResponses, 4, "refused and light calls are not heavy responses");
    assert.equal(snapshot.lightResponses, 900);
    assert.equal(snapshot.cacheBytes, 20);
    assert.equal(snapshot.blocks.get("1")?.get(0.004), 1);
    assert.equal(snapshot.blocks.get("1")?.get(Number.POSITIVE_INFINITY), 3);
  });
});

describe("loopCostOf", () => {
  it("subtracts the baseline's busy time per light request and divides by the heavy responses", () => {
    // Baseline: 0.5 s busy for 500 light requests (1 ms each). Heavy phase:
    // 3.1 s busy, 1,000 light requests (1 s of it), 6 heavy responses.
    const baseline = parseLoopCost(
      metricsText({ active: [1, 0], heavyOk: 0, lightOk: 0, blocks: buckets(5, 5, 5), cache: 0 }),
      0,
    );
    const heavy = parseLoopCost(
      metricsText({
        active: [1.5, 0],
        heavyOk: 0,
        lightOk: 500,
        blocks: buckets(5, 5, 5),
        cache: 0,
      }),
      5_000,
    );
    const recovery = parseLoopCost(
      metricsText({
        active: [4.6, 0],
        heavyOk: 6,
        lightOk: 1_500,
        blocks: buckets(9, 12, 13),
        cache: 42,
      }),
      15_000,
    );
    const cost = loopCostOf(baseline, heavy, recovery);
    assert.ok(Math.abs((cost.mainThreadMsPerHeavy ?? 0) - ((3.1 - 1) * 1000) / 6) < 1e-6);
    // Without light requests in the baseline, its busy rate over time stands in.
    const quiet = { ...heavy, lightResponses: 0 };
    const rated = loopCostOf(baseline, quiet, { ...recovery, lightResponses: 0 });
    // 0.1 s/s over the 10 s heavy phase.
    assert.ok(Math.abs((rated.mainThreadMsPerHeavy ?? 0) - ((3.1 - 1) * 1000) / 6) < 1e-6);
    // One block grew past 20 ms: the longest is bounded by the 100 ms bucket.
    assert.equal(cost.longestBlockMs, 100);
    assert.equal(cost.sourceCacheBytes, 84);
  });

  it("bounds the longest block by the smallest bucket holding every block of the phase", () => {
    const heavy = parseLoopCost(
      metricsText({
        active: [0, 0],
        heavyOk: 0,
        lightOk: 0,
        blocks: buckets(100, 200, 300),
        cache: 0,
      }),
      0,
    );
    const recovery = parseLoopCost(
      metricsText({
        active: [1, 0],
        heavyOk: 2,
        lightOk: 0,
        blocks: buckets(110, 210, 310),
        cache: 0,
      }),
      1_000,
    );
    // Blocks before the phase are ignored; the phase's ten fit in 4 ms.
    assert.equal(loopCostOf(undefined, heavy, recovery).longestBlockMs, 4);
  });

  it("counts the main thread's CPU time instead of event-loop active time when the server has it", () => {
    const text = (cpu: number) =>
      `${metricsText({ active: [50, 50], heavyOk: 0, lightOk: 0, blocks: buckets(0, 0, 0), cache: 0 })}loopstall_main_thread_cpu_seconds_total{worker="1"} ${cpu}\n`;
    const heavy = parseLoopCost(text(1), 0);
    assert.equal(heavy.busyMeasure, "cpu");
    assert.equal(heavy.activeSeconds, 1);
    const recovery = { ...parseLoopCost(text(2.5), 1_000), heavyResponses: 3 };
    const cost = loopCostOf(undefined, heavy, recovery);
    assert.equal(cost.busyMeasure, "cpu");
    assert.equal(cost.mainThreadMsPerHeavy, 500);
    assert.equal(
      parseLoopCost(
        metricsText({ active: [1, 1], heavyOk: 0, lightOk: 0, blocks: {}, cache: 0 }),
        0,
      ).busyMeasure,
      "elu",
    );
  });

  it("gives null without heavy responses or without blocks", () => {
    const snapshot = parseLoopCost(
      metricsText({ active: [1, 1], heavyOk: 3, lightOk: 0, blocks: buckets(1, 1, 1), cache: 0 }),
      0,
    );
    const same = { ...snapshot, atMs: 1_000 };
    const cost = loopCostOf(undefined, snapshot, same);
    assert.equal(cost.mainThreadMsPerHeavy, null);
    assert.equal(cost.longestBlockMs, null);
  });
});
