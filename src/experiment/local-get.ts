import { get, type IncomingHttpHeaders } from "node:http";
import { checkLocalTarget } from "../load/local-target.js";

/** A finished GET: status, headers and body text. */
export interface LocalGetResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * GETs a loopback URL on a fresh connection that is closed afterwards, so
 * the experiment leaves no keep-alive socket behind that would hold up the
 * server's graceful shutdown. Rejects on network errors, on timeout and on a
 * body over `maxBytes`.
 */
export function localGet(
  url: string,
  timeoutMs: number,
  maxBytes = 8 * 1024 * 1024,
  headers: Record<string, string> = {},
): Promise<LocalGetResponse> {
  checkLocalTarget(url);
  return new Promise((resolve, reject) => {
    const req = get(
      url,
      {
        agent: false,
        headers: { ...headers, connection: "close" },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > maxBytes) {
            req.destroy(new Error(`response over ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.once("error", reject);
        res.once("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.once("error", reject);
  });
}
