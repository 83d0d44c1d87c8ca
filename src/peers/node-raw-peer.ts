/**
 * The ceiling of `npm run bench:peers`: Node's own `http2` (h2c) and `http`
 * servers with hand-written replies, no framework. The messages are still
 * real: the same protobuf-es messages and tree, encoded per request.
 */
import {
  createServer as createHttp1Server,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from "node:http2";
import type { AddressInfo } from "node:net";
import { create, fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import { announceReady } from "../bench/peers/peer-ready.js";
import { defaultShapeLimits } from "../contract/shape.js";
import {
  ListClientsRequestSchema,
  ListClientsResponseSchema,
  LiveResponseSchema,
} from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import { resolveShape } from "../model/tree-shape.js";

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

const live = () => toBinary(LiveResponseSchema, create(LiveResponseSchema, { pid: process.pid }));

function readBody(req: Req, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => done(Buffer.concat(chunks)));
}

function grpcReply(res: Res, message: Uint8Array): void {
  const frame = Buffer.allocUnsafe(message.byteLength + 5);
  frame[0] = 0;
  frame.writeUInt32BE(message.byteLength, 1);
  frame.set(message, 5);
  const h2 = res as Http2ServerResponse;
  h2.writeHead(200, { "content-type": "application/grpc+proto" });
  h2.write(frame);
  h2.addTrailers({ "grpc-status": "0" });
  h2.end();
}

function listClients(request: Uint8Array): Uint8Array {
  const { shape } = fromBinary(ListClientsRequestSchema, request);
  const clients = buildClients(resolveShape(shape, defaultShapeLimits));
  return toBinary(ListClientsResponseSchema, create(ListClientsResponseSchema, { clients }));
}

function handle(req: Req, res: Res): void {
  const path = (req.url ?? "").split("?", 1)[0];
  const type = req.headers["content-type"] ?? "";
  if (path === "/.well-known/live") {
    const body = JSON.stringify({ status: "ok", pid: process.pid });
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  if (path === "/v1/clients") {
    const query = new URLSearchParams((req.url ?? "").slice(path.length + 1));
    const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
    const shape = resolveShape(
      {
        count: number("count"),
        accountsPerClient: number("accounts_per_client"),
        filledStrings: number("filled_strings"),
      },
      defaultShapeLimits,
    );
    const json = JSON.stringify(
      toJson(
        ListClientsResponseSchema,
        create(ListClientsResponseSchema, { clients: buildClients(shape) }),
      ),
    );
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(json),
    });
    res.end(json);
    return;
  }
  readBody(req, (body) => {
    const grpc = type.startsWith("application/grpc");
    const message = grpc ? body.subarray(5) : body;
    let reply: Uint8Array;
    if (path === "/bank.v1.BankService/Live") {
      reply = live();
    } else if (path === "/bank.v1.BankService/ListClients") {
      reply = listClients(message);
    } else {
      res.writeHead(404);
      res.end();
      return;
    }
    if (grpc) {
      grpcReply(res, reply);
    } else {
      res.writeHead(200, {
        "content-type": "application/proto",
        "content-length": reply.byteLength,
      });
      res.end(reply);
    }
  });
}

const h2c = createHttp2Server(handle);
const http1 = createHttp1Server(handle);
await Promise.all([
  new Promise<void>((resolve) => h2c.listen(0, "127.0.0.1", resolve)),
  new Promise<void>((resolve) => http1.listen(0, "127.0.0.1", resolve)),
]);
announceReady({
  h2c: (h2c.address() as AddressInfo).port,
  http1: (http1.address() as AddressInfo).port,
});
