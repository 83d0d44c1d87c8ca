/**
 * The names on the wire, defined once for the server, the load engine, the
 * experiment and the k6 scripts: formats, strategies, header names, the
 * service's methods and REST routes. Plain TypeScript with no imports and no
 * Node or k6 APIs, so k6 can import it as it is.
 */

/** Wire formats of the heavy call. */
export const formats = ["connect-proto", "connect-json", "grpc", "grpc-web", "rest-json"] as const;

export type Format = (typeof formats)[number];

/**
 * How a heavy response is produced:
 * - `inline`: built and serialized on the event loop (Connect's default).
 * - `offload`: built and encoded in a worker thread; the event loop only
 *   copies the finished bytes.
 * - `stream`: built and written page by page, yielding to the event loop
 *   between pages.
 * - `fast`: inline, but the tree is built as plain init objects and encoded
 *   by the generated codec (src/codec) instead of protobuf-es.
 * - `offload-clone`: the main thread takes the tree from its source and
 *   posts it to a worker thread (a structured clone, on the main thread),
 *   which encodes it.
 * - `offload-replica`: each worker thread keeps its own copy of the source
 *   (its own cache, or its own build) and encodes from it.
 * - `slice`: encoded on the event loop in slices of at most `--slice-ms`,
 *   with a loop turn between slices.
 */
export const strategies = [
  "inline",
  "offload",
  "stream",
  "fast",
  "offload-clone",
  "offload-replica",
  "slice",
] as const;

export type Strategy = (typeof strategies)[number];

/**
 * Where the heavy response's tree comes from:
 * - `build`: built for each request from its shape.
 * - `memory`: already in the main thread's memory (a cached query result),
 *   built once per distinct shape and kept in a bounded LRU cache.
 */
export const sources = ["build", "memory"] as const;

export type Source = (typeof sources)[number];

/** The request header that picks the data source of one request (the response names the one used). */
export const sourceHeader = "loopstall-source";

/** The request header that picks the strategy of one request (the response names the one used). */
export const strategyHeader = "loopstall-strategy";

/** The response header that carries the serving process's pid. */
export const workerHeader = "x-worker";

export const serviceName = "bank.v1.BankService";

/** The gRPC method names (`k6/net/grpc` and ghz `--call` form). */
export const grpcMethods = {
  probe: `${serviceName}/Live`,
  heavy: `${serviceName}/ListClients`,
  heavyStream: `${serviceName}/StreamClients`,
} as const;

/** The REST routes (HTTP/1.1, JSON). */
export const restPaths = {
  probe: "/.well-known/live",
  heavy: "/v1/clients",
} as const;
