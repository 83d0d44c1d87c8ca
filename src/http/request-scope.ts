import { AsyncLocalStorage } from "node:async_hooks";
import type { AnyRequest, AnyResponse } from "./node-types.js";

/** The Node request and response a handler runs for. */
export interface Exchange {
  req: AnyRequest;
  res: AnyResponse;
}

const scope = new AsyncLocalStorage<Exchange>();

/**
 * Wraps a request handler so that code running for the request (a Connect
 * service method, several awaits deep) can reach the Node request and
 * response through {@link currentExchange}: Connect's HandlerContext does
 * not expose them, and admission and departure checks need the sockets.
 */
export function withRequestScope<A extends [AnyRequest, AnyResponse, ...unknown[]]>(
  handler: (...args: A) => void,
) {
  return (...args: A): void => {
    scope.run({ req: args[0], res: args[1] }, () => handler(...args));
  };
}

/** The exchange of the current request, or undefined outside {@link withRequestScope}. */
export function currentExchange(): Exchange | undefined {
  return scope.getStore();
}
