import { setImmediate as nextTurn } from "node:timers/promises";
import { create, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { defaultPageSize, type ResolvedShape, type ShapeLimits } from "../contract/shape.js";
import { type Source, type Strategy, sourceHeader, strategyHeader } from "../contract/wire.js";
import { type Client, ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import type { Admission } from "../http/admission.js";
import { departedError, hasDeparted, settleAndCheck } from "../http/departure.js";
import { writeJson, writeJsonError, writeMethodNotAllowed } from "../http/json-error.js";
import type { AnyRequest, AnyResponse } from "../http/node-types.js";
import { splitRequestUrl } from "../http/request-url.js";
import { buildClientInits } from "../model/client-inits.js";
import { estimateJsonBytes, resolveShape } from "../model/tree-shape.js";
import { encodeResponse, type HeavyEncoders } from "../strategy/encode-response.js";
import { encodeClients } from "../strategy/fast-encode.js";
import { abortOnClose, writeClientsStream, writeInChunks } from "../strategy/rest-stream-writer.js";
import { requestSource, treeFrom } from "../strategy/source.js";
import { requestStrategy } from "../strategy/strategy.js";
import {
  compressBytes,
  compressMinBytes,
  createCompressStream,
  negotiateEncoding,
  type RestEncoding,
} from "./rest-compression.js";
import { parseClientsQuery } from "./rest-query.js";

export interface RestRoutesOptions extends HeavyEncoders {
  limits: ShapeLimits;
  /** The strategy of a request that names none. Default `inline`. */
  strategy?: Strategy;
  /** The data source of a request that names none. Default `build`. */
  source?: Source;
  /** Bounds the heavy responses in progress; none means unbounded. */
  admission?: Admission;
}

/**
 * The plain JSON endpoints for curl:
 * - `GET /v1/clients?count=&accounts_per_client=&filled_strings=&strategy=&source=`:
 *   the tree, byte-equal to the Connect JSON response for the same shape.
 *   The strategy comes from `?strategy=`, else the `loopstall-strategy`
 *   header, else the server's default; `stream` sends chunked JSON page by
 *   page. The data source likewise (`?source=`, `loopstall-source`). A
 *   full offload pool answers 503 `resource_exhausted`.
 *   `Accept-Encoding: gzip` or `br` compresses it, in libuv's thread pool.
 *   A parameter given twice, an unknown one or a bad value is a 400.
 * - `GET /.well-known/live`: 200 while the process serves.
 *
 * Returns a handler that answers and returns true for these paths, and
 * returns false for any other path.
 */
export function createRestRoutes(options: RestRoutesOptions) {
  const fallbackStrategy = options.strategy ?? "inline";
  const fallbackSource = options.source ?? "build";
  return function handleRest(req: AnyRequest, res: AnyResponse): boolean {
    const { path, query } = splitRequestUrl(req.url);
    if (path !== "/v1/clients" && path !== "/.well-known/live") {
      return false;
    }
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        writeMethodNotAllowed(res, path);
        return true;
      }
      if (path === "/.well-known/live") {
        writeJson(res, 200, { status: "ok", pid: process.pid });
        return true;
      }
      const { shape: requested, strategy: named, source: namedSource } = parseClientsQuery(query);
      const shape = resolveShape(requested, options.limits);
      const header = req.headers[strategyHeader];
      const strategy =
        named ?? requestStrategy(Array.isArray(header) ? header[0] : header, fallbackStrategy);
      const sourceValue = req.headers[sourceHeader];
      const source =
        namedSource ??
        requestSource(Array.isArray(sourceValue) ? sourceValue[0] : sourceValue, fallbackSource);
      res.setHeader(strategyHeader, strategy);
      res.setHeader(sourceHeader, source);
      res.setHeader("vary", "accept-encoding");
      const encoding = negotiateEncoding(req.headers["accept-encoding"]);
      if (req.method === "HEAD") {
        // The request is valid; a HEAD has no body to build.
        res.writeHead(200, { "content-type": "application/json" });
        res.end();
        return true;
      }
      serveClients(req, res, shape, strategy, source, options, encoding).catch((error: unknown) => {
        // Nobody is left to read an answer for a client that went away.
        if (!hasDeparted({ req, res })) {
          writeRestError(res, error);
        }
      });
    } catch (error) {
      writeRestError(res, error);
    }
    return true;
  };
}

