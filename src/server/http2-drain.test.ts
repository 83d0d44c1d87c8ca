import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startSteadyLoad } from "../../test/support/steady-load.js";
import { startServer } from "./server.js";
import { defaultServerConfig } from "./server-config.js";

describe("HTTP/2 drain on close()", () => {
  it("refuses no stream of clients that are mid-conversation", async (t) => {
    let refused = 0;
    let ok = 0;
    for (let round = 0; round < 3; round++) {
      const server = await startServer({
        ...defaultServerConfig,
        port: 0,
        shutdownTimeoutMs: 3_000,
      });
      const load = startSteadyLoad({
        baseUrl: server.url,
        http1Clients: 0,
        http2Clients: 3,
        maxRequestsPerClient: 400,
      });
      await load.warm;
      await new Promise((resolve) => setTimeout(resolve, 100));
      await server.close();
      const result = await load.stop();
      ok += result.ok;
      // Once the listener is gone the clients' reconnects fail (nothing else
      // serves this port); only a refused stream would be the drain's fault.
      refused += result.refusedStreams;
    }
    t.diagnostic(`${ok} requests ok, ${refused} refused`);
    assert.ok(ok > 0);
    assert.equal(refused, 0);
  });
});
