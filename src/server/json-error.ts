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
  const body = JSON.stringify({
    code: codeToString(connectError.code),
    message: connectError.rawMessage,
  });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(codeToHttpStatus(connectError.code), {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
