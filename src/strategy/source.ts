import { Code, ConnectError } from "@connectrpc/connect";
import type { ResolvedShape } from "../contract/shape.js";
import { type Source, sourceHeader, sources } from "../contract/wire.js";
import type { Client } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import type { TreeCache } from "../model/tree-cache.js";

/**
 * Parses a data source name. Throws `invalid_argument` naming the allowed
 * values; `origin` says where the value came from (a header, a flag).
 */
export function parseSource(value: string, origin: string): Source {
  const found = sources.find((s) => s === value);
  if (found === undefined) {
    throw new ConnectError(
      `${origin} must be one of ${sources.join(", ")}, got "${value.slice(0, 64)}"`,
      Code.InvalidArgument,
    );
  }
  return found;
}

/** The source a request asks for in its header, or `fallback` if it asks for none. */
export function requestSource(header: string | null | undefined, fallback: Source): Source {
  if (header === null || header === undefined || header === "") {
    return fallback;
  }
  return parseSource(header, `the ${sourceHeader} header`);
}

/**
 * The tree of `shape` from `source`, on the calling thread: built now, or
 * taken from the cache (built there on its first use). A `memory` tree is
 * shared and must not be modified.
 */
export function treeFrom(
  source: Source,
  shape: ResolvedShape,
  cache: TreeCache,
): readonly Client[] {
  return source === "memory" ? cache.get(shape) : buildClients(shape);
}
