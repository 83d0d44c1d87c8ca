import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  durationMs,
  parseGhz,
  parseH2load,
  parseTimes,
  parseWrk,
  quantile,
} from "./tool-output.js";

const h2loadOut = `starting benchmark...
finished in 2.25s, 8900.27 req/s, 347.90KB/s
requests: 20000 total, 20000 started, 20000 done, 19990 succeeded, 10 failed, 0 errored, 0 timeout
status codes: 19990 2xx, 0 3xx, 0 4xx, 10 5xx
traffic: 782.71KB (801500) total, 78.36KB (80240) headers (space savings 92.72%), 195.31KB (200000) data
                     min         max         mean         sd        +/- sd
time for request:      891us     60.37ms      3.56ms      3.63ms    93.12%
`;

const wrkOut = `Running 3s test @ http://127.0.0.1:1/.well-known/live
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   512.00us  100.00us   5.00ms   90.00%
  Latency Distribution
     50%  480.00us
     75%  520.00us
     90%  600.00us
     99%    1.20ms
  90000 requests in 3.00s, 12.00MB read
  Non-2xx or 3xx responses: 12
Requests/sec:  30000.00
Transfer/sec:      4.00MB
`;

describe("load tool output", () => {
  it("reads durations in every unit wrk and h2load print", () => {
    assert.equal(durationMs("850us"), 0.85);
    assert.equal(durationMs("1.5ms"), 1.5);
    assert.equal(durationMs("2s"), 2_000);
    assert.throws(() => durationMs("fast"));
  });

  it("takes the nearest-rank quantile", () => {
    assert.equal(quantile([5, 1, 4, 2, 3], 0.5), 3);
    assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99), 10);
    assert.ok(Number.isNaN(quantile([], 0.99)));
  });

  it("parses h2load, counting non-2xx as failed and the p99 from its log file", () => {
    const log = Array.from(
      { length: 100 },
      (_, i) => `1\t${i === 99 ? 500 : 200}\t${(i + 1) * 1_000}`,
    ).join("\n");
    const m = parseH2load(h2loadOut, log);
    assert.equal(m.ok, 19_990);
    assert.equal(m.failed, 20);
    assert.equal(Math.round(m.rps), Math.round(19_990 / 2.25));
    assert.equal(m.meanMs, 3.56);
    assert.equal(m.p99Ms, 99); // the 5xx line is left out: 99 durations, 1..99 ms
    assert.ok(Math.abs((m.mbPerSec ?? 0) - 801_500 / 1e6 / 2.25) < 1e-9);
    assert.throws(() => parseH2load("nothing"));
  });

  it("parses wrk --latency output", () => {
    const m = parseWrk(wrkOut);
    assert.equal(m.ok, 90_000 - 12);
    assert.equal(m.failed, 12);
    assert.equal(m.p99Ms, 1.2);
    assert.equal(m.meanMs, 0.512);
  });

  it("parses a ghz JSON report", () => {
    const m = parseGhz(
      JSON.stringify({
        count: 1_000,
        total: 2e9,
        average: 3e6,
        rps: 500,
        latencyDistribution: [{ percentage: 99, latency: 9e6 }],
        statusCodeDistribution: { OK: 990, Unavailable: 10 },
      }),
    );
    assert.deepEqual(m, { ok: 990, failed: 10, rps: 495, meanMs: 3, p99Ms: 9 });
  });

  it("reads the children's CPU from bash times", () => {
    assert.equal(parseTimes("0m0.001s 0m0.002s\n0m1.250s 0m0.250s\n"), 1.5);
    assert.equal(parseTimes("garbage"), undefined);
  });
});
