import { Code, ConnectError } from "@connectrpc/connect";

/**
 * How a heavy response is produced:
 * - `inline`: built and serialized on the event loop (Connect's default).
 * - `offload`: built and encoded in a worker thread; the event loop only
 *   copies the finished bytes.
 * - `stream`: built and written page by page, yielding to the event loop
 *   between pages.
 */
export const strategies = ["inline", "offload", "stream"] as const;

export type Strategy = (typeof strategies)[number];

/** The request header that picks the strategy of one request. */
export const strategyHeader = "loopstall-strategy";

/**
 * Parses a strategy name. Throws `invalid_argument` naming the allowed
 * values; `source` says where the value came from (a header, a flag).
 */
export function parseStrategy(value: string, source: string): Strategy {
  const found = strategies.find((s) => s === value);
  if (found === undefined) {
    throw new ConnectError(
      `${source} must be one of ${strategies.join(", ")}, got "${value.slice(0, 64)}"`,
      Code.InvalidArgument,
    );
  }
  return found;
}

/** The strategy a request asks for in its header, or `fallback` if it asks for none. */
export function requestStrategy(header: string | null | undefined, fallback: Strategy): Strategy {
  if (header === null || header === undefined || header === "") {
    return fallback;
  }
  return parseStrategy(header, `the ${strategyHeader} header`);
}
