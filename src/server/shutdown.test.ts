import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { after, describe, it } from "node:test";
import { ConnectError, createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { startServerProcess } from "../launcher/server-process.js";

/** Polls until a new connection is refused; false if it never is within ~5 s. */
async function refusesConnections(url: string): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(`${url}/.well-known/live`, { headers: { connection: "close" } });
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe("graceful shutdown", () => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) {
      child.kill("SIGKILL");
    }
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`on ${signal}: finishes in-flight streams, closes idle HTTP/2 sessions, refuses new connections, exits 0`, async () => {
      // A long shutdown bound: the process can only exit promptly if it
      // really closes idle sessions instead of waiting them out.
      const { child, url } = await startChild(["--shutdown-timeout-ms", "120000"]);
      children.push(child);
      const exited = once(child, "exit");

      const idle = new Http2SessionManager(url);
      const grpc = createClient(
        BankService,
        createGrpcTransport({ baseUrl: url, sessionManager: idle }),
      );
      await grpc.live({}); // Leaves an idle HTTP/2 session open.

      const streaming = new Http2SessionManager(url);
      const overH2 = createClient(
        BankService,
        createGrpcTransport({ baseUrl: url, sessionManager: streaming }),
      )
        .streamClients({ shape: { count: 20_000 }, pageSize: 100 })
        [Symbol.asyncIterator]();
      const overH1 = createClient(
        BankService,
        createConnectTransport({ baseUrl: url, httpVersion: "1.1" }),
      )
        .streamClients({ shape: { count: 20_000 }, pageSize: 100 })
        [Symbol.asyncIterator]();
      // Both streams are in flight once their first page has arrived.
      let received =
        ((await overH2.next()).value?.clients.length ?? 0) +
        ((await overH1.next()).value?.clients.length ?? 0);

      child.kill(signal);
      // The listener closes while both streams are still unread and in flight.
      assert.ok(await refusesConnections(url), "no new connections during the drain");
      assert.equal(child.exitCode, null, "still draining");
      for (const stream of [overH2, overH1]) {
        for (let page = await stream.next(); !page.done; page = await stream.next()) {
          received += page.value.clients.length;
        }
      }
      assert.equal(received, 40_000, "every page of both in-flight streams arrives");

      const [code] = await exited;
      assert.equal(code, 0);
      idle.abort();
      streaming.abort();
    });
  }

  it("bounds the wait: a stuck in-flight request is cut off after --shutdown-timeout-ms, and the exit is still 0", async () => {
    const { child, url } = await startChild(["--shutdown-timeout-ms", "500"]);
    children.push(child);
    const exited = once(child, "exit");
    const session = new Http2SessionManager(url);
    // A client that reads one page and then stops reading: the server's
    // writes stall on flow control, so the stream can never finish by itself.
    const stuck = createClient(
      BankService,
      createGrpcTransport({ baseUrl: url, sessionManager: session }),
    )
      .streamClients({ shape: { count: 100_000, filledStrings: 15 }, pageSize: 10_000 })
      [Symbol.asyncIterator]();
    await stuck.next();
    child.kill("SIGTERM");
    const [code] = await exited;
    assert.equal(code, 0);
    await assert.rejects(
      (async () => {
        for (let page = await stuck.next(); !page.done; page = await stuck.next()) {
          // Drain whatever was buffered; the stream must end in an error.
        }
      })(),
      (e) => e instanceof ConnectError,
    );
    session.abort();
  });
});

/** The real server in its own process, and the process itself to signal. */
async function startChild(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const server = await startServerProcess({ args });
  assert.ok(server.child);
  return { child: server.child, url: server.baseUrl };
}
