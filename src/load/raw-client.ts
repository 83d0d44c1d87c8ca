import { Agent, type IncomingHttpHeaders, request as requestHttp1 } from "node:http";
import { type ClientHttp2Session, connect as connectHttp2, constants } from "node:http2";
import { checkLocalTarget } from "./local-target.js";
import { receiveWindowBytes } from "./transports.js";

/** A request as bytes on the wire, protocol-agnostic. */
export interface RawRequest {
  method: "GET" | "POST";
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** What came back; the body went to the caller's sink chunk by chunk. */
export interface RawResponse {
  status: number;
  headers: Headers;
  /** HTTP/2 trailers (empty over HTTP/1.1). */
  trailers: Headers;
  /** Body bytes received. */
  bytes: number;
}

/** One connection (an h2c session or a single-socket HTTP/1.1 agent). */
export interface RawConnection {
  /** Sends `req`; each body chunk goes to `onChunk`. Rejects on network errors and on abort. */
  request(
    req: RawRequest,
    signal: AbortSignal,
    onChunk: (chunk: Uint8Array) => void,
  ): Promise<RawResponse>;
  close(): void;
}

/**
 * Opens a raw connection to a loopback `baseUrl`: h2c for HTTP/2 (one
 * session, reopened if it dies), or a keep-alive agent with one socket for
 * HTTP/1.1. Load generators use it to drain big responses without decoding.
 */
export function openRawConnection(
  baseUrl: string,
  httpVersion: "1.1" | "2",
  windowBytes = receiveWindowBytes,
): RawConnection {
  const url = checkLocalTarget(baseUrl);
  if (!Number.isInteger(windowBytes) || windowBytes < 65_535 || windowBytes > 2 ** 31 - 1) {
    throw new RangeError(`HTTP/2 window must be from 65,535 to 2^31-1 bytes, got ${windowBytes}`);
  }
  return httpVersion === "2" ? openHttp2(url, windowBytes) : openHttp1(url);
}

function openHttp2(url: URL, windowBytes: number): RawConnection {
  let session: ClientHttp2Session | undefined;
  const getSession = () => {
    if (session === undefined || session.closed || session.destroyed) {
      // A big receive window, as gRPC clients use: with HTTP/2's default
      // 64 KiB, an 8 MB response needs ~120 WINDOW_UPDATE round trips, and
      // their pauses would hand the server's event loop free time it would
      // not get from a real client.
      const s = connectHttp2(url.origin, { settings: { initialWindowSize: windowBytes } });
      s.once("connect", () => s.setLocalWindowSize(windowBytes));
      // Errors surface on the streams; an unhandled session error must not crash.
      s.on("error", () => {});
      s.once("close", () => {
        if (session === s) {
          session = undefined;
        }
      });
      session = s;
    }
    return session;
  };
  return {
    request(req, signal, onChunk) {
      return new Promise<RawResponse>((resolve, reject) => {
        if (signal.aborted) {
          reject(abortError(signal));
          return;
        }
        const stream = getSession().request(
          {
            [constants.HTTP2_HEADER_METHOD]: req.method,
            [constants.HTTP2_HEADER_PATH]: req.path,
            ...req.headers,
          },
          { endStream: req.body === undefined },
        );
        let status = 0;
        let headers = new Headers();
        let trailers = new Headers();
        let bytes = 0;
        const onAbort = () => stream.close(constants.NGHTTP2_CANCEL);
        signal.addEventListener("abort", onAbort, { once: true });
        const done = (error?: Error) => {
          signal.removeEventListener("abort", onAbort);
          if (signal.aborted) {
            reject(abortError(signal));
          } else if (error) {
            reject(error);
          } else {
            resolve({ status, headers, trailers, bytes });
          }
        };
        stream.on("response", (h) => {
          status = Number(h[constants.HTTP2_HEADER_STATUS] ?? 0);
          headers = toHeaders(h);
        });
        stream.on("trailers", (t) => {
          trailers = toHeaders(t);
        });
        stream.on("data", (chunk: Buffer) => {
          bytes += chunk.byteLength;
          onChunk(chunk);
        });
        stream.once("error", (error) => done(error));
        stream.once("close", () => {
          if (stream.rstCode !== constants.NGHTTP2_NO_ERROR && !signal.aborted) {
            done(new Error(`stream reset with code ${stream.rstCode}`));
          } else {
            done();
          }
        });
        if (req.body !== undefined) {
          stream.end(req.body);
        }
      });
    },
    close() {
      session?.destroy();
      session = undefined;
    },
  };
}

function openHttp1(url: URL): RawConnection {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    request(req, signal, onChunk) {
      return new Promise<RawResponse>((resolve, reject) => {
        const r = requestHttp1(
          new URL(req.path, url.origin),
          { method: req.method, headers: req.headers, agent, signal },
          (res) => {
            let bytes = 0;
            res.on("data", (chunk: Buffer) => {
              bytes += chunk.byteLength;
              onChunk(chunk);
            });
            res.once("error", (error) => reject(signal.aborted ? abortError(signal) : error));
            res.once("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: toHeaders(res.headers),
                trailers: toHeaders(res.trailers),
                bytes,
              }),
            );
          },
        );
        r.once("error", (error) => reject(signal.aborted ? abortError(signal) : error));
        r.end(req.body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

function toHeaders(h: IncomingHttpHeaders | NodeJS.Dict<string | string[]>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith(":") || value === undefined) {
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      headers.append(name, String(v));
    }
  }
  return headers;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason ?? "aborted"));
}

/** A finished one-off GET: status, headers and body text. */
export interface RawGetResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** Options of {@link rawGet}. */
export interface RawGetOptions {
  /** Whole-request timeout, ms. */
  timeoutMs: number;
  /** Largest body accepted; a longer one rejects. Default 8 MiB. */
  maxBytes?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/**
 * GETs a loopback URL on a fresh HTTP/1.1 connection that is closed
 * afterwards, so no keep-alive socket is left behind to hold up a server's
 * graceful shutdown. For liveness polls, metrics scrapes and checks. Rejects
 * on network errors, on timeout and on a body over `maxBytes`.
 */
export async function rawGet(url: string, options: RawGetOptions): Promise<RawGetResponse> {
  const target = checkLocalTarget(url);
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const connection = openHttp1(target);
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`GET ${url} timed out after ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const response = await connection.request(
      {
        method: "GET",
        path: `${target.pathname}${target.search}`,
        headers: { ...options.headers, connection: "close" },
      },
      controller.signal,
      (chunk) => {
        size += chunk.byteLength;
        if (size > maxBytes) {
          controller.abort(new Error(`GET ${url}: response over ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      },
    );
    return {
      status: response.status,
      headers: response.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
  } finally {
    clearTimeout(timer);
    connection.close();
  }
}
