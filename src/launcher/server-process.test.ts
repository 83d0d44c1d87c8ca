import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rawGet } from "../load/raw-client.js";
import { startServerProcess } from "./server-process.js";

describe("startServerProcess", () => {
  it("starts a live server with the requested workers and stops it", async () => {
    const server = await startServerProcess({
      launcher: "cluster",
      workers: 2,
      env: { STRATEGY: "offload" },
    });
    try {
      const res = await rawGet(`${server.baseUrl}/.well-known/live`, { timeoutMs: 5_000 });
      assert.equal(res.status, 200);
      // Port 0: the URL is the one the server announced.
      assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.doesNotMatch(server.baseUrl, /:0$/);
      const list = await rawGet(`${server.baseUrl}/v1/clients?count=1`, { timeoutMs: 30_000 });
      assert.equal(list.headers.get("loopstall-strategy"), "offload", "the env reached the server");
    } finally {
      await server.stop();
    }
    await assert.rejects(rawGet(`${server.baseUrl}/.well-known/live`, { timeoutMs: 2_000 }));
    await server.stop(); // A second stop is harmless.
  });

  it("reports a server that exits at start with its output", async () => {
    await assert.rejects(
      startServerProcess({ launcher: "cluster", workers: 0 }),
      /server exited.*workers/s,
    );
  });
});
