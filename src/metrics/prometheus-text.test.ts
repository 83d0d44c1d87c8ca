import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parsePrometheusText, sumSamples } from "./prometheus-text.js";

describe("parsePrometheusText", () => {
  const text = [
    "# HELP loopstall_requests_total Requests.",
    "# TYPE loopstall_requests_total counter",
    'loopstall_requests_total{route="/v1/clients",format="rest-json",code="2xx",worker="1"} 3',
    'loopstall_requests_total{route="/v1/clients",format="rest-json",code="4xx",worker="2"} 2',
    'loopstall_event_loop_delay_seconds_bucket{le="+Inf",worker="1"} 7',
    'odd{msg="a \\"quoted\\" value"} 1.5e-3',
    "loopstall_metrics_workers_reporting 2",
    "",
  ].join("\n");

  it("reads names, labels and values, skipping comments", () => {
    const samples = parsePrometheusText(text);
    assert.equal(samples.length, 5);
    assert.deepEqual(samples[2], {
      name: "loopstall_event_loop_delay_seconds_bucket",
      labels: { le: "+Inf", worker: "1" },
      value: 7,
    });
    assert.deepEqual(samples[3]?.labels, { msg: 'a "quoted" value' });
    assert.equal(samples[3]?.value, 0.0015);
  });

  it("sums the samples matching a label filter", () => {
    const samples = parsePrometheusText(text);
    assert.equal(sumSamples(samples, "loopstall_requests_total"), 5);
    assert.equal(sumSamples(samples, "loopstall_requests_total", { code: "4xx" }), 2);
    assert.equal(sumSamples(samples, "loopstall_requests_total", { worker: "9" }), 0);
    assert.equal(sumSamples(samples, "loopstall_metrics_workers_reporting"), 2);
  });
});
