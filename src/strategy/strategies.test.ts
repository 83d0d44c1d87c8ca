import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { serverFixture } from "../../test/support/server-fixture.js";
import { type Strategy, strategyHeader } from "../contract/wire.js";
import {
  BankService,
  ListClientsRequestSchema,
  ListClientsResponseSchema,
  StreamClientsRequestSchema,
  StreamClientsResponseSchema,
} from "../gen/bank/v1/bank_pb.js";

const shape = { count: 400, accountsPerClient: 2, filledStrings: 15 };
const heavyShape = { count: 40_000 };
const unaryStrategies: Strategy[] = ["inline", "offload", "fast"];

describe("strategies give the same bytes on every protocol", () => {
  const f = serverFixture();
  const binaryTransports: Array<[string, () => Transport]> = [
    [
      "Connect proto over HTTP/1.1",
      () =>
        createConnectTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: true,
        }),
    ],
    [
      "Connect proto over h2c",
      () =>
        createConnectTransport({
          baseUrl: f.server.url,
          httpVersion: "2",
          sessionManager: f.h2(),
          useBinaryFormat: true,
        }),
    ],
    ["gRPC over h2c", () => createGrpcTransport({ baseUrl: f.server.url, sessionManager: f.h2() })],
    [
      "gRPC-Web over HTTP/1.1",
      () =>
        createGrpcWebTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: true,
        }),
    ],
  ];
  const jsonTransports: Array<[string, () => Transport]> = [
    [
      "Connect JSON POST",
      () =>
        createConnectTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: false,
        }),
    ],
    [
      "Connect JSON GET",
      () =>
        createConnectTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: false,
          useHttpGet: true,
        }),
    ],
    [
      "gRPC-Web JSON",
      () =>
        createGrpcWebTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: false,
        }),
    ],
  ];

  for (const [name, transport] of binaryTransports) {
    it(`${name}: offload and fast are byte-identical to inline`, async () => {
      const client = createClient(BankService, transport());
      const encoded: Uint8Array[] = [];
      for (const strategy of unaryStrategies) {
        let used: string | null = null;
        const response = await client.listClients(
          { shape },
          {
            headers: { [strategyHeader]: strategy },
            onHeader: (h) => {
              used = h.get(strategyHeader);
            },
          },
        );
        assert.equal(used, strategy);
        assert.equal(response.clients.length, shape.count);
        encoded.push(toBinary(ListClientsResponseSchema, response));
      }
      assert.deepEqual(encoded[1], encoded[0]);
      assert.deepEqual(encoded[2], encoded[0]);
    });
  }

  for (const [name, transport] of jsonTransports) {
    it(`${name}: offload and fast are JSON-equal to inline`, async () => {
      const client = createClient(BankService, transport());
      const json: unknown[] = [];
      for (const strategy of unaryStrategies) {
        const response = await client.listClients(
          { shape },
          { headers: { [strategyHeader]: strategy } },
        );
        assert.equal(response.clients.length, shape.count);
        json.push(toJson(ListClientsResponseSchema, response));
      }
      assert.deepEqual(json[1], json[0]);
      assert.deepEqual(json[2], json[0]);
    });
  }

  it("raw Connect bodies are byte-identical (proto and JSON)", async () => {
    const request = create(ListClientsRequestSchema, { shape });
    const bodies = {
      "application/proto": toBinary(ListClientsRequestSchema, request),
      "application/json": JSON.stringify(toJson(ListClientsRequestSchema, request)),
    };
    for (const [contentType, body] of Object.entries(bodies)) {
      const received: Buffer[] = [];
      for (const strategy of unaryStrategies) {
        const res = await fetch(`${f.server.url}/bank.v1.BankService/ListClients`, {
          method: "POST",
          headers: { "content-type": contentType, [strategyHeader]: strategy },
          body,
        });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), contentType);
        received.push(Buffer.from(await res.arrayBuffer()));
      }
      assert.ok((received[0] as Buffer).byteLength > 10_000);
      assert.ok((received[0] as Buffer).equals(received[1] as Buffer), contentType);
      assert.ok((received[0] as Buffer).equals(received[2] as Buffer), `fast ${contentType}`);
    }
  });

  it("raw Connect and gRPC-Web StreamClients bodies are byte-identical with fast pages", async () => {
    const request = create(StreamClientsRequestSchema, { shape, pageSize: 150 });
    const cases: Array<[string, string, Uint8Array]> = [
      [
        "/bank.v1.BankService/StreamClients",
        "application/connect+proto",
        toBinary(StreamClientsRequestSchema, request),
      ],
      [
        "/bank.v1.BankService/StreamClients",
        "application/connect+json",
        new TextEncoder().encode(JSON.stringify(toJson(StreamClientsRequestSchema, request))),
      ],
      [
        "/bank.v1.BankService/StreamClients",
        "application/grpc-web+proto",
        toBinary(StreamClientsRequestSchema, request),
      ],
      [
        "/bank.v1.BankService/StreamClients",
        "application/grpc-web+json",
        new TextEncoder().encode(JSON.stringify(toJson(StreamClientsRequestSchema, request))),
      ],
    ];
    for (const [path, contentType, message] of cases) {
      const envelope = new Uint8Array(5 + message.byteLength);
      new DataView(envelope.buffer).setUint32(1, message.byteLength);
      envelope.set(message, 5);
      const received: Buffer[] = [];
      for (const strategy of ["stream", "fast"]) {
        const res = await fetch(`${f.server.url}${path}`, {
          method: "POST",
          headers: { "content-type": contentType, [strategyHeader]: strategy },
          body: envelope,
        });
        assert.equal(res.status, 200);
        received.push(Buffer.from(await res.arrayBuffer()));
      }
      assert.ok((received[0] as Buffer).byteLength > 10_000, contentType);
      assert.ok((received[0] as Buffer).equals(received[1] as Buffer), contentType);
    }
  });

  for (const [name, transport] of [...binaryTransports, ...jsonTransports].filter(
    ([n]) => !n.includes("GET"),
  )) {
    it(`${name}: fast StreamClients pages equal the stream ones`, async () => {
      const client = createClient(BankService, transport());
      const pages: unknown[][] = [];
      for (const strategy of ["stream", "fast"]) {
        const received: unknown[] = [];
        for await (const page of client.streamClients(
          { shape, pageSize: 128 },
          { headers: { [strategyHeader]: strategy } },
        )) {
          received.push(toJson(StreamClientsResponseSchema, page));
        }
        pages.push(received);
      }
      assert.equal(pages[0]?.length, 4);
      assert.deepEqual(pages[1], pages[0]);
    });
  }

  it("Connect JSON response compressed with gzip is the same after offload", async () => {
    const received: string[] = [];
    for (const strategy of unaryStrategies) {
      // fetch asks for gzip and decompresses transparently.
      const res = await fetch(`${f.server.url}/bank.v1.BankService/ListClients`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "accept-encoding": "gzip",
          [strategyHeader]: strategy,
        },
        body: JSON.stringify({ shape }),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-encoding"), "gzip");
      received.push(await res.text());
    }
    assert.equal(received[1], received[0]);
  });

  it("REST: offload, fast and chunked stream are byte-identical to inline", async () => {
    for (const query of ["count=2500&accounts_per_client=2&filled_strings=15", "count=0"]) {
      const bodies: Buffer[] = [];
      for (const strategy of ["inline", "offload", "stream", "fast"]) {
        const res = await fetch(`${f.server.url}/v1/clients?${query}&strategy=${strategy}`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get(strategyHeader), strategy);
        assert.equal(res.headers.get("content-type"), "application/json");
        if (strategy === "stream") {
          assert.equal(res.headers.get("transfer-encoding"), "chunked");
        }
        bodies.push(Buffer.from(await res.arrayBuffer()));
      }
      assert.ok((bodies[0] as Buffer).equals(bodies[1] as Buffer), `offload ${query}`);
      assert.ok((bodies[0] as Buffer).equals(bodies[2] as Buffer), `stream ${query}`);
      assert.ok((bodies[0] as Buffer).equals(bodies[3] as Buffer), `fast ${query}`);
    }
  });

  it("REST takes the strategy from the header when the query names none", async () => {
    const res = await fetch(`${f.server.url}/v1/clients?count=3`, {
      headers: { [strategyHeader]: "offload" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get(strategyHeader), "offload");
    assert.equal(((await res.json()) as { clients: unknown[] }).clients.length, 3);
  });

  it("StreamClients pages add up to the ListClients tree", async () => {
    const transport = createGrpcTransport({ baseUrl: f.server.url, sessionManager: f.h2() });
    const client = createClient(BankService, transport);
    const whole = await client.listClients({ shape });
    const streamed = [];
    for await (const page of client.streamClients({ shape, pageSize: 64 })) {
      streamed.push(...page.clients);
    }
    assert.deepEqual(
      toBinary(ListClientsResponseSchema, create(ListClientsResponseSchema, { clients: streamed })),
      toBinary(ListClientsResponseSchema, whole),
    );
  });

  it("rejects an unknown strategy with invalid_argument / 400 naming the allowed values", async () => {
    const client = createClient(
      BankService,
      createConnectTransport({ baseUrl: f.server.url, httpVersion: "1.1" }),
    );
    await assert.rejects(
      client.listClients({ shape }, { headers: { [strategyHeader]: "turbo" } }),
      (e) =>
        e instanceof ConnectError &&
        e.code === Code.InvalidArgument &&
        /inline, offload, stream/.test(e.rawMessage),
    );
    const res = await fetch(`${f.server.url}/v1/clients?strategy=turbo`);
    assert.equal(res.status, 400);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, "invalid_argument");
    assert.match(body.message, /inline, offload, stream/);
    const header = await fetch(`${f.server.url}/v1/clients?count=1`, {
      headers: { [strategyHeader]: "turbo" },
    });
    assert.equal(header.status, 400);
  });

  it("rejects a unary ListClients asked to stream, pointing at StreamClients", async () => {
    const client = createClient(
      BankService,
      createConnectTransport({ baseUrl: f.server.url, httpVersion: "1.1" }),
    );
    await assert.rejects(
      client.listClients({ shape }, { headers: { [strategyHeader]: "stream" } }),
      (e) =>
        e instanceof ConnectError &&
        e.code === Code.InvalidArgument &&
        /StreamClients/.test(e.rawMessage),
    );
  });

  it("keeps the shape limits under offload", async () => {
    const client = createClient(
      BankService,
      createConnectTransport({ baseUrl: f.server.url, httpVersion: "1.1" }),
    );
    await assert.rejects(
      client.listClients(
        { shape: { count: 10_000_000 } },
        { headers: { [strategyHeader]: "offload" } },
      ),
      (e) => e instanceof ConnectError && e.code === Code.InvalidArgument,
    );
    const res = await fetch(`${f.server.url}/v1/clients?count=10000000&strategy=offload`);
    assert.equal(res.status, 400);
  });

  it("answers deadline_exceeded when the deadline passes while offloaded", async () => {
    const client = createClient(
      BankService,
      createGrpcTransport({ baseUrl: f.server.url, sessionManager: f.h2() }),
    );
    await assert.rejects(
      client.listClients(
        { shape: heavyShape },
        { headers: { [strategyHeader]: "offload" }, timeoutMs: 5 },
      ),
      (e) => e instanceof ConnectError && e.code === Code.DeadlineExceeded,
    );
    // The pool still serves after the aborted task.
    const response = await client.listClients(
      { shape: { count: 2 } },
      { headers: { [strategyHeader]: "offload" } },
    );
    assert.equal(response.clients.length, 2);
  });
});

