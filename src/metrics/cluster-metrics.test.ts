import assert from "node:assert/strict";
import type { Worker } from "node:cluster";
import { describe, it } from "node:test";
import { Counter, Registry } from "prom-client";
import { createClusterMetricsPrimary } from "./cluster-metrics.js";
import { parsePrometheusText, sumSamples } from "./prometheus-text.js";

/** A stand-in for a cluster worker whose registry answers over fake IPC. */
function fakeWorker(
  pid: number,
  answers: boolean,
  deliver: (worker: Worker, message: unknown) => void,
  sent: unknown[],
): Worker {
  const registry = new Registry();
  registry.setDefaultLabels({ worker: String(pid) });
  new Counter({ name: "loopstall_requests_total", help: "h", registers: [registry] }).inc(pid);
  const worker = {
    isConnected: () => true,
    send(message: { type: string; id: number }) {
      sent.push(message);
      if (answers && message.type === "loopstall:local-metrics-req") {
        registry
          .getMetricsAsJSON()
          .then((metrics) =>
            deliver(worker, { type: "loopstall:local-metrics-res", id: message.id, metrics }),
          );
      }
      return true;
    },
  } as unknown as Worker;
  return worker;
}

describe("cluster metrics (primary side)", () => {
  it("merges every worker's registry, keeping one series per worker label", async () => {
    const sent: unknown[] = [];
    let handler: (worker: Worker, message: unknown) => void = () => {};
    const deliver = (worker: Worker, message: unknown) => handler(worker, message);
    const workers = [
      fakeWorker(101, true, deliver, sent),
      fakeWorker(202, true, deliver, sent),
      fakeWorker(303, false, deliver, sent),
    ];
    handler = createClusterMetricsPrimary(() => workers, 200);
    const asker = workers[0] as Worker;
    const reply = new Promise<{ text?: string }>((resolve) => {
      const original = asker.send.bind(asker);
      asker.send = ((message: { type: string; text?: string }) => {
        if (message.type === "loopstall:cluster-metrics-res") {
          resolve(message);
        }
        return original(message as never);
      }) as Worker["send"];
    });
    handler(asker, { type: "loopstall:cluster-metrics-req", id: 7 });
    handler(asker, "ready"); // PM2-style messages are ignored.
    handler(asker, null);
    const { text } = await reply;
    const samples = parsePrometheusText(text ?? "");
    assert.equal(sumSamples(samples, "loopstall_requests_total", { worker: "101" }), 101);
    assert.equal(sumSamples(samples, "loopstall_requests_total", { worker: "202" }), 202);
    // The silent worker is left out after the timeout, and the scrape says so.
    assert.equal(sumSamples(samples, "loopstall_requests_total", { worker: "303" }), 0);
    assert.equal(sumSamples(samples, "loopstall_metrics_workers_reporting"), 2);
  });
});
