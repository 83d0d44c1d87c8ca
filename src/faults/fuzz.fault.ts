import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { connect as connectHttp2 } from "node:http2";
import { after, before, describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { ListClientsRequestSchema } from "../gen/bank/v1/bank_pb.js";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";

const perProtocol = 500;
const paths = [
  "/bank.v1.BankService/ListClients",
  "/bank.v1.BankService/StreamClients",
  "/bank.v1.BankService/Live",
  "/grpc.health.v1.Health/Check",
];
const valid = toBinary(
  ListClientsRequestSchema,
  create(ListClientsRequestSchema, { shape: { count: 3, accountsPerClient: 1, filledStrings: 2 } }),
);

/** A mutated protobuf body: bit flips, truncation, splices or plain noise. */
function fuzzProto(): Uint8Array {
  const bytes = Buffer.from(valid);
  switch (randomInt(4)) {
    case 0:
      for (let i = 0; i < 1 + randomInt(4); i++) {
        const at = randomInt(bytes.length);
        bytes[at] = (bytes[at] ?? 0) ^ (1 << randomInt(8));
      }
      return bytes;
    case 1:
      return bytes.subarray(0, randomInt(bytes.length));
    case 2:
      return Buffer.concat([bytes, randomBytes(randomInt(1, 32))]);
    default:
      return randomBytes(randomInt(0, 200));
  }
}

const jsonPieces = [
  '{"shape":{"count":2}}',
  '{"count":2}',
  '{"shape":{"count":-1}}',
  '{"shape":{"count":"x"}}',
  '{"shape":{"count":1e99}}',
  '{"shape":null}',
  '{"shape":[]}',
  '{"pageSize":3,"shape":{}}',
  '{"shape":{"filledStrings":99}}',
  "[]",
  "null",
  '"x"',
  "{",
  "",
  '{"__proto__":{"x":1}}',
  '{"shape":{"count":2,"count":3}}',
];

/** A fuzzed JSON body: a known tricky one, a mangled one, or noise. */
function fuzzJson(): string {
  const base = jsonPieces[randomInt(jsonPieces.length)] as string;
  switch (randomInt(3)) {
    case 0:
      return base;
    case 1: {
      const at = randomInt(base.length + 1);
      return base.slice(0, at) + String.fromCharCode(randomInt(32, 127)) + base.slice(at);
    }
    default:
      return randomBytes(randomInt(0, 64)).toString("latin1");
  }
}

function envelope(payload: Uint8Array, flag = 0): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(payload.byteLength, 1);
  return Buffer.concat([head, payload]);
}

/** Runs `count` jobs, `width` at a time. */
async function inBatches(count: number, width: number, job: (i: number) => Promise<void>) {
  for (let start = 0; start < count; start += width) {
    await Promise.all(
      Array.from({ length: Math.min(width, count - start) }, (_, k) => job(start + k)),
    );
  }
}

describe("faults: 500 fuzzed request bodies per protocol", { timeout: 180_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({
      ...defaultServerConfig,
      port: 0,
      limits: { ...defaultServerConfig.limits, maxCount: 50, maxTotalAccounts: 500 },
    });
  });
  after(() => server.close());

  const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)] as T;
  const internal: string[] = [];

  async function viaFetch(path: string, contentType: string, body: Uint8Array | string) {
    const res = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    });
    const text = Buffer.from(await res.arrayBuffer()).toString("latin1");
    if (res.status >= 500 || /"internal"|"unknown"|grpc-status: ?(13|2)\r/.test(text)) {
      internal.push(`${contentType} ${path}: ${res.status} ${text.slice(0, 120)}`);
    }
  }

  it("Connect JSON", async () => {
    await inBatches(perProtocol, 25, () => viaFetch(pick(paths), "application/json", fuzzJson()));
    assert.deepEqual(internal.splice(0), []);
  });

  it("Connect proto", async () => {
    await inBatches(perProtocol, 25, () => viaFetch(pick(paths), "application/proto", fuzzProto()));
    assert.deepEqual(internal.splice(0), []);
  });

  it("Connect streaming and gRPC-Web", async () => {
    await inBatches(perProtocol, 25, async (i) => {
      const body = i % 2 === 0 ? envelope(fuzzProto(), pick([0, 0, 1, 0x80])) : fuzzProto();
      await viaFetch(
        pick(paths),
        pick(["application/grpc-web+proto", "application/connect+proto"]),
        body,
      );
    });
    assert.deepEqual(internal.splice(0), []);
  });

  it("gRPC over HTTP/2", async () => {
    const session = connectHttp2(server.url);
    session.on("error", () => {});
    try {
      await inBatches(perProtocol, 25, async (i) => {
        const status = await new Promise<string | undefined>((resolve) => {
          const stream = session.request({
            ":method": "POST",
            ":path": pick(paths),
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
          stream.on("error", () => resolve(undefined));
          stream.on("close", () => resolve(grpcStatus));
          stream.resume();
          stream.end(i % 3 === 0 ? fuzzProto() : envelope(fuzzProto()));
        });
        if (status === "13" || status === "2") {
          internal.push(`gRPC status ${status}`);
        }
      });
    } finally {
      session.close();
    }
    assert.deepEqual(internal.splice(0), []);
  });

  it("REST query strings", async () => {
    await inBatches(perProtocol, 25, async () => {
      const query = pick([
        `count=${fuzzJson()}`,
        `${randomBytes(4).toString("hex")}=1`,
        `count=${randomInt(0, 100)}&strategy=${pick(["inline", "offload", "stream", "x"])}`,
        encodeURIComponent(randomBytes(randomInt(0, 40)).toString("latin1")),
      ]);
      const res = await fetch(`${server.url}/v1/clients?${query}`);
      const text = await res.text();
      if (res.status >= 500 && res.status !== 503) {
        internal.push(`REST ?${query}: ${res.status} ${text.slice(0, 120)}`);
      }
    });
    assert.deepEqual(internal.splice(0), []);
    assert.equal((await fetch(`${server.url}/.well-known/live`)).status, 200);
  });
});