describe("offload under a small writeMaxBytes", () => {
  const f = serverFixture({ writeMaxBytes: 20_000 });
  for (const format of ["binary", "json"]) {
    it(`refuses an oversized ${format} response like inline does`, async () => {
      const client = createClient(
        BankService,
        createConnectTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: format === "binary",
        }),
      );
      for (const strategy of unaryStrategies) {
        await assert.rejects(
          client.listClients({ shape }, { headers: { [strategyHeader]: strategy } }),
          (e) => e instanceof ConnectError && e.code === Code.ResourceExhausted,
          strategy,
        );
      }
    });
  }
});

describe("a full offload pool", () => {
  const f = serverFixture({ poolSize: 1, poolMaxQueue: 0, strategy: "offload" });

  it("answers resource_exhausted instead of queueing (Connect)", async () => {
    const client = createClient(
      BankService,
      createConnectTransport({ baseUrl: f.server.url, httpVersion: "2", sessionManager: f.h2() }),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => client.listClients({ shape: heavyShape })),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter(
      (r) =>
        r.status === "rejected" &&
        r.reason instanceof ConnectError &&
        r.reason.code === Code.ResourceExhausted,
    );
    assert.ok(ok.length >= 1, "at least one request is served");
    assert.ok(refused.length >= 1, "at least one request is refused");
    assert.equal(ok.length + refused.length, results.length);
  });

  it("answers 503 resource_exhausted (REST)", async () => {
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => fetch(`${f.server.url}/v1/clients`)),
    );
    const statuses = await Promise.all(
      responses.map(async (res) => {
        const body = await res.arrayBuffer();
        if (res.status === 503) {
          const error = JSON.parse(Buffer.from(body).toString()) as { code: string };
          assert.equal(error.code, "resource_exhausted");
          assert.equal(res.headers.get("retry-after"), "1");
        }
        return res.status;
      }),
    );
    assert.ok(statuses.includes(200), `statuses ${statuses}`);
    assert.ok(statuses.includes(503), `statuses ${statuses}`);
    assert.ok(
      statuses.every((s) => s === 200 || s === 503),
      `statuses ${statuses}`,
    );
  });
});
