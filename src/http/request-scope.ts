import type { AnyRequest, AnyResponse } from "./node-types.js";
import { RequestStorage } from "./request-storage.js";

/** The Node request and response a handler runs for. */
export interface Exchange {
  req: AnyRequest;
  res: AnyResponse;
}

const scope = new RequestStorage<Exchange>();

/**
 * Wraps a request handler so that code running for the request (a Connect
 * service method, several awaits deep) can reach the Node request and
 * response through {@link currentExchange}: Connect's HandlerContext does
 * not expose them, and admission and departure checks need the sockets.
 */
export function withRequestScope(
  handler: (req: AnyRequest, res: AnyResponse) => void,
): (req: AnyRequest, res: AnyResponse) => void {
  return scope.wrap(handler, (req, res) => ({ req, res }));
}

/** The exchange of the current request, or undefined outside {@link withRequestScope}. */
export function currentExchange(): Exchange | undefined {
  return scope.get();
}