async function serveClients(
  req: AnyRequest,
  res: AnyResponse,
  shape: ResolvedShape,
  strategy: Strategy,
  source: Source,
  options: RestRoutesOptions,
  encoding: RestEncoding | undefined,
): Promise<void> {
  const { admission } = options;
  // Nothing is built for a client that has gone or a process at its bounds.
  await settleAndCheck({ req, res }, () => admission?.noteDeparted());
  const page = { ...shape, count: Math.min(shape.count, defaultPageSize) };
  admission?.admit(
    res,
    strategy === "stream" ? 2 * estimateJsonBytes(page) : estimateJsonBytes(shape),
  );
  switch (strategy) {
    case "inline": {
      const message = create(ListClientsResponseSchema, {
        clients: treeFrom(source, shape, options.cache) as Client[],
      });
      await nextTurn();
      if (hasDeparted({ req, res })) {
        admission?.noteDeparted();
        throw departedError(); // Built for nobody: at least do not encode it.
      }
      // The same two steps as Connect's JSON serialization, so the bytes match.
      const json = JSON.stringify(toJson(ListClientsResponseSchema, message));
      await writeLargeJson(res, Buffer.from(json, "utf8"), encoding);
      return;
    }
    case "fast": {
      // Inline, but built as init objects and encoded by the generated codec.
      const clients = buildClientInits(shape);
      await nextTurn();
      if (hasDeparted({ req, res })) {
        admission?.noteDeparted();
        throw departedError();
      }
      await writeLargeJson(res, encodeClients(clients, "json"), encoding);
      return;
    }
    case "offload":
    case "offload-clone":
    case "offload-replica":
    case "slice": {
      // A client that goes away cancels its task (queued or running) or its slices.
      const gone = abortOnClose(res);
      try {
        const bytes = await encodeResponse(strategy, source, shape, "json", options, gone.signal);
        if (!gone.signal.aborted) {
          await writeLargeJson(res, bytes, encoding, gone.signal);
        }
      } catch (error) {
        // A client that went away has nobody left to answer.
        if (!gone.signal.aborted) {
          throw error;
        }
      } finally {
        gone.dispose();
      }
      return;
    }
    case "stream": {
      const memoryTree = source === "memory" ? { tree: options.cache.get(shape) } : {};
      if (encoding === undefined || shape.count === 0) {
        await writeClientsStream(res, shape, { pageSize: defaultPageSize, ...memoryTree });
        return;
      }
      const body = createCompressStream(encoding);
      body.pipe(res);
      body.once("error", () => res.destroy());
      // A client that goes away stops the compressor too.
      res.once("close", () => body.destroy());
      await writeClientsStream(res, shape, {
        pageSize: defaultPageSize,
        ...memoryTree,
        body,
        headers: { "content-encoding": encoding },
      });
      return;
    }
  }
}

/**
 * Like `writeJsonError`, except that `resource_exhausted` (a full offload
 * pool) answers 503 with `retry-after`, the usual status for a busy server,
 * rather than Connect's 429.
 */
function writeRestError(res: AnyResponse, error: unknown): void {
  if (error instanceof ConnectError && error.code === Code.ResourceExhausted && !res.headersSent) {
    res.setHeader("retry-after", "1");
    writeJson(res, 503, { code: codeToString(error.code), message: error.rawMessage });
    return;
  }
  writeJsonError(res, error);
}

/**
 * A 200 JSON body of any size, compressed (off the event loop) when the
 * client accepts it and it is not tiny, written in pieces that respect
 * backpressure.
 */
async function writeLargeJson(
  res: AnyResponse,
  bytes: Uint8Array,
  encoding: RestEncoding | undefined,
  gone?: AbortSignal,
): Promise<void> {
  let body = bytes;
  const headers: Record<string, string | number> = { "content-type": "application/json" };
  if (encoding !== undefined && bytes.byteLength >= compressMinBytes) {
    body = await compressBytes(bytes, encoding);
    if (gone?.aborted || res.destroyed) {
      return;
    }
    headers["content-encoding"] = encoding;
  }
  headers["content-length"] = body.byteLength;
  res.writeHead(200, headers);
  await writeInChunks(res, body);
}
