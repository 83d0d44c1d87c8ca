/**
 * Peer server of `npm run bench:peers`: fastify serving loopstall's REST
 * routes (`GET /.well-known/live`, `GET /v1/clients`) the way a fastify user
 * would: a handler returns an object and fastify serializes it.
 */
import { create, toJson } from "@bufbuild/protobuf";
import Fastify from "fastify";
import { announceReady } from "../bench/peers/peer-ready.js";
import { defaultShapeLimits } from "../contract/shape.js";
import { ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import { resolveShape } from "../model/tree-shape.js";

const app = Fastify({ logger: false });
app.get("/.well-known/live", async () => ({ status: "ok", pid: process.pid }));
app.get<{ Querystring: Record<string, string | undefined> }>("/v1/clients", async (request) => {
  const number = (name: string) => {
    const value = request.query[name];
    return value === undefined ? undefined : Number(value);
  };
  const shape = resolveShape(
    {
      count: number("count"),
      accountsPerClient: number("accounts_per_client"),
      filledStrings: number("filled_strings"),
    },
    defaultShapeLimits,
  );
  return toJson(
    ListClientsResponseSchema,
    create(ListClientsResponseSchema, { clients: buildClients(shape) }),
  );
});
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
announceReady({ http1: typeof address === "object" && address !== null ? address.port : 0 });
