/**
 * Peer server of `npm run bench:peers`: bare connect-node, as its docs show
 * it — `connectNodeAdapter` on `http2.createServer` (h2c) and on
 * `http.createServer` (HTTP/1.1, a second port, since plain-text HTTP/2
 * cannot fall back) — with loopstall's own routes and default limits.
 */
import { createServer as createHttp1Server } from "node:http";
import { createServer as createHttp2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { announceReady } from "../bench/peers/peer-ready.js";
import { defaultShapeLimits } from "../contract/shape.js";
import { TreeCache } from "../model/tree-cache.js";
import { createRoutes } from "../service/routes.js";
import { EncodePool } from "../strategy/encode-pool.js";
import { defaultSliceMs } from "../strategy/sliced-encoder.js";

const handler = connectNodeAdapter({
  routes: createRoutes({
    limits: defaultShapeLimits,
    health: { serving: true },
    strategy: "inline",
    pool: new EncodePool({ size: 1 }), // never started: every call is inline
    cache: new TreeCache(),
    sliceMs: defaultSliceMs,
  }),
});
const h2c = createHttp2Server(handler);
const http1 = createHttp1Server(handler);
await Promise.all([
  new Promise<void>((resolve) => h2c.listen(0, "127.0.0.1", resolve)),
  new Promise<void>((resolve) => http1.listen(0, "127.0.0.1", resolve)),
]);
announceReady({
  h2c: (h2c.address() as AddressInfo).port,
  http1: (http1.address() as AddressInfo).port,
});
