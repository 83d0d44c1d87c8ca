import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, describe, it } from "node:test";
import { startServerProcess } from "../launcher/server-process.js";

describe("REST stream strategy", () => {
  let child: ChildProcess | undefined;
  after(() => child?.kill("SIGKILL"));

  it("answers other requests between pages, even to a reader that never backs up", async () => {
    // The server runs in its own process so this process reads as fast as
    // the kernel allows: writes then complete at once, which is when a
    // writer that only waits for "drain" never lets the event loop poll.
    const server = await startServerProcess();
    child = server.child;
    const stream = await fetch(`${server.baseUrl}/v1/clients?count=40000&strategy=stream`);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // The first page is out: the stream is in flight.
    let streamDone = false;
    const drained = (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        // Read as fast as possible.
      }
      streamDone = true;
    })();
    const live = await fetch(`${server.baseUrl}/.well-known/live`);
    assert.equal(live.status, 200);
    assert.equal(streamDone, false, "Live was answered while the stream was still being written");
    await drained;
  });
});
