import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Format, Strategy } from "../contract/wire.js";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";
import { buildHeavyRequest, createHeavyCaller } from "./heavy-call.js";

const shape = { count: 300, accountsPerClient: 1, filledStrings: 3 };
const formats: Format[] = ["connect-proto", "connect-json", "grpc", "grpc-web", "rest-json"];
const strategies: Strategy[] = ["inline", "offload", "stream"];

describe("createHeavyCaller against the real server", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0, poolSize: 1 });
  });
  after(() => server.close());

  for (const format of formats) {
    for (const strategy of strategies) {
      it(`${format} ${strategy}: OK, verified, with the x-worker pid`, async () => {
        const caller = createHeavyCaller({
          format,
          strategy,
          shape,
          baseUrl: server.url,
          connections: 1,
          verify: true,
        });
        try {
          const outcome = await caller.call(0, AbortSignal.timeout(20_000));
          assert.equal(outcome.error, undefined);
          assert.equal(outcome.status, "OK");
          assert.equal(outcome.worker, String(process.pid));
          assert.ok((outcome.bytes ?? 0) > 300 * 50);
        } finally {
          caller.close();
        }
      });
    }
  }

  for (const format of formats) {
    it(`${format}: an over-cap shape is InvalidArgument with the server's message`, async () => {
      const caller = createHeavyCaller({
        format,
        strategy: "inline",
        shape: { ...shape, count: 10_000_000 },
        baseUrl: server.url,
        connections: 1,
      });
      try {
        const outcome = await caller.call(0, AbortSignal.timeout(20_000));
        assert.equal(outcome.status, "InvalidArgument");
        assert.match(outcome.error ?? "", /over the cap/);
      } finally {
        caller.close();
      }
    });
  }

  it("maps an abort to a rejection the workload reports", async () => {
    const caller = createHeavyCaller({
      format: "connect-proto",
      strategy: "inline",
      shape,
      baseUrl: server.url,
      connections: 1,
    });
    try {
      await assert.rejects(caller.call(0, AbortSignal.abort(new Error("stop"))), /stop/);
    } finally {
      caller.close();
    }
  });

  it("refuses a non-loopback target", () => {
    assert.throws(
      () =>
        createHeavyCaller({
          format: "grpc",
          strategy: "inline",
          shape,
          baseUrl: "http://192.0.2.1:8080",
          connections: 1,
        }),
      /refused/,
    );
  });
});

describe("buildHeavyRequest", () => {
  it("names the strategy in a header, and REST streaming in the query", () => {
    const rest = buildHeavyRequest("rest-json", "stream", shape);
    assert.equal(rest.method, "GET");
    assert.equal(
      rest.path,
      "/v1/clients?count=300&accounts_per_client=1&filled_strings=3&strategy=stream",
    );
    assert.equal(rest.headers["loopstall-strategy"], "stream");
    const grpc = buildHeavyRequest("grpc", "stream", shape);
    assert.equal(grpc.path, "/bank.v1.BankService/StreamClients");
    assert.equal(grpc.headers["content-type"], "application/grpc+proto");
    const connect = buildHeavyRequest("connect-json", "offload", shape);
    assert.equal(connect.path, "/bank.v1.BankService/ListClients");
    assert.equal(connect.headers["content-type"], "application/json");
    assert.equal(
      new TextDecoder().decode(connect.body),
      '{"shape":{"count":300,"accountsPerClient":1,"filledStrings":3}}',
    );
  });
});
