import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { type RunningServer, startServer } from "./server.js";
import { defaultServerConfig } from "./server-config.js";

const run = promisify(execFile);

/** `BankService/Live`'s shape under a name the server does not serve: `/bank.v1.BankService/Nope`. */
const nope = { ...BankService.method.live, name: "Nope" };

describe("an unknown method", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(() => server.close());

  const call = (transport: Transport) =>
    transport.unary(nope, undefined, 5_000, undefined, {}, undefined);

  for (const [name, make] of [
    ["gRPC", () => createGrpcTransport({ baseUrl: server.url })],
    ["gRPC-Web", () => createGrpcWebTransport({ baseUrl: server.url, httpVersion: "1.1" })],
  ] as const) {
    it(`is unimplemented over ${name}`, async () => {
      await assert.rejects(call(make()), (error: unknown) => {
        assert.ok(error instanceof ConnectError);
        assert.equal(error.code, Code.Unimplemented, error.message);
        assert.match(error.rawMessage, /unknown method \/bank\.v1\.BankService\/Nope/);
        return true;
      });
    });
  }

  it("answers a gRPC client HTTP 200 with grpc-status 12, as curl shows", async () => {
    const { stdout } = await run("curl", [
      ...["-s", "-i", "--http2-prior-knowledge", "-X", "POST"],
      ...["-H", "content-type: application/grpc", "-H", "te: trailers"],
      `${server.url}/bank.v1.BankService/Nope`,
    ]);
    assert.match(stdout, /^HTTP\/2 200/);
    assert.match(stdout, /^grpc-status: 12\r?$/m);
  });

  it("keeps Connect's 404 (not_found) over Connect", async () => {
    await assert.rejects(
      call(createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" })),
      (error: unknown) => {
        assert.ok(error instanceof ConnectError);
        // The Connect client reads the JSON error body's code.
        assert.equal(error.code, Code.NotFound);
        return true;
      },
    );
    const res = await fetch(`${server.url}/bank.v1.BankService/Nope`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { code: string }).code, "not_found");
  });
});
