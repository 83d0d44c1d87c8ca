import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { openRawConnection, type RawConnection } from "./raw-client.js";
import { type RequestRecord, runWorkload } from "./workload.js";

/** A server that counts what it receives and answers after `?delay=` ms. */
function countingServer(): Promise<{ server: Server; url: string; received: () => number }> {
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    const delay = Number(new URL(req.url ?? "/", "http://x").searchParams.get("delay") ?? 0);
    setTimeout(() => {
      res.setHeader("x-worker", received % 2 === 0 ? "even" : "odd");
      res.end("ok");
    }, delay);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, received: () => received });
    });
  });
}

describe("runWorkload", () => {
  let target: Awaited<ReturnType<typeof countingServer>>;
  let conns: RawConnection[] = [];
  const call = (path: string) => async (conn: number, signal: AbortSignal) => {
    const res = await (conns[conn] as RawConnection).request(
      { method: "GET", path, headers: {} },
      signal,
      () => {},
    );
    return { status: res.status === 200 ? "OK" : "Unknown", bytes: res.bytes };
  };

  before(async () => {
    target = await countingServer();
    conns = [0, 1, 2].map(() => openRawConnection(target.url, "1.1"));
  });
  after(() => {
    for (const c of conns) {
      c.close();
    }
    target.server.closeAllConnections();
    target.server.close();
  });

  it("makes exactly `total` calls in the closed model, as the server counts them", async () => {
    const start = target.received();
    const records: RequestRecord[] = [];
    const result = await runWorkload({
      call: call("/"),
      concurrency: 3,
      connections: 3,
      total: 50,
      timeoutMs: 5_000,
      onRecord: (r) => records.push(r),
    });
    assert.equal(result.count, 50);
    assert.equal(result.endReason, "normal");
    assert.equal(records.length, 50);
    assert.equal(target.received() - start, 50);
    assert.ok(records.every((r) => r.status === "OK" && r.bytes === 2));
  });

  it("schedules rps × duration calls in the open model", async () => {
    const start = target.received();
    const records: RequestRecord[] = [];
    const result = await runWorkload({
      call: call("/"),
      concurrency: 20,
      connections: 3,
      rps: 100,
      durationMs: 500,
      timeoutMs: 5_000,
      onRecord: (r) => records.push(r),
    });
    assert.equal(result.endReason, "timeout");
    assert.equal(result.count, 50);
    assert.equal(target.received() - start, 50);
    // Scheduled starts are exactly 10 ms apart.
    const starts = records.map((r) => r.start).sort((a, b) => a - b);
    const first = starts[0] as number;
    const last = starts[starts.length - 1] as number;
    assert.equal(Math.round(last - first), 490);
  });

  it("stops after the duration in the closed model and counts every call", async () => {
    const start = target.received();
    const result = await runWorkload({
      call: call("/?delay=5"),
      concurrency: 2,
      connections: 2,
      durationMs: 300,
      timeoutMs: 5_000,
    });
    assert.equal(result.endReason, "timeout");
    assert.ok(result.count > 0);
    assert.equal(target.received() - start, result.count);
  });

  it("reports calls past the timeout as DeadlineExceeded", async () => {
    const records: RequestRecord[] = [];
    const result = await runWorkload({
      call: call("/?delay=2000"),
      concurrency: 1,
      connections: 1,
      total: 2,
      timeoutMs: 50,
      onRecord: (r) => records.push(r),
    });
    assert.equal(result.count, 2);
    assert.deepEqual(
      records.map((r) => r.status),
      ["DeadlineExceeded", "DeadlineExceeded"],
    );
  });

  it("ends with reason cancel when the signal aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await runWorkload({
      call: call("/?delay=10"),
      concurrency: 2,
      connections: 2,
      durationMs: 60_000,
      timeoutMs: 5_000,
      signal: controller.signal,
    });
    assert.equal(result.endReason, "cancel");
  });

  it("keeps one abort listener on the run signal however many calls are in flight", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    const controller = new AbortController();
    let most = 0;
    const sampler = setInterval(() => {
      most = Math.max(most, getEventListeners(controller.signal, "abort").length);
    }, 5);
    const records: RequestRecord[] = [];
    setTimeout(() => controller.abort(), 400);
    try {
      const result = await runWorkload({
        // 3 connections × HTTP/1.1 keep the rest of the 40 callers waiting or queued.
        call: call("/?delay=1000"),
        concurrency: 40,
        connections: 3,
        rps: 400,
        durationMs: 60_000,
        timeoutMs: 5_000,
        signal: controller.signal,
        onRecord: (r) => records.push(r),
      });
      // Let a pending warning be emitted (it is deferred with process.nextTick).
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(result.endReason, "cancel");
    } finally {
      clearInterval(sampler);
      process.off("warning", onWarning);
    }
    assert.equal(
      warnings.filter((w) => w.name === "MaxListenersExceededWarning").length,
      0,
      warnings.map(String).join("\n"),
    );
    assert.ok(most <= 1, `the run signal had ${most} abort listeners`);
    // Cancelling still reaches every in-flight call.
    assert.ok(records.length >= 3);
    assert.ok(records.every((r) => r.status === "Canceled"));
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
  });

  it("backs off on connection errors instead of spinning, and names them Unavailable", async () => {
    // A port nobody listens on: bind one, note it, close it.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const dead = [0, 1].map(() => openRawConnection(`http://127.0.0.1:${port}`, "1.1"));
    const records: RequestRecord[] = [];
    try {
      const result = await runWorkload({
        async call(conn, signal) {
          const res = await (dead[conn] as RawConnection).request(
            { method: "GET", path: "/", headers: {} },
            signal,
            () => {},
          );
          return { status: res.status === 200 ? "OK" : "Unknown" };
        },
        concurrency: 2,
        connections: 2,
        durationMs: 700,
        timeoutMs: 1_000,
        onRecord: (r) => records.push(r),
      });
      // 10 + 20 + 40 + 80 + 160 + 320 ms of backoff: about 7 calls a worker in 700 ms
      // (without backoff, thousands).
      assert.ok(result.count <= 20, `${result.count} calls in 700 ms against a closed port`);
      assert.ok(result.count >= 4);
    } finally {
      for (const c of dead) {
        c.close();
      }
    }
    assert.ok(
      records.every((r) => r.status === "Unavailable"),
      records[0]?.error,
    );
  });

  it("rejects out-of-range options", async () => {
    const base = { call: call("/"), concurrency: 1, connections: 1, timeoutMs: 100 };
    await assert.rejects(runWorkload({ ...base, concurrency: 0 }), RangeError);
    await assert.rejects(runWorkload({ ...base, total: 1e12 }), RangeError);
    await assert.rejects(runWorkload({ ...base, rps: -1 }), RangeError);
  });
});
