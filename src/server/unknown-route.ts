import { Code, ConnectError } from "@connectrpc/connect";
import { writeJsonError } from "../http/json-error.js";
import type { AnyRequest, AnyResponse } from "../http/node-types.js";

/**
 * Answers a request no route matched. gRPC and gRPC-Web clients expect
 * HTTP 200 with `grpc-status: 12` (unimplemented) in a trailers-only
 * response, as the gRPC spec says for an unknown method; everything else
 * (Connect, REST, a browser) gets Connect's 404 with a JSON body.
 */
export function writeUnknownRoute(req: AnyRequest, res: AnyResponse): void {
  const contentType = String(req.headers["content-type"] ?? "").toLowerCase();
  const what = `${req.method ?? ""} ${req.url ?? ""}`;
  if (contentType.startsWith("application/grpc")) {
    // Trailers-only: the status goes in the headers, the body is empty.
    res.writeHead(200, {
      "content-type": contentType.split(";")[0]?.trim() || "application/grpc",
      "grpc-status": String(Code.Unimplemented),
      "grpc-message": encodeURIComponent(`unknown method ${req.url ?? ""}`),
    });
    res.end();
    // The request body is never read; let it be discarded.
    req.resume();
    return;
  }
  writeJsonError(res, new ConnectError(`no route for ${what}`, Code.NotFound));
}
