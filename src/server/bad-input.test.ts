import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect as connectHttp2 } from "node:http2";
import { connect as connectTcp } from "node:net";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { type RunningServer, startServer } from "./server.js";
import { defaultServerConfig } from "./server-config.js";

const listClients = "/bank.v1.BankService/ListClients";

describe("bad input", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({
      ...defaultServerConfig,
      port: 0,
      readMaxBytes: 4_096,
      maxTimeoutMs: 30_000,
      limits: { ...defaultServerConfig.limits, maxCount: 50_000 },
    });
  });
  after(() => server.close());

  const post = (path: string, contentType: string, body: string | Uint8Array, headers = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": contentType, ...headers },
      body,
    });

  async function expectError(res: Response, status: number, code: string, message?: RegExp) {
    assert.equal(res.status, status);
    assert.equal(res.headers.get("x-worker"), String(process.pid));
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, code);
    if (message) {
      assert.match(body.message, message);
    }
  }

  const connectCases: Array<[string, () => Promise<Response>, number, string, RegExp?]> = [
    [
      "malformed JSON",
      () => post(listClients, "application/json", '{"shape": {'),
      400,
      "invalid_argument",
      /cannot decode/,
    ],
    [
      "JSON of the wrong type",
      () => post(listClients, "application/json", '{"shape": {"count": "many"}}'),
      400,
      "invalid_argument",
    ],
    [
      // connect-es says `internal`; the server answers the client's bad bytes honestly.
      "malformed protobuf",
      () => post(listClients, "application/proto", new Uint8Array([0x0a, 0xff, 0xff, 0xff])),
      400,
      "invalid_argument",
      /^parse binary: premature EOF/,
    ],
    [
      "a knob over its cap",
      () => post(listClients, "application/json", '{"shape": {"count": 50001}}'),
      400,
      "invalid_argument",
      /over the cap of 50000 \(--max-count\)/,
    ],
    [
      "a body over readMaxBytes",
      () => post(listClients, "application/json", `{"shape":{}, "x": "${"a".repeat(10_000)}"}`),
      429,
      "resource_exhausted",
    ],
    [
      "a deadline over maxTimeoutMs",
      () => post(listClients, "application/json", "{}", { "connect-timeout-ms": "60000" }),
      400,
      "invalid_argument",
      /must be <= 30000/,
    ],
    [
      "a malformed deadline",
      () => post(listClients, "application/json", "{}", { "connect-timeout-ms": "soon" }),
      400,
      "invalid_argument",
    ],
    [
      "an unknown route",
      () => post("/bank.v1.BankService/Nope", "application/json", "{}"),
      404,
      "not_found",
    ],
    ["an unknown service", () => fetch(`${server.url}/no/such/thing`), 404, "not_found"],
    [
      "a malformed Connect GET message",
      () => fetch(`${server.url}${listClients}?encoding=json&message=%7Bnope`),
      400,
      "invalid_argument",
    ],
  ];
  for (const [name, send, status, code, message] of connectCases) {
    it(`answers ${name} with ${code}`, async () => {
      await expectError(await send(), status, code, message);
    });
  }

  it("answers a wrong content type with 415", async () => {
    const res = await post(listClients, "text/plain", "{}");
    assert.equal(res.status, 415);
    assert.equal(res.headers.get("x-worker"), String(process.pid));
  });

  it("honours Connect-Timeout-Ms with deadline_exceeded", async () => {
    const res = await post(listClients, "application/json", '{"shape":{"count":50000}}', {
      "connect-timeout-ms": "1",
    });
    await expectError(res, 504, "deadline_exceeded");
  });

  it("honours grpc-timeout with grpc-status 4 (deadline_exceeded)", async () => {
    const session = connectHttp2(server.url);
    try {
      const { status, grpcStatus } = await new Promise<{ status: number; grpcStatus?: string }>(
        (resolve, reject) => {
          const stream = session.request({
            ":method": "POST",
            ":path": listClients,
            "content-type": "application/grpc",
            te: "trailers",
            "grpc-timeout": "1m",
          });
          // An empty ListClientsRequest with count 50,000: field 1 { field 1: 50000 }.
          const message = Buffer.from([0x0a, 0x04, 0x08, 0xd0, 0x86, 0x03]);
          const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
          let httpStatus = 0;
          let grpcStatus: string | undefined;
          stream.on("response", (headers) => {
            httpStatus = Number(headers[":status"]);
            grpcStatus ??= headers["grpc-status"] as string | undefined;
          });
          stream.on("trailers", (trailers) => {
            grpcStatus = trailers["grpc-status"] as string | undefined;
          });
          stream.on("error", reject);
          stream.resume();
          stream.on("end", () => resolve({ status: httpStatus, grpcStatus }));
          stream.end(frame);
        },
      );
      assert.equal(status, 200);
      assert.equal(grpcStatus, String(Code.DeadlineExceeded));
    } finally {
      session.close();
    }
  });

  it("rejects a knob over its cap from a real Connect client", async () => {
    const client = createClient(
      BankService,
      createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
    );
    await assert.rejects(
      client.listClients({ shape: { count: 1, accountsPerClient: 11 } }),
      (e) =>
        e instanceof ConnectError &&
        e.code === Code.InvalidArgument &&
        /over the cap of 10 \(--max-accounts-per-client\)/.test(e.message),
    );
  });

  const restCases: Array<[string, string, number, string, RegExp?]> = [
    ["a non-numeric count", "/v1/clients?count=abc", 400, "invalid_argument", /non-negative/],
    ["a negative count", "/v1/clients?count=-1", 400, "invalid_argument", /non-negative/],
    ["a fractional count", "/v1/clients?count=1.5", 400, "invalid_argument"],
    ["an empty count", "/v1/clients?count=", 400, "invalid_argument"],
    ["a huge count", "/v1/clients?count=99999999999", 400, "invalid_argument"],
    [
      "a count over its cap",
      "/v1/clients?count=50001",
      400,
      "invalid_argument",
      /over the cap of 50000 \(--max-count\)/,
    ],
    ["an unknown parameter", "/v1/clients?counts=1", 400, "invalid_argument", /unknown query/],
    [
      "a repeated parameter",
      "/v1/clients?count=2&count=3",
      400,
      "invalid_argument",
      /^count is given more than once/,
    ],
    ["a query over its cap", `/v1/clients?count=1&${"x".repeat(2_000)}`, 400, "invalid_argument"],
    ["an unknown REST path", "/v1/accounts", 404, "not_found"],
  ];
  for (const [name, path, status, code, message] of restCases) {
    it(`answers REST ${name} with ${status}`, async () => {
      await expectError(await fetch(`${server.url}${path}`), status, code, message);
    });
  }

  it("answers HEAD /v1/clients without building a body, and validates it like GET", async () => {
    const ok = await fetch(`${server.url}/v1/clients?count=50000`, { method: "HEAD" });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("content-length"), null);
    const over = await fetch(`${server.url}/v1/clients?count=50001`, { method: "HEAD" });
    assert.equal(over.status, 400);
  });

  it("answers a REST POST with 405", async () => {
    const res = await post("/v1/clients", "application/json", "{}");
    await expectError(res, 405, "method_not_allowed");
    assert.equal(res.headers.get("allow"), "GET, HEAD");
  });

  it("survives a few hundred garbage and fuzzed requests, then Live still answers", async () => {
    const paths = [
      listClients,
      "/bank.v1.BankService/StreamClients",
      "/bank.v1.BankService/Live",
      "/grpc.health.v1.Health/Check",
      "/v1/clients",
      "/.well-known/live",
      "/",
      "/%ff%fe",
      "/bank.v1.BankService/",
    ];
    const contentTypes = [
      "application/json",
      "application/proto",
      "application/grpc",
      "application/grpc+proto",
      "application/grpc-web+proto",
      "application/grpc-web-text",
      "application/connect+json",
      "application/connect+proto",
      "text/plain",
      "application/json; charset=latin-7",
      "",
    ];
    const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T;
    let fiveHundreds = 0;
    const requests = Array.from({ length: 240 }, async (_, i) => {
      const method = pick(["GET", "POST", "POST", "PUT", "DELETE", "OPTIONS"]);
      const headers: Record<string, string> = {};
      const contentType = pick(contentTypes);
      if (contentType) headers["content-type"] = contentType;
      if (i % 3 === 0) headers["connect-timeout-ms"] = pick(["0", "-5", "1e3", "99999999999"]);
      if (i % 4 === 0) headers["grpc-timeout"] = pick(["1H", "x", "99999999S"]);
      if (i % 5 === 0) headers["connect-protocol-version"] = pick(["1", "2", ""]);
      const query = i % 2 === 0 ? `?${randomBytes(8).toString("hex")}=${i}` : "";
      const res = await fetch(`${server.url}${pick(paths)}${query}`, {
        method,
        headers,
        body: method === "GET" ? undefined : randomBytes(Math.floor(Math.random() * 6_000)),
      });
      await res.arrayBuffer();
      // 504 is a deadline; an undecodable body is the client's fault, never a 500.
      if (res.status >= 500 && res.status !== 504) {
        fiveHundreds++;
      }
    });
    const rawTcp = Array.from(
      { length: 40 },
      (_, i) =>
        new Promise<void>((resolve) => {
          const socket = connectTcp(server.port, "127.0.0.1");
          socket.on("error", () => resolve());
          socket.on("close", () => resolve());
          socket.setTimeout(2_000, () => socket.destroy());
          const preface = i % 2 === 0 ? "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" : "";
          socket.end(Buffer.concat([Buffer.from(preface), randomBytes(64 + i * 16)]));
          socket.resume();
        }),
    );
    await Promise.all([...requests, ...rawTcp]);
    assert.equal(fiveHundreds, 0, "no fuzzed request may cause an internal error");

    const client = createClient(
      BankService,
      createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
    );
    assert.equal((await client.live({})).pid, process.pid);
    assert.equal((await fetch(`${server.url}/.well-known/live`)).status, 200);
  });
});
