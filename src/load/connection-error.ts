/** Node error codes of a connection that could not be made or was lost. */
const connectionErrorCodes: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ERR_HTTP2_ERROR",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_INVALID_SESSION",
  "ERR_HTTP2_STREAM_CANCEL",
  "ERR_HTTP2_SESSION_ERROR",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Whether `error` (or an error in its `cause` chain, or an AggregateError's
 * member, as `net` throws for a refused dual-stack connect) is a connection
 * failure rather than an answer from the server.
 */
export function isConnectionError(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 8) {
    return false;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && connectionErrorCodes.has(code)) {
    return true;
  }
  if (
    error instanceof AggregateError &&
    error.errors.some((e) => isConnectionError(e, depth + 1))
  ) {
    return true;
  }
  return isConnectionError(error.cause, depth + 1);
}
