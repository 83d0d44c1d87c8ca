import { create, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ListClientsResponseSchema, type TreeShape } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import { resolveShape, type ShapeLimits } from "../model/tree-shape.js";
import { writeJsonError } from "./json-error.js";
import type { AnyRequest, AnyResponse } from "./node-types.js";

export interface RestRoutesOptions {
  limits: ShapeLimits;
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
 * - `GET /v1/clients?count=&accounts_per_client=&filled_strings=`: the tree,
 *   byte-equal to the Connect JSON response for the same shape.
 * - `GET /.well-known/live`: 200 while the process serves.
 *
 * Returns a handler that answers and returns true for these paths, and
 * returns false for any other path.
 */
export function createRestRoutes(options: RestRoutesOptions) {
  return function handleRest(req: AnyRequest, res: AnyResponse): boolean {
    const url = req.url ?? "/";
    const queryStart = url.indexOf("?");
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    if (path !== "/v1/clients" && path !== "/.well-known/live") {
      return false;
    }
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.setHeader("allow", "GET, HEAD");
        writeJson(res, 405, { code: "method_not_allowed", message: `${path} accepts GET only` });
        return true;
      }
      if (path === "/.well-known/live") {
        writeJson(res, 200, { status: "ok", pid: process.pid });
        return true;
      }
      const query = queryStart < 0 ? "" : url.slice(queryStart + 1);
      const shape = resolveShape(parseShapeQuery(query), options.limits);
      const message = create(ListClientsResponseSchema, { clients: buildClients(shape) });
      // The same two steps as Connect's JSON serialization, so the bytes match.
      writeJsonBody(res, 200, JSON.stringify(toJson(ListClientsResponseSchema, message)));
    } catch (error) {
      writeJsonError(res, error);
    }
    return true;
  };
}

/** Parses the shape knobs of a query string, rejecting anything malformed or unknown. */
export function parseShapeQuery(query: string): Partial<TreeShape> {
  if (query.length > maxQueryLength) {
    throw new ConnectError(
      `query string is ${query.length} bytes, over the cap of ${maxQueryLength}`,
      Code.InvalidArgument,
    );
  }
  const shape: Partial<TreeShape> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    if (!Object.hasOwn(shapeParams, name)) {
      throw new ConnectError(
        `unknown query parameter "${name}"; expected one of ${Object.keys(shapeParams).join(", ")}`,
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

function writeJson(res: AnyResponse, status: number, value: unknown): void {
  writeJsonBody(res, status, JSON.stringify(value));
}

function writeJsonBody(res: AnyResponse, status: number, body: string): void {
  const bytes = Buffer.from(body, "utf8");
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": bytes.byteLength,
  });
  res.end(bytes);
}
