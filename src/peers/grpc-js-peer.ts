/**
 * Peer server of `npm run bench:peers`: @grpc/grpc-js with the proto loaded
 * at run time by @grpc/proto-loader (protobufjs), as grpc-js users run it.
 * Same proto, same deterministic tree (loopstall's client factory), same caps.
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { announceReady, bankProtoPath } from "../bench/peers/peer-ready.js";
import { defaultShapeLimits } from "../contract/shape.js";
import { buildClients } from "../model/client-factory.js";
import { resolveShape } from "../model/tree-shape.js";

interface ShapeIn {
  count?: number;
  accountsPerClient?: number;
  filledStrings?: number;
}

const definition = protoLoader.loadSync(bankProtoPath, {
  keepCase: false,
  longs: Number,
  enums: Number,
  defaults: false,
  oneofs: true,
});
const bank = (
  grpc.loadPackageDefinition(definition) as unknown as {
    bank: { v1: { BankService: { service: grpc.ServiceDefinition } } };
  }
).bank.v1.BankService;

function shapeOf(request: { shape?: ShapeIn | null }) {
  const { count, accountsPerClient, filledStrings } = request.shape ?? {};
  return resolveShape({ count, accountsPerClient, filledStrings }, defaultShapeLimits);
}

const server = new grpc.Server();
server.addService(bank.service, {
  Live(_call: unknown, callback: grpc.sendUnaryData<{ pid: number }>) {
    callback(null, { pid: process.pid });
  },
  ListClients(
    call: grpc.ServerUnaryCall<{ shape?: ShapeIn }, unknown>,
    callback: grpc.sendUnaryData<unknown>,
  ) {
    try {
      callback(null, { clients: buildClients(shapeOf(call.request)) });
    } catch (error) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: String(error) }, null);
    }
  },
  StreamClients(call: grpc.ServerWritableStream<{ shape?: ShapeIn }, unknown>) {
    const shape = shapeOf(call.request);
    for (let start = 0; start < shape.count; start += 1_000) {
      call.write({ clients: buildClients(shape, start, Math.min(shape.count, start + 1_000)) });
    }
    call.end();
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    throw error;
  }
  announceReady({ h2c: port });
});
