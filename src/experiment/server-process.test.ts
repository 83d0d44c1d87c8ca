import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { localGet } from "./local-get.js";
import { freePort, startServerProcess } from "./server-process.js";

describe("startServerProcess", () => {
  it("starts a live server with the requested workers and stops it", async () => {
    const server = await startServerProcess({
      launcher: "cluster",
      workers: 1,
      strategy: "offload",
    });
    try {
      const res = await localGet(`${server.baseUrl}/.well-known/live`, 5_000);
      assert.equal(res.status, 200);
    } finally {
      await server.stop();
    }
    await assert.rejects(localGet(`${server.baseUrl}/.well-known/live`, 2_000));
    await server.stop(); // A second stop is harmless.
  });

  it("reports a server that exits at start with its output", async () => {
    await assert.rejects(
      startServerProcess({ launcher: "cluster", workers: 0, strategy: "inline" }),
      /server exited.*workers/s,
    );
  });

  it("finds free ports", async () => {
    const port = await freePort();
    assert.ok(port > 0 && port < 65_536);
  });
});
