import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  defaultKubeletSettings,
  describeKubelet,
  type KubeletSettings,
  ProbeSampler,
  parseKubeletProbe,
  simulateKubelet,
} from "./kubelet.js";

const t0 = 1_800_000_000_000;

/** A closed probe answering every 10 ms, except during `stalls` ([fromS, toS), seconds) when nothing answers. */
function sampler(runS: number, stalls: Array<[number, number]>): ProbeSampler {
  const s = new ProbeSampler();
  let at = t0;
  while (at < t0 + runS * 1000) {
    const stall = stalls.find(([from, to]) => at >= t0 + from * 1000 && at < t0 + to * 1000);
    // A call started in a stall is answered when it ends.
    const latencyMs = stall ? t0 + stall[1] * 1000 - at + 2 : 2;
    s.add({ startMs: at, latencyMs, ok: true });
    at += latencyMs + 8;
  }
  return s;
}

const everySecond: KubeletSettings = {
  liveness: { periodS: 1, timeoutS: 1, failureThreshold: 3, successThreshold: 1 },
  readiness: { periodS: 1, timeoutS: 1, failureThreshold: 2, successThreshold: 2 },
};

describe("the simulated kubelet", () => {
  it("passes every check of a service that always answers", () => {
    const v = simulateKubelet(sampler(30, []), defaultKubeletSettings, t0, t0 + 30_000, t0);
    assert.equal(v.liveness.checks, 3);
    assert.equal(v.liveness.failedChecks, 0);
    assert.equal(v.liveness.restarts, 0);
    assert.equal(v.readiness.unreadyS, 0);
    assert.equal(v.readiness.firstUnreadyAtS, null);
  });

  it("restarts after failureThreshold failed checks in a row and counts the time out of the endpoints", () => {
    // Stalled from 5 s to 12 s: checks at 5..11 s get no answer within 1 s.
    const v = simulateKubelet(sampler(20, [[5, 12]]), everySecond, t0, t0 + 20_000, t0);
    assert.equal(v.liveness.checks, 20);
    assert.deepEqual(v.liveness.failedAtS, [5, 6, 7, 8, 9, 10, 11]);
    // 7 failures in a row, threshold 3: restarts at the 3rd and the 6th.
    assert.equal(v.liveness.restarts, 2);
    assert.equal(v.liveness.firstRestartAtS, 7);
    // Unready at the 2nd failure (6 s), ready again at the 2nd success (13 s).
    assert.equal(v.readiness.firstUnreadyAtS, 6);
    assert.equal(v.readiness.unreadyS, 7);
  });

  it("fails a check whose first answer comes after the timeout, and one whose call failed", () => {
    const s = new ProbeSampler();
    s.add({ startMs: t0, latencyMs: 1_500, ok: true }); // too slow
    s.add({ startMs: t0 + 1_000, latencyMs: 5, ok: false }); // an error
    s.add({ startMs: t0 + 2_000, latencyMs: 5, ok: true });
    const one = { periodS: 1, timeoutS: 1, failureThreshold: 1, successThreshold: 1 };
    const v = simulateKubelet(s, { liveness: one, readiness: one }, t0, t0 + 3_000, t0 - 2_000);
    assert.deepEqual(v.liveness.failedAtS, [2, 3], "seconds on the axis whose zero is origin");
    assert.equal(v.readiness.unreadyS, 2);
  });

  it("stays out of the endpoints to the end of a run that never recovers", () => {
    const v = simulateKubelet(sampler(10, [[4, 100]]), everySecond, t0, t0 + 10_000, t0);
    assert.equal(v.readiness.firstUnreadyAtS, 5);
    assert.equal(v.readiness.unreadyS, 5);
  });

  it("parses the flag's settings, with the pod spec's names too", () => {
    assert.deepEqual(parseKubeletProbe("period=5,timeout=2,failures=1", "liveness"), {
      periodS: 5,
      timeoutS: 2,
      failureThreshold: 1,
      successThreshold: 1,
    });
    assert.deepEqual(parseKubeletProbe("periodSeconds=3,successThreshold=2", "readiness"), {
      periodS: 3,
      timeoutS: 1,
      failureThreshold: 3,
      successThreshold: 2,
    });
    assert.deepEqual(parseKubeletProbe("", "readiness"), defaultKubeletSettings.readiness);
  });

  for (const [text, message] of [
    ["period=0", /period must be an integer from 1 to 3600/],
    ["timeout=1.5", /timeout must be an integer/],
    ["bogus=1", /unknown setting "bogus"/],
    ["successes=2", /successes must be 1/],
  ] as const) {
    it(`refuses --liveness ${text}`, () => {
      assert.throws(() => parseKubeletProbe(text, "liveness"), message);
    });
  }

  it("describes the verdict in a line per probe", () => {
    const v = simulateKubelet(sampler(20, [[5, 12]]), everySecond, t0, t0 + 20_000, t0);
    assert.deepEqual(describeKubelet(v), [
      "kubernetes liveness (period=1,timeout=1,failures=3): 7 of 20 checks failed; restarted 2 times, first at t=7s",
      "kubernetes readiness (period=1,timeout=1,failures=2,successes=2): 7 of 20 checks failed; out of the Service's endpoints for 7 s from t=6s",
    ]);
  });
});
