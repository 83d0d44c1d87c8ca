import assert from "node:assert/strict";
import { createServer, type Http2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { BankService, ClientSchema } from "../gen/bank/v1/bank_pb.js";
import { runLoad } from "./load-run.js";
import { defaultHeavySettings, defaultProbeSettings } from "./load-settings.js";

/**
 * A tiny h2c Connect server that counts the calls it receives per method and
 * answers each from one of two fake "workers".
 */
async function countingServer() {
  const counts = { live: 0, listClients: 0 };
  const handler = connectNodeAdapter({
    routes(router) {
      router.service(BankService, {
        live() {
          counts.live++;
          return { pid: 1 };
        },
        listClients(request) {
          counts.listClients++;
          const n = request.shape?.count ?? 0;
          return { clients: Array.from({ length: n }, (_, id) => create(ClientSchema, { id })) };
        },
        async *streamClients() {},
      });
    },
  });
  let served = 0;
  const server: Http2Server = createServer((req, res) => {
    res.setHeader("x-worker", served++ % 2 === 0 ? "w1" : "w2");
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, counts, served: () => served };
}

describe("runLoad", () => {
  let target: Awaited<ReturnType<typeof countingServer>>;
  before(async () => {
    target = await countingServer();
  });
  after(() => target.server.close());

  for (const mode of ["closed", "open"] as const) {
    it(`${mode} probe: its counts match what the server received`, async () => {
      const live0 = target.counts.live;
      const list0 = target.counts.listClients;
      const served0 = target.served();
      const seconds: number[] = [];
      const result = await runLoad({
        baseUrl: target.url,
        format: "connect-proto",
        strategy: "inline",
        shape: { count: 100, accountsPerClient: 1, filledStrings: 0 },
        // Timeouts far above any latency: this test counts calls, and a busy
        // machine must not turn slow calls into errors.
        probe: { ...defaultProbeSettings, mode, rate: 100, connections: 2, timeoutMs: 10_000 },
        heavy: { ...defaultHeavySettings, concurrency: 1, connections: 1 },
        phases: { baselineS: 0.5, heavyS: 1, recoveryS: 0.5 },
        onSecond: (point) => seconds.push(point.epoch),
      });
      const live = target.counts.live - live0;
      const list = target.counts.listClients - list0;
      const { baseline, heavy, recovery } = result.probe;
      const probeOk = baseline.completed + heavy.completed + recovery.completed;
      assert.equal(result.probe.errors, 0);
      assert.equal(probeOk, live);
      if (mode === "open") {
        assert.equal(live, 200); // 100/s for 2 s
      }
      // The timeline holds every successful call, probe and heavy.
      const sum = (key: "probe" | "heavy") => result.timeline.reduce((s, p) => s + p[key], 0);
      assert.equal(sum("probe"), live);
      assert.equal(sum("heavy"), result.heavy.completed);
      // Heavy calls cut at the phase's end may or may not have reached the server.
      assert.ok(result.heavy.completed > 0);
      assert.ok(list >= result.heavy.completed);
      assert.ok(list <= result.heavy.completed + result.heavy.cancelled + result.heavy.errors);
      assert.equal(result.heavy.errors, 0);
      // Every answered call is tallied under the x-worker it named (the
      // server alternates two); cancelled calls got no answer.
      const { w1 = 0, w2 = 0 } = result.workerSpread;
      assert.deepEqual(Object.keys(result.workerSpread), ["w1", "w2"]);
      assert.equal(w1 + w2, live + result.heavy.completed);
      assert.ok(Math.abs(w1 - w2) <= target.served() - served0 - (w1 + w2) + 1);
      // One live line per second of the timeline.
      assert.deepEqual(
        seconds,
        result.timeline.map((p) => p.epoch),
      );
      assert.ok(result.phases.heavyStart < result.phases.heavyEnd);
      assert.ok(result.loadgenCpuPercent >= 0);
    });
  }

  it("refuses a non-loopback target and bad phases", async () => {
    const base = {
      baseUrl: target.url,
      format: "grpc" as const,
      strategy: "inline" as const,
      shape: { count: 1, accountsPerClient: 1, filledStrings: 0 },
      probe: defaultProbeSettings,
      heavy: defaultHeavySettings,
      phases: { baselineS: 1, heavyS: 1, recoveryS: 1 },
    };
    await assert.rejects(runLoad({ ...base, baseUrl: "http://example.com" }), /refused/);
    await assert.rejects(
      runLoad({ ...base, phases: { baselineS: 1, heavyS: 0, recoveryS: 1 } }),
      RangeError,
    );
  });
});
