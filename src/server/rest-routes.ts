import { setImmediate as nextTurn } from "node:timers/promises";
import { create, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { defaultPageSize, type ResolvedShape, type ShapeLimits } from "../contract/shape.js";
import { type Strategy, strategyHeader } from "../contract/wire.js";
import { ListClientsResponseSchema, type TreeShape } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import { estimateJsonBytes, resolveShape } from "../model/tree-shape.js";
import type { EncodePool } from "../strategy/encode-pool.js";
import { abortOnClose, writeClientsStream, writeInChunks } from "../strategy/rest-stream-writer.js";
import { parseStrategy, requestStrategy } from "../strategy/strategy.js";
import type { Admission } from "./admission.js";
import { departedError, hasDeparted, settleAndCheck } from "./departure.js";
import { writeJson, writeJsonError, writeMethodNotAllowed } from "./json-error.js";
import type { AnyRequest, AnyResponse } from "./node-types.js";
import { splitRequestUrl } from "./request-url.js";

export interface RestRoutesOptions {
  limits: ShapeLimits;
  /** The strategy of a request that names none. Default `inline`. */
  strategy?: Strategy;
  /** The pool that serves `offload` requests. */
  pool: EncodePool;
  /** Bounds the heavy responses in progress; none means unbounded. */
  admission?: Admission;
}

/** Query parameters of `GET /v1/clients`, mapped to `TreeShape` fields. */
const shapeParams = {
  count: "count",
  accounts_per_client: "accountsPerClient",
  filled_strings: "filledStrings",
} as const satisfies Record<string, keyof TreeShape>;

/** The longest query string `GET /v1/clients` accepts. */
const maxQueryLength = 1_024;

/**
 * The plain JSON endpoints for curl:
 * - `GET /v1/clients?count=&accounts_per_client=&filled_strings=&strategy=`:
 *   the tree, byte-equal to the Connect JSON response for the same shape.
 *   The strategy comes from `?strategy=`, else the `loopstall-strategy`
 *   header, else the server's default; `stream` sends chunked JSON page by
 *   page. A full offload pool answers 503 `resource_exhausted`.
 * - `GET /.well-known/live`: 200 while the process serves.
 *
 * Returns a handler that answers and returns true for these paths, and
 * returns false for any other path.
 */
export function createRestRoutes(options: RestRoutesOptions) {
  const fallbackStrategy = options.strategy ?? "inline";
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
      const { shape: requested, strategy: named } = parseClientsQuery(query);
      const shape = resolveShape(requested, options.limits);
      const header = req.headers[strategyHeader];
      const strategy =
        named ?? requestStrategy(Array.isArray(header) ? header[0] : header, fallbackStrategy);
      res.setHeader(strategyHeader, strategy);
      if (req.method === "HEAD") {
        // The request is valid; a HEAD has no body to build.
        res.writeHead(200, { "content-type": "application/json" });
        res.end();
        return true;
      }
      serveClients(req, res, shape, strategy, options).catch((error: unknown) => {
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
  { pool, admission }: RestRoutesOptions,
): Promise<void> {
  // Nothing is built for a client that has gone or a process at its bounds.
  await settleAndCheck({ req, res }, () => admission?.noteDeparted());
  const page = { ...shape, count: Math.min(shape.count, defaultPageSize) };
  admission?.admit(
    res,
    strategy === "stream" ? 2 * estimateJsonBytes(page) : estimateJsonBytes(shape),
  );
  switch (strategy) {
    case "inline": {
      const message = create(ListClientsResponseSchema, { clients: buildClients(shape) });
      await nextTurn();
      if (hasDeparted({ req, res })) {
        admission?.noteDeparted();
        throw departedError(); // Built for nobody: at least do not encode it.
      }
      // The same two steps as Connect's JSON serialization, so the bytes match.
      const json = JSON.stringify(toJson(ListClientsResponseSchema, message));
      await writeLargeJson(res, Buffer.from(json, "utf8"));
      return;
    }
    case "offload": {
      // A client that goes away cancels its task, queued or running.
      const gone = abortOnClose(res);
      try {
        const bytes = await pool.encode(shape, "json", gone.signal);
        if (!gone.signal.aborted) {
          await writeLargeJson(res, bytes);
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
    case "stream":
      await writeClientsStream(res, shape, { pageSize: defaultPageSize });
      return;
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

/** Splits `strategy=` off the shape knobs of the `GET /v1/clients` query. */
export function parseClientsQuery(query: string): {
  shape: Partial<TreeShape>;
  strategy: Strategy | undefined;
} {
  const params = queryParams(query);
  const named = params.getAll("strategy");
  if (named.length > 1) {
    throw new ConnectError("strategy is given more than once", Code.InvalidArgument);
  }
  params.delete("strategy");
  return {
    shape: shapeFromParams(params),
    strategy: named[0] === undefined ? undefined : parseStrategy(named[0], "strategy"),
  };
}

function queryParams(query: string): URLSearchParams {
  if (query.length > maxQueryLength) {
    throw new ConnectError(
      `query string is ${query.length} bytes, over the cap of ${maxQueryLength}`,
      Code.InvalidArgument,
    );
  }
  return new URLSearchParams(query);
}

function shapeFromParams(params: URLSearchParams): Partial<TreeShape> {
  const shape: Partial<TreeShape> = {};
  for (const [name, value] of params) {
    if (!Object.hasOwn(shapeParams, name)) {
      throw new ConnectError(
        `unknown query parameter "${name}"; expected one of ${[...Object.keys(shapeParams), "strategy"].join(", ")}`,
        Code.InvalidArgument,
      );
    }
    if (!/^\d{1,10}$/.test(value)) {
      throw new ConnectError(
        `${name} must be a non-negative integer, got "${value}"`,
        Code.InvalidArgument,
      );
    }
    shape[shapeParams[name as keyof typeof shapeParams]] = Number(value);
  }
  return shape;
}

/** A 200 JSON body of any size, written in pieces that respect backpressure. */
async function writeLargeJson(res: AnyResponse, bytes: Uint8Array): Promise<void> {
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": bytes.byteLength,
  });
  await writeInChunks(res, bytes);
}
