import assert from "node:assert/strict";
import { once } from "node:events";
import { connect as connectHttp2 } from "node:http2";
import { after, before, describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import {
  BankService,
  ListClientsRequestSchema,
  ListClientsResponseSchema,
} from "../gen/bank/v1/bank_pb.js";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../gen/grpc/health/v1/health_pb.js";
import { type RunningServer, startServer } from "./server.js";
import { defaultServerConfig } from "./server-config.js";

const shape = { count: 300, accountsPerClient: 2, filledStrings: 5 };

describe("one port, every protocol", () => {
  let server: RunningServer;
  const sessions: Http2SessionManager[] = [];
  const h2 = () => {
    const manager = new Http2SessionManager(server.url);
    sessions.push(manager);
    return manager;
  };
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(async () => {
    for (const manager of sessions) {
      manager.abort();
    }
    await server.close();
  });

  const transports: Array<[string, () => Transport]> = [
    [
      "Connect binary over HTTP/1.1",
      () =>
        createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", useBinaryFormat: true }),
    ],
    [
      "Connect binary over h2c",
      () =>
        createConnectTransport({
          baseUrl: server.url,
          httpVersion: "2",
          sessionManager: h2(),
          useBinaryFormat: true,
        }),
    ],
    [
      "Connect JSON over HTTP/1.1",
      () => createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
    ],
    [
      "Connect GET (JSON)",
      () => createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", useHttpGet: true }),
    ],
    [
      "Connect GET (binary) over h2c",
      () =>
        createConnectTransport({
          baseUrl: server.url,
          httpVersion: "2",
          sessionManager: h2(),
          useHttpGet: true,
          useBinaryFormat: true,
        }),
    ],
    ["gRPC over h2c", () => createGrpcTransport({ baseUrl: server.url, sessionManager: h2() })],
    [
      "gRPC-Web over HTTP/1.1",
      () => createGrpcWebTransport({ baseUrl: server.url, httpVersion: "1.1" }),
    ],
    [
      "gRPC-Web over h2c",
      () => createGrpcWebTransport({ baseUrl: server.url, httpVersion: "2", sessionManager: h2() }),
    ],
  ];

  it("gives every protocol the same tree, with x-worker set", async () => {
    let reference: Uint8Array | undefined;
    for (const [name, makeTransport] of transports) {
      const client = createClient(BankService, makeTransport());
      let worker: string | null = null;
      const response = await client.listClients(
        { shape },
        {
          onHeader(headers) {
            worker = headers.get("x-worker");
          },
        },
      );
      assert.equal(response.clients.length, 300, name);
      assert.equal(worker, String(process.pid), `${name}: x-worker`);
      const bytes = toBinary(ListClientsResponseSchema, response);
      reference ??= bytes;
      assert.deepEqual(bytes, reference, `${name} differs from the first protocol`);

      const live = await client.live({});
      assert.equal(live.pid, process.pid, name);
      const health = await createClient(Health, makeTransport()).check({});
      assert.equal(health.status, ServingStatus.SERVING, name);
    }
  });

  it("serves the default request (40,000 clients) as byte-identical binary every time", async () => {
    const body = toBinary(ListClientsRequestSchema, create(ListClientsRequestSchema, {}));
    const fetchOnce = async () => {
      const res = await fetch(`${server.url}/bank.v1.BankService/ListClients`, {
        method: "POST",
        headers: { "content-type": "application/proto" },
        body,
      });
      assert.equal(res.status, 200);
      return new Uint8Array(await res.arrayBuffer());
    };
    const first = await fetchOnce();
    const second = await fetchOnce();
    assert.deepEqual(first, second);
    assert.equal(fromBinary(ListClientsResponseSchema, first).clients.length, 40_000);
  });

  it("opens a new HTTP/2 stream while a 15 MB response is still buffered on the session", async () => {
    // Node refuses new streams (ENHANCE_YOUR_CALM) on a session holding more
    // than maxSessionMemory of unsent data; a unary response is one write.
    const session = connectHttp2(server.url);
    try {
      const call = () =>
        session.request({
          ":method": "POST",
          ":path": "/bank.v1.BankService/ListClients",
          "content-type": "application/json",
        });
      const first = call();
      first.end("{}");
      first.pause(); // Leave the first body unread, so it stays buffered.
      await once(first, "response");
      const second = call();
      second.end('{"shape":{"count":1}}');
      const [headers] = (await once(second, "response")) as [Record<string, unknown>];
      assert.equal(headers[":status"], 200);
      second.resume();
      await once(second, "end");
      first.resume();
      await once(first, "end");
    } finally {
      session.close();
    }
  });

  it("streams the same tree in pages", async () => {
    const client = createClient(
      BankService,
      createGrpcTransport({ baseUrl: server.url, sessionManager: h2() }),
    );
    const whole = await client.listClients({ shape });
    const pages: number[] = [];
    const streamed = [];
    for await (const page of client.streamClients({ shape, pageSize: 70 })) {
      pages.push(page.clients.length);
      streamed.push(...page.clients);
    }
    assert.deepEqual(pages, [70, 70, 70, 70, 20]);
    assert.deepEqual(
      toBinary(ListClientsResponseSchema, create(ListClientsResponseSchema, { clients: streamed })),
      toBinary(ListClientsResponseSchema, whole),
    );
  });

  it("serves REST JSON byte-equal to the Connect JSON response", async () => {
    const query = "count=300&accounts_per_client=2&filled_strings=5";
    const rest = await fetch(`${server.url}/v1/clients?${query}`);
    assert.equal(rest.status, 200);
    assert.equal(rest.headers.get("content-type"), "application/json");
    assert.equal(rest.headers.get("x-worker"), String(process.pid));
    const connect = await fetch(`${server.url}/bank.v1.BankService/ListClients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ shape }),
    });
    assert.equal(connect.status, 200);
    const restText = await rest.text();
    assert.equal(restText, await connect.text());
    assert.equal(JSON.parse(restText).clients.length, 300);
  });

  it("answers GET /.well-known/live with 200", async () => {
    const res = await fetch(`${server.url}/.well-known/live`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok", pid: process.pid });
  });
});
