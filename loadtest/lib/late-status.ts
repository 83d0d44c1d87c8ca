/**
 * The status of an HTTP call whose body is a sequence of 5-byte-enveloped
 * frames (flags, big-endian length) and whose real outcome comes last:
 * gRPC-Web puts `grpc-status` in a trailer frame (flag 0x80), Connect
 * streaming puts `{"error": …}` in its end-of-stream frame (flag 0x02).
 * Both answer HTTP 200 before the server knows whether the call will
 * succeed, so an error that happens later (mid-serialization, a deadline)
 * shows only there. k6 gives the body as one ArrayBuffer (the script asks
 * for `responseType: "binary"` on these calls); this hops from header to
 * header, reading only the small control frame.
 *
 * The same rules as the embedded engine's check (src/load/heavy-call.ts,
 * `envelopedFailure`). Plain module: no k6 or Node APIs.
 */
import type { Format, Strategy } from "../../src/contract/wire.ts";

/** Flag of a Connect streaming end-of-stream message. */
export const connectEndStreamFlag = 0x02;
/** Flag of a gRPC-Web trailer frame. */
export const grpcWebTrailerFlag = 0x80;

/**
 * Whether the HTTP heavy call of `format` and `strategy` reports its status
 * at the end of the body: every gRPC-Web call, and Connect streams. (Connect
 * unary errors are HTTP statuses; REST has no envelope.)
 */
export function hasLateStatus(format: Format, strategy: Strategy): boolean {
  if (format === "grpc-web") {
    return true;
  }
  return (format === "connect-proto" || format === "connect-json") && strategy === "stream";
}

/** A call's outcome; `code` is the gRPC/Connect code (or `HTTP <status>`) on failure. */
export interface LateStatus {
  ok: boolean;
  code?: string;
  message?: string;
}

/**
 * The outcome of an enveloped response. `headers` are the response headers
 * (any case: k6 canonicalizes them, e.g. `Grpc-Status`); a gRPC-Web
 * trailers-only response carries `grpc-status` there and no trailer frame.
 */
export function lateStatus(
  format: "grpc-web" | "connect-proto" | "connect-json",
  httpStatus: number,
  headers: Record<string, string | undefined>,
  body: Uint8Array | null | undefined,
): LateStatus {
  if (httpStatus !== 200) {
    return { ok: false, code: `HTTP ${httpStatus}` };
  }
  const frames = scanFrames(body ?? new Uint8Array(0));
  if (frames === undefined) {
    return { ok: false, code: "Internal", message: "response ended inside a frame" };
  }
  if (format === "grpc-web") {
    const trailer = frames.find((f) => (f.flags & grpcWebTrailerFlag) !== 0);
    const fields = trailer ? parseTrailer(decodeUtf8(trailer.payload)) : lowerKeys(headers);
    return grpcStatus(fields);
  }
  const end = frames.find((f) => (f.flags & connectEndStreamFlag) !== 0);
  if (end === undefined) {
    return {
      ok: false,
      code: "Internal",
      message: "stream ended without an end-of-stream message",
    };
  }
  let parsed: unknown;
  try {
    parsed = end.payload.length === 0 ? {} : JSON.parse(decodeUtf8(end.payload));
  } catch {
    return { ok: false, code: "Internal", message: "end-of-stream message is not JSON" };
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error === undefined || error === null) {
    return { ok: true };
  }
  return {
    ok: false,
    code: typeof error.code === "string" ? error.code : "unknown",
    ...(typeof error.message === "string" && { message: error.message }),
  };
}

/** A control frame (payload kept) or a data frame (payload skipped, empty). */
interface Frame {
  flags: number;
  payload: Uint8Array;
}

/** The frames of a body; undefined if it ends inside a header or a payload. */
export function scanFrames(body: Uint8Array): Frame[] | undefined {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (offset + 5 > body.length) {
      return undefined;
    }
    const flags = body[offset] as number;
    const length =
      (body[offset + 1] as number) * 0x1000000 +
      ((body[offset + 2] as number) << 16) +
      ((body[offset + 3] as number) << 8) +
      (body[offset + 4] as number);
    const start = offset + 5;
    const end = start + length;
    if (end > body.length) {
      return undefined;
    }
    const control = (flags & (connectEndStreamFlag | grpcWebTrailerFlag)) !== 0;
    frames.push({ flags, payload: control ? body.subarray(start, end) : new Uint8Array(0) });
    offset = end;
  }
  return frames;
}

/** gRPC-Web trailer text (`name: value` lines, CRLF-separated) as lower-case keys. */
export function parseTrailer(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  return fields;
}

function grpcStatus(fields: Record<string, string | undefined>): LateStatus {
  const status = fields["grpc-status"];
  if (status === undefined) {
    return { ok: false, code: "Internal", message: "missing grpc-status" };
  }
  if (status === "0") {
    return { ok: true };
  }
  const message = fields["grpc-message"];
  return {
    ok: false,
    code: `grpc-status ${status}`,
    ...(message !== undefined && { message: safeDecodeURIComponent(message) }),
  };
}

function lowerKeys(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      out[name.toLowerCase()] = value;
    }
  }
  return out;
}

function safeDecodeURIComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** UTF-8 bytes to a string (k6 has no TextDecoder); bad sequences become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    const need = b < 0x80 ? 0 : b < 0xc2 ? -1 : b < 0xe0 ? 1 : b < 0xf0 ? 2 : b < 0xf5 ? 3 : -1;
    if (need < 0) {
      out += "\ufffd";
      i++;
      continue;
    }
    let c = need === 0 ? b : b & (0x3f >> need);
    let j = 1;
    for (; j <= need; j++) {
      const next = bytes[i + j];
      if (next === undefined || (next & 0xc0) !== 0x80) {
        break;
      }
      c = (c << 6) | (next & 0x3f);
    }
    if (j <= need) {
      out += "\ufffd";
      i += j;
      continue;
    }
    out += c > 0x10ffff ? "\ufffd" : String.fromCodePoint(c);
    i += need + 1;
  }
  return out;
}
