import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";
import { captureWorker, createTransports, transportKinds } from "./transports.js";

describe("createTransports", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(() => server.close());

  for (const kind of transportKinds) {
    for (const httpVersion of ["2", "1.1"] as const) {
      if (kind === "grpc" && httpVersion === "1.1") {
        continue;
      }
      it(`${kind} over HTTP/${httpVersion}: one transport per connection, x-worker captured`, async () => {
        const set = createTransports(kind, server.url, 2, httpVersion);
        try {
          assert.equal(set.transports.length, 2);
          for (const transport of set.transports) {
            const client = createClient(BankService, transport);
            const capture = captureWorker(AbortSignal.timeout(20_000));
            const res = await client.listClients({ shape: { count: 20_000 } }, capture.options);
            assert.equal(res.clients.length, 20_000);
            assert.equal(capture.worker(), String(process.pid));
          }
        } finally {
          set.close();
        }
      });
    }
  }

  it("refuses gRPC over HTTP/1.1, bad connection counts and remote hosts", () => {
    assert.throws(() => createTransports("grpc", server.url, 1, "1.1"), /HTTP\/2/);
    assert.throws(() => createTransports("connect-proto", server.url, 0), RangeError);
    assert.throws(() => createTransports("connect-proto", "http://198.51.100.7:80", 1), /refused/);
  });
});
