import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";
import { parsePrometheusText, sumSamples } from "./prometheus-text.js";
import { rpcCodeName } from "./request-outcome.js";

describe("loopstall_requests_total{code} is the protocol's own outcome", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({
      ...defaultServerConfig,
      port: 0,
      limits: { ...defaultServerConfig.limits, maxCount: 1_000 },
    });
  });
  after(() => server.close());

  const count = async (labels: Record<string, string>) =>
    sumSamples(
      parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text()),
      "loopstall_requests_total",
      labels,
    );

  /** Runs `send` and returns how the counter moved for `labels`. */
  const delta = async (labels: Record<string, string>, send: () => Promise<unknown>) => {
    const before = await count(labels);
    await send();
    return (await count(labels)) - before;
  };

  const rejects = (p: Promise<unknown>) =>
    assert.rejects(p, (e: unknown) => e instanceof ConnectError);

  const transports: Array<[string, () => Transport]> = [
    [
      "connect-proto",
      () =>
        createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", useBinaryFormat: true }),
    ],
    [
      "connect-json",
      () =>
        createConnectTransport({ baseUrl: server.url, httpVersion: "2", useBinaryFormat: false }),
    ],
    ["grpc", () => createGrpcTransport({ baseUrl: server.url })],
    ["grpc-web", () => createGrpcWebTransport({ baseUrl: server.url, httpVersion: "1.1" })],
  ];

  for (const [format, make] of transports) {
    it(`${format}: ok, a unary invalid_argument and a stream invalid_argument`, async () => {
      const client = createClient(BankService, make());
      const list = "/bank.v1.BankService/ListClients";
      const stream = "/bank.v1.BankService/StreamClients";
      assert.equal(
        await delta({ route: list, format, code: "ok" }, () =>
          client.listClients({ shape: { count: 2 } }),
        ),
        1,
      );
      assert.equal(
        await delta({ route: list, format, code: "invalid_argument" }, () =>
          rejects(client.listClients({ shape: { count: 5_000 } })),
        ),
        1,
      );
      const drain = async (it: AsyncIterable<unknown>) => {
        for await (const _ of it) {
          // Read every page.
        }
      };
      assert.equal(
        await delta({ route: stream, format, code: "ok" }, () =>
          drain(client.streamClients({ shape: { count: 30 }, pageSize: 10 })),
        ),
        1,
      );
      // The strategy header is checked inside the stream's handler.
      assert.equal(
        await delta({ route: stream, format, code: "invalid_argument" }, () =>
          rejects(
            drain(
              client.streamClients(
                { shape: { count: 30 } },
                { headers: { "loopstall-strategy": "bogus" } },
              ),
            ),
          ),
        ),
        1,
      );
      // Nothing of this counts under an HTTP status.
      assert.equal(await count({ route: list, format, code: "2xx" }), 0);
      assert.equal(await count({ route: list, format, code: "200" }), 0);
    });
  }

  it("an unknown gRPC method is unimplemented", async () => {
    const nope = { ...BankService.method.live, name: "Nope" };
    assert.equal(
      await delta({ route: "other", format: "grpc", code: "unimplemented" }, () =>
        rejects(
          createGrpcTransport({ baseUrl: server.url }).unary(
            nope,
            undefined,
            5_000,
            undefined,
            {},
            undefined,
          ),
        ),
      ),
      1,
    );
  });

  it("REST counts the HTTP status", async () => {
    const get = (query: string) =>
      fetch(`${server.url}/v1/clients?${query}`).then((r) => r.arrayBuffer());
    assert.equal(
      await delta({ route: "/v1/clients", format: "rest-json", code: "200" }, () => get("count=2")),
      1,
    );
    assert.equal(
      await delta({ route: "/v1/clients", format: "rest-json", code: "400" }, () =>
        get("count=-1"),
      ),
      1,
    );
  });

  it("names gRPC code numbers as Connect does", () => {
    assert.deepEqual([0, 3, 12, 16, 17, -1].map(rpcCodeName), [
      "ok",
      "invalid_argument",
      "unimplemented",
      "unauthenticated",
      "unknown",
      "unknown",
    ]);
  });
});
