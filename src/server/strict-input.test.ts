import assert from "node:assert/strict";
import { connect as connectHttp2 } from "node:http2";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { strategyHeader } from "../contract/wire.js";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { type RunningServer, startServer } from "./server.js";
import { defaultServerConfig } from "./server-config.js";

const listClients = "/bank.v1.BankService/ListClients";
const streamClients = "/bank.v1.BankService/StreamClients";
/** Field 1 (shape), length 5, but only 3 bytes follow: undecodable. */
const badProto = Buffer.from([0x0a, 0x05, 0x08, 0x01, 0x10]);

function envelope(flag: number, payload: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(payload.byteLength, 1);
  return Buffer.concat([head, payload]);
}

describe("strict, honest input errors", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(() => server.close());

  const postJson = (path: string, body: string) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });

  it("answers a top-level count with invalid_argument pointing at shape.count", async () => {
    const res = await postJson(listClients, '{"count":2}');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, "invalid_argument");
    assert.match(body.message, /"count"/);
    assert.match(body.message, /shape\.count/);
  });

  it("names any other unknown field, at any depth", async () => {
    for (const [json, field] of [
      ['{"shape":{"count":2},"bogus":1}', "bogus"],
      ['{"shape":{"cnt":2}}', "cnt"],
      ['{"shape":{},"page_size":3}', "page_size"],
    ] as const) {
      const res = await postJson(listClients, json);
      assert.equal(res.status, 400, json);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, "invalid_argument");
      assert.match(body.message, new RegExp(`"${field}" is unknown`));
    }
  });

  it("rejects unknown fields in a Connect GET and a Connect JSON stream too", async () => {
    const get = await fetch(
      `${server.url}${listClients}?encoding=json&message=${encodeURIComponent('{"count":2}')}`,
    );
    assert.equal(get.status, 400);
    assert.match(((await get.json()) as { message: string }).message, /shape\.count/);
    const stream = await fetch(`${server.url}${streamClients}`, {
      method: "POST",
      headers: { "content-type": "application/connect+json" },
      body: envelope(0, Buffer.from('{"count":2}')),
    });
    const bytes = Buffer.from(await stream.arrayBuffer());
    const end = JSON.parse(bytes.subarray(5).toString()) as { error: { code: string } };
    assert.equal(end.error.code, "invalid_argument");
  });

  it("still accepts the knob where it lives", async () => {
    const res = await postJson(listClients, '{"shape":{"count":2}}');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { clients: unknown[] }).clients.length, 2);
  });

  it("answers undecodable protobuf with invalid_argument over Connect", async () => {
    const res = await fetch(`${server.url}${listClients}`, {
      method: "POST",
      headers: { "content-type": "application/proto" },
      body: badProto,
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, "invalid_argument");
    assert.match(body.message, /^parse binary:/);
  });

  it("answers undecodable protobuf with grpc-status 3 over gRPC", async () => {
    const session = connectHttp2(server.url);
    try {
      const status = await new Promise<string | undefined>((resolve, reject) => {
        const stream = session.request({
          ":method": "POST",
          ":path": listClients,
          "content-type": "application/grpc",
          te: "trailers",
        });
        let grpcStatus: string | undefined;
        stream.on("response", (h) => {
          grpcStatus ??= h["grpc-status"] as string | undefined;
        });
        stream.on("trailers", (t) => {
          grpcStatus = t["grpc-status"] as string | undefined;
        });
        stream.on("error", reject);
        stream.resume();
        stream.on("end", () => resolve(grpcStatus));
        stream.end(envelope(0, badProto));
      });
      assert.equal(status, String(Code.InvalidArgument));
    } finally {
      session.close();
    }
  });

  it("answers undecodable protobuf with grpc-status 3 over gRPC-Web", async () => {
    const res = await fetch(`${server.url}${listClients}`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto" },
      body: envelope(0, badProto),
    });
    const text = Buffer.from(await res.arrayBuffer()).toString("latin1");
    assert.match(text, /grpc-status: ?3\r?\n/);
    assert.doesNotMatch(text, /grpc-status: ?13/);
  });

  it("answers undecodable protobuf with invalid_argument on a Connect stream", async () => {
    const res = await fetch(`${server.url}${streamClients}`, {
      method: "POST",
      headers: { "content-type": "application/connect+proto" },
      body: envelope(0, badProto),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes[0], 0x02);
    const end = JSON.parse(bytes.subarray(5).toString()) as { error: { code: string } };
    assert.equal(end.error.code, "invalid_argument");
  });
});

describe("a server default of stream", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0, strategy: "stream" });
  });
  after(() => server.close());

  it("serves unary ListClients by offload and says so, over Connect and gRPC", async () => {
    for (const transport of [
      createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
      createGrpcTransport({ baseUrl: server.url }),
    ]) {
      const client = createClient(BankService, transport);
      let header: string | null = null;
      const res = await client.listClients(
        { shape: { count: 5 } },
        { onHeader: (h) => (header = h.get(strategyHeader)) },
      );
      assert.equal(res.clients.length, 5);
      assert.equal(header, "offload");
    }
  });

  it("still rejects a unary call that names stream itself", async () => {
    const client = createClient(
      BankService,
      createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
    );
    await assert.rejects(
      client.listClients({ shape: { count: 5 } }, { headers: { [strategyHeader]: "stream" } }),
      (e) => e instanceof ConnectError && e.code === Code.InvalidArgument,
    );
  });

  it("streams REST and StreamClients", async () => {
    const res = await fetch(`${server.url}/v1/clients?count=3`);
    assert.equal(res.headers.get(strategyHeader), "stream");
    assert.equal(res.headers.get("transfer-encoding"), "chunked");
    assert.equal(((await res.json()) as { clients: unknown[] }).clients.length, 3);
    const client = createClient(
      BankService,
      createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
    );
    let n = 0;
    for await (const page of client.streamClients({ shape: { count: 3 }, pageSize: 2 })) {
      n += page.clients.length;
    }
    assert.equal(n, 3);
  });
});
