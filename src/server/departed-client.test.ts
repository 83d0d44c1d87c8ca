import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { connect as connectHttp2 } from "node:http2";
import { connect as connectTcp } from "node:net";
import { after, before, describe, it } from "node:test";
import { readMetric } from "../faults/metric.js";
import { startProcess } from "../faults/start-server.js";

/** Resolves once Live stops answering within 200 ms: the loop is blocked. */
async function untilBlocked(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${url}/.well-known/live`, { signal: AbortSignal.timeout(200) });
      await res.arrayBuffer();
    } catch {
      return;
    }
  }
  throw new Error("the loop never blocked");
}

describe("no work for a departed client", () => {
  let child: ChildProcess;
  let url: string;
  before(async () => {
    ({ child, url } = await startProcess([]));
  });
  after(() => {
    child.kill("SIGKILL");
  });

  it("neither builds nor encodes requests whose clients left while the loop was blocked", async () => {
    const port = Number(new URL(url).port);
    const admittedBefore = await readMetric(url, "loopstall_heavy_admitted_total");
    // An inline build of 150,000 clients blocks the server's loop for seconds.
    const blocker = fetch(`${url}/v1/clients?count=150000`).then((r) => r.arrayBuffer());
    await untilBlocked(url);
    // Meanwhile 10 HTTP/1.1 clients and one HTTP/2 client with 8 streams ask and leave.
    const sockets = Array.from({ length: 10 }, () => {
      const socket = connectTcp(port, "127.0.0.1");
      socket.on("error", () => {});
      socket.write("GET /v1/clients?count=150000 HTTP/1.1\r\nhost: x\r\n\r\n");
      return socket;
    });
    const session = connectHttp2(url);
    session.on("error", () => {});
    for (let i = 0; i < 8; i++) {
      const stream = session.request({
        ":method": "POST",
        ":path": "/bank.v1.BankService/ListClients",
        "content-type": "application/json",
      });
      stream.on("error", () => {});
      stream.end('{"shape":{"count":150000}}');
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    for (const socket of sockets) socket.destroy();
    session.destroy();
    await blocker;
    // Live answers again, and only the blocker was ever admitted (built). The
    // HTTP/1.1 requests are dropped at the gate; HTTP/2 streams may already
    // fail in Connect's body read, before the service runs.
    assert.equal((await fetch(`${url}/.well-known/live`)).status, 200);
    for (let i = 0; (await readMetric(url, "loopstall_heavy_departed_total")) < 10; i++) {
      assert.ok(
        i < 50,
        `dropped ${await readMetric(url, "loopstall_heavy_departed_total")}, admitted ${await readMetric(url, "loopstall_heavy_admitted_total")}, shed ${await readMetric(url, "loopstall_heavy_shed_total")}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await readMetric(url, "loopstall_heavy_admitted_total"), admittedBefore + 1);
  });
});
