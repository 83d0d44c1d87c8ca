/**
 * A small foreign Connect service for the tests of `loopstall load --proto`:
 * inventory.v1.Inventory from test/fixtures/own-service, schema read at run
 * time (no generated code, as a user's service would be), served over h2c
 * (gRPC, gRPC-Web and Connect) on a loopback port of its own, with a plain
 * HTTP/1.1 `GET /healthz` on the same port. It counts the calls it receives and keeps the last
 * ListItems request, so a test can check what loopstall sent.
 */
import { createServer as createHttp1Server } from "node:http";
import { createServer, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import type { DescService } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { loadSchema } from "../../src/load/schema-source.js";

const fixtures = fileURLToPath(new URL("../fixtures/own-service/", import.meta.url));

/** The fixture's proto and the import paths it needs. */
export const ownServiceProto = {
  proto: `${fixtures}api/inventory/v1/inventory.proto`,
  importPaths: [`${fixtures}api`, `${fixtures}shared`],
};

export interface OwnService {
  url: string;
  calls: { listItems: number; watchItems: number; ping: number; healthz: number };
  /** The last ListItems/WatchItems request, as JSON-ish fields. */
  lastListRequest: { count: number; prefix: string } | undefined;
  close(): Promise<void>;
}

/** Starts the foreign service on 127.0.0.1, port 0. */
export async function startOwnService(): Promise<OwnService> {
  const registry = await loadSchema(ownServiceProto);
  const service = registry.getService("inventory.v1.Inventory") as DescService;
  const calls = { listItems: 0, watchItems: 0, ping: 0, healthz: 0 };
  const state: { last: OwnService["lastListRequest"] } = { last: undefined };
  const items = (req: { count: number; prefix: string }) =>
    Array.from({ length: Math.min(req.count, 100_000) }, (_, i) => ({
      sku: `${req.prefix}${i}`,
      quantity: BigInt(i),
      price: { currency: "EUR", cents: BigInt(100 + i) },
      tags: ["a", "b"],
    }));
  const impl = {
    listItems(req: { count: number; prefix: string }) {
      calls.listItems++;
      state.last = { count: req.count, prefix: req.prefix };
      return { items: items(req) };
    },
    async *watchItems(req: { count: number; prefix: string }) {
      calls.watchItems++;
      state.last = { count: req.count, prefix: req.prefix };
      yield* items(req);
    },
    ping() {
      calls.ping++;
      return {};
    },
  };
  // Restock is left out: Connect answers it with unimplemented.
  const adapter = connectNodeAdapter({
    routes: (router) => router.service(service, impl as never),
  });
  const sessions = new Set<ServerHttp2Session>();
  const h2 = createServer((req, res) => adapter(req, res));
  // Plain-text HTTP/1.1 on the same port for GET /healthz, as a Kubernetes
  // httpGet probe sends it: the first bytes say which protocol a connection speaks.
  const h1 = createHttp1Server((req, res) => {
    if (req.url === "/healthz") {
      calls.healthz++;
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    res.writeHead(404).end();
  });
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.once("readable", () => {
      const head = socket.read(3) as Buffer | null;
      if (head === null) {
        socket.destroy();
        return;
      }
      socket.unshift(head);
      (head.toString("latin1") === "PRI" ? h2 : h1).emit("connection", socket);
    });
  });
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get lastListRequest() {
      return state.last;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open client sessions would hold close() up; end them.
        for (const session of sessions) {
          session.destroy();
        }
        for (const socket of sockets) {
          socket.destroy();
        }
      }),
  };
}
