import { Code, ConnectError } from "@connectrpc/connect";
import { codeToHttpStatus, codeToString } from "@connectrpc/connect/protocol-connect";
import type { AnyResponse } from "./node-types.js";

/**
 * Writes an error as `{ "code": "...", "message": "..." }`, the same shape
 * Connect uses for unary errors, with the HTTP status Connect maps the code to.
 */
export function writeJsonError(res: AnyResponse, error: unknown): void {
  const connectError =
    error instanceof ConnectError ? error : new ConnectError("internal error", Code.Internal);
  if (!(error instanceof ConnectError)) {
    console.error("unexpected error in REST handler:", error);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeJson(res, codeToHttpStatus(connectError.code), {
    code: codeToString(connectError.code),
    message: connectError.rawMessage,
  });
}

/** Writes `value` as a complete JSON response with the given status. */
export function writeJson(res: AnyResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": body.byteLength,
  });
  res.end(body);
}

/** Answers a method other than GET or HEAD on `path` with 405 and an `allow` header. */
export function writeMethodNotAllowed(res: AnyResponse, path: string): void {
  res.setHeader("allow", "GET, HEAD");
  writeJson(res, 405, { code: "method_not_allowed", message: `${path} accepts GET only` });
}
