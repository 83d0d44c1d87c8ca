import { Code, ConnectError } from "@connectrpc/connect";
import { type Strategy, strategies, strategyHeader } from "../contract/wire.js";

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

/**
 * The strategy of a unary call. A server default of `stream` applies only
 * where streaming exists, so a unary call that names no strategy under it is
 * served by `offload`, which keeps the loop free as well. A call that names
 * `stream` itself gets it back, and the handler answers `invalid_argument`.
 */
export function unaryStrategy(header: string | null | undefined, fallback: Strategy): Strategy {
  const strategy = requestStrategy(header, fallback);
  const named = header !== null && header !== undefined && header !== "";
  return strategy === "stream" && !named ? "offload" : strategy;
}
