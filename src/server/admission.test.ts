import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { connect as connectTcp, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { Admission } from "../http/admission.js";
import type { AnyResponse } from "../http/node-types.js";
import { type RunningServer, startServer } from "./server.js";
import { defaultServerConfig } from "./server-config.js";

function fakeResponse(): AnyResponse & { destroyed: boolean } {
  const res = new EventEmitter() as unknown as AnyResponse & { destroyed: boolean };
  res.destroyed = false;
  (res as unknown as { destroy(): void }).destroy = () => {
    res.destroyed = true;
    res.emit("close");
  };
  return res;
}

const isExhausted = (e: unknown, flag: string) =>
  e instanceof ConnectError && e.code === Code.ResourceExhausted && e.rawMessage.includes(flag);

describe("Admission", () => {
  it("bounds heavy responses in progress and frees a slot when one finishes", () => {
    const admission = new Admission({
      maxHeavy: 2,
      maxPendingBytes: 1_000,
      writeTimeoutMs: 60_000,
    });
    const a = fakeResponse();
    admission.admit(a, 10);
    admission.admit(fakeResponse(), 10);
    assert.throws(
      () => admission.admit(fakeResponse(), 10),
      (e) => isExhausted(e, "--max-heavy"),
    );
    a.emit("finish");
    a.emit("close"); // Released once, not twice.
    assert.equal(admission.heavy, 1);
    admission.admit(fakeResponse(), 10);
    assert.equal(admission.shed, 1);
  });

  it("bounds the bytes held, but always admits one response when nothing is held", () => {
    const admission = new Admission({ maxHeavy: 10, maxPendingBytes: 100, writeTimeoutMs: 60_000 });
    const big = fakeResponse();
    admission.admit(big, 500);
    assert.throws(
      () => admission.admit(fakeResponse(), 1),
      (e) => isExhausted(e, "--max-pending-bytes"),
    );
    big.emit("close");
    assert.equal(admission.pendingBytes, 0);
    admission.admit(fakeResponse(), 60);
    admission.admit(fakeResponse(), 40);
    assert.throws(() => admission.admit(fakeResponse(), 1));
  });

  it("cuts a response at its write deadline and frees what it held", async () => {
    const admission = new Admission({ maxHeavy: 1, maxPendingBytes: 100, writeTimeoutMs: 20 });
    const res = fakeResponse();
    admission.admit(res, 50);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(res.destroyed, true);
    assert.equal(admission.heavy, 0);
    assert.equal(admission.pendingBytes, 0);
    assert.equal(admission.cut, 1);
  });
});

/** Sends a GET and never reads the answer: the server's writes back up. */
function slowReader(port: number, path: string): Socket {
  const socket = connectTcp(port, "127.0.0.1");
  socket.on("error", () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
  socket.pause();
  return socket;
}

async function untilShed(url: string): Promise<Response> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${url}/v1/clients?count=10`);
    if (res.status === 503) {
      return res;
    }
    await res.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the server never shed");
}

describe("admission in the server", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0, maxHeavy: 1 });
  });
  after(() => server.close());

  it("sheds heavy calls at the bound in every protocol, and Live still answers", async () => {
    // A slow reader of a chunked stream holds the one slot.
    const reader = slowReader(server.port, "/v1/clients?count=200000&strategy=stream");
    try {
      const shed = await untilShed(server.url);
      assert.equal(shed.headers.get("retry-after"), "1");
      const body = (await shed.json()) as { code: string; message: string };
      assert.equal(body.code, "resource_exhausted");
      assert.match(body.message, /--max-heavy/);
      for (const transport of [
        createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
        createGrpcTransport({ baseUrl: server.url }),
      ]) {
        const client = createClient(BankService, transport);
        await assert.rejects(client.listClients({ shape: { count: 10 } }), (e) =>
          isExhausted(e, "--max-heavy"),
        );
        assert.equal((await client.live({})).pid, process.pid);
      }
    } finally {
      reader.destroy();
    }
    // The reader left: its slot comes back.
    for (let i = 0; ; i++) {
      const res = await fetch(`${server.url}/v1/clients?count=10`);
      await res.arrayBuffer();
      if (res.status === 200) break;
      assert.ok(i < 100, "the slot never came back");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});

describe("the bytes bound and the write deadline in the server", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({
      ...defaultServerConfig,
      port: 0,
      maxPendingBytes: 1,
      writeTimeoutMs: 4_000,
    });
  });
  after(() => server.close());

  it("counts a slow reader's bytes until the write deadline cuts it", async () => {
    const reader = slowReader(server.port, "/v1/clients?count=40000");
    const closed = new Promise((resolve) => reader.once("close", resolve));
    try {
      const shed = await untilShed(server.url);
      assert.match(((await shed.json()) as { message: string }).message, /--max-pending-bytes/);
      // It never reads, so the deadline cuts its response and frees the bytes.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      let received = 0;
      reader.on("data", (chunk: Buffer) => {
        received += chunk.byteLength;
      });
      reader.resume();
      await closed;
      assert.ok(received < 10_000_000, `the cut response still sent ${received} bytes`);
      const res = await fetch(`${server.url}/v1/clients?count=10`);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    } finally {
      reader.destroy();
    }
  });
});
