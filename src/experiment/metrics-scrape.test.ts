import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";
import { delayQuantileMs, parseDelayMetrics, scrapeDelay } from "./metrics-scrape.js";

function exposition(worker: string, counts: number[], max: number): string {
  const les = ["0.001", "0.01", "0.1", "1", "+Inf"];
  return [
    "# HELP loopstall_event_loop_delay_seconds x",
    "# TYPE loopstall_event_loop_delay_seconds histogram",
    ...les.map(
      (le, i) =>
        `loopstall_event_loop_delay_seconds_bucket{le="${le}",worker="${worker}"} ${counts[i]}`,
    ),
    `loopstall_event_loop_delay_seconds_sum{worker="${worker}"} 1`,
    `loopstall_event_loop_delay_max_seconds{worker="${worker}"} ${max}`,
    'other_metric{worker="1"} 5',
  ].join("\n");
}

describe("parseDelayMetrics and delayQuantileMs", () => {
  it("reads the buckets and max per worker", () => {
    const snapshot = parseDelayMetrics(exposition("11", [1, 2, 3, 4, 5], 0.5));
    assert.deepEqual(
      [...(snapshot.buckets.get("11") ?? new Map())],
      [
        [0.001, 1],
        [0.01, 2],
        [0.1, 3],
        [1, 4],
        [Number.POSITIVE_INFINITY, 5],
      ],
    );
    assert.equal(snapshot.maxSeconds.get("11"), 0.5);
  });

  it("takes the quantile of the difference between two scrapes, per worker", () => {
    const before = parseDelayMetrics(
      `${exposition("1", [100, 100, 100, 100, 100], 0)}\n${exposition("2", [0, 0, 0, 0, 0], 0)}`,
    );
    // Worker 1: 100 new samples, all between 10 and 100 ms. Worker 2: 90 fast, 10 slow.
    const after = parseDelayMetrics(
      `${exposition("1", [100, 100, 200, 200, 200], 0.09)}\n${exposition("2", [90, 90, 90, 100, 100], 0.8)}`,
    );
    const p50 = delayQuantileMs(before, after, 0.5);
    assert.equal(Math.round(p50.get("1") ?? -1), 55); // halfway through 10–100 ms
    const p99 = delayQuantileMs(before, after, 0.99);
    assert.equal(Math.round(p99.get("2") ?? -1), 910); // 9/10 through 100–1000 ms
  });

  it("leaves out workers with no new samples", () => {
    const snap = parseDelayMetrics(exposition("1", [5, 5, 5, 5, 5], 0));
    assert.equal(delayQuantileMs(snap, snap, 0.99).size, 0);
  });
});

describe("scrapeDelay", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(() => server.close());

  it("reads the real server's /metrics", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const snapshot = await scrapeDelay(server.url);
    assert.ok(snapshot);
    assert.ok(snapshot.buckets.has(String(process.pid)));
  });

  it("returns undefined when nothing answers", async () => {
    assert.equal(await scrapeDelay("http://127.0.0.1:1", 500), undefined);
  });
});
