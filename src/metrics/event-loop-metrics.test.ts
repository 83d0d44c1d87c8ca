import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { registerEventLoopMetrics } from "./event-loop-metrics.js";
import { parsePrometheusText, sumSamples } from "./prometheus-text.js";

describe("event-loop metrics", () => {
  it("sees a blocked event loop in the histogram, the max and the counters", async () => {
    const registry = new Registry();
    const stop = registerEventLoopMetrics(registry, { resolutionMs: 10, sliceMs: 50 });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const blockUntil = Date.now() + 150;
      while (Date.now() < blockUntil) {
        // Block the event loop, as a big synchronous serialization does.
      }
      await new Promise((r) => setTimeout(r, 100));
      const samples = parsePrometheusText(await registry.metrics());
      const bucket = (le: string) =>
        sumSamples(samples, "loopstall_event_loop_delay_seconds_bucket", { le });
      assert.ok(bucket("+Inf") > 0);
      assert.ok(bucket("0.1") < bucket("+Inf"), "one tick ran over 100 ms late");
      assert.ok(sumSamples(samples, "loopstall_event_loop_delay_max_seconds") >= 0.1);
      assert.ok(
        sumSamples(samples, "loopstall_event_loop_delay_window_seconds", { quantile: "1" }) >= 0.1,
      );
      assert.ok(sumSamples(samples, "loopstall_event_loop_active_seconds_total") >= 0.1);
      assert.ok(sumSamples(samples, "loopstall_event_loop_idle_seconds_total") > 0);
      const utilization = sumSamples(samples, "loopstall_event_loop_utilization");
      assert.ok(utilization > 0 && utilization <= 1);
    } finally {
      stop();
    }
  });
});
