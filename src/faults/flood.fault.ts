import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { connect as connectHttp2, constants } from "node:http2";
import { after, before, describe, it } from "node:test";
import { abandonedFlood, processMemory, timeUntilLive } from "./abandoned-flood.js";
import { readMetric } from "./metric.js";
import { startProcess } from "./start-server.js";

describe("faults: floods", { timeout: 240_000 }, () => {
  let child: ChildProcess;
  let url: string;
  before(async () => {
    ({ child, url } = await startProcess([]));
  });
  after(() => {
    child.kill("SIGKILL");
  });

  /** Heavy work finished: nothing in progress and no bytes held. */
  async function settled(): Promise<void> {
    for (let i = 0; ; i++) {
      const busy =
        (await readMetric(url, "loopstall_heavy_in_progress")) +
        (await readMetric(url, "loopstall_heavy_pending_bytes"));
      if (busy === 0) return;
      assert.ok(i < 600, "heavy work never finished");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("answers Live again after an abandoned flood over HTTP/1.1 and HTTP/2, and RSS comes back down", async () => {
    const pid = child.pid as number;
    await abandonedFlood({
      url,
      http1Connections: 12,
      http2Streams: 8,
      count: 200_000,
      leaveAfterMs: 1_000,
    });
    assert.notEqual(await timeUntilLive(url, 120_000), undefined, "Live answers again");
    await settled();
    // V8 hands memory back to the OS when it collects; give it some calls and time.
    let memory = await processMemory(pid);
    for (let i = 0; i < 40 && memory.rss >= memory.peak; i++) {
      await fetch(`${url}/v1/clients?count=1000`).then((r) => r.arrayBuffer());
      await new Promise((resolve) => setTimeout(resolve, 500));
      memory = await processMemory(pid);
    }
    const { rss, peak } = memory;
    assert.ok(peak <= 1.5 * 2 ** 30, `peak RSS ${peak} stays within 1.5 GiB`);
    assert.ok(rss < peak || rss <= 2 ** 30, `RSS ${rss} comes back below its peak ${peak}`);
    assert.ok((await readMetric(url, "loopstall_heavy_departed_total")) > 0);
  });

  it("survives an HTTP/2 stream flood and a RST_STREAM storm", async () => {
    const admittedBefore = await readMetric(url, "loopstall_heavy_admitted_total");
    const session = connectHttp2(url);
    session.on("error", () => {});
    // Far more streams than the 32 a session may have open: the rest are refused.
    const flood = Array.from(
      { length: 300 },
      () =>
        new Promise<void>((resolve) => {
          const stream = session.request({
            ":method": "POST",
            ":path": "/bank.v1.BankService/Live",
            "content-type": "application/json",
          });
          stream.on("error", () => resolve());
          stream.on("close", () => resolve());
          stream.resume();
          stream.end("{}");
        }),
    );
    await Promise.all(flood);
    // A storm of heavy streams, each reset as soon as it is sent.
    for (let i = 0; i < 500 && !session.destroyed; i++) {
      const stream = session.request({
        ":method": "POST",
        ":path": "/bank.v1.BankService/ListClients",
        "content-type": "application/json",
      });
      stream.on("error", () => {});
      stream.end('{"shape":{"count":40000}}');
      stream.close(constants.NGHTTP2_CANCEL);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    session.destroy();
    assert.notEqual(await timeUntilLive(url, 60_000), undefined, "Live answers");
    await settled();
    // Reset streams were dropped at the gate: at most a few were built.
    const admitted = (await readMetric(url, "loopstall_heavy_admitted_total")) - admittedBefore;
    assert.ok(admitted < 50, `${admitted} reset streams were built`);
  });
});
