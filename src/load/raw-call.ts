/**
 * One RPC over a raw connection (raw-client.ts), for every wire protocol the
 * load engine speaks, and the call's status read from the bytes: HTTP status,
 * gRPC trailers, gRPC-Web trailer frame or Connect end-of-stream message.
 * The probe, the heavy calls, `loopstall ghz` and calls to a user's own
 * service all go through here, so none of them pays for a Connect client's
 * per-call machinery (an async iterable, interceptors and a message decode
 * per call), which made the engine's calls dearer than ghz's.
 */
import { Code } from "@connectrpc/connect";
import { codeFromHttpStatus, codeFromString } from "@connectrpc/connect/protocol-connect";
import { trailerParse } from "@connectrpc/connect/protocol-grpc-web";
import { goCodeName } from "../contract/go-codes.js";
import type { Format } from "../contract/wire.js";
import { workerHeader } from "../contract/wire.js";
import { connectEndStreamFlag, EnvelopeScanner, grpcWebTrailerFlag } from "./envelope-scanner.js";
import type { RawConnection, RawRequest } from "./raw-client.js";
import type { CallOutcome } from "./workload.js";

/** How a call's response is framed and which protocol's status rules apply. */
export interface RawCallShape {
  /** The wire protocol (decides where the status is). */
  format: Format;
  /** Whether the response body is enveloped frames (gRPC, gRPC-Web, Connect streams). */
  enveloped: boolean;
}

/** A failed call: its gRPC code and message. */
export interface CallFailure {
  code: Code;
  message: string;
}

/** What {@link rawCall} returns: the outcome and what it kept of the body. */
export interface RawCallResult {
  outcome: CallOutcome;
  /** The failure behind a non-OK outcome (undefined when OK). */
  failure?: CallFailure;
  /** The scanner of an enveloped body (its kept frames). */
  scanner?: EnvelopeScanner;
  /** The kept chunks of a unary body. */
  chunks: Uint8Array[];
}

/** Bytes of a unary body kept to read an error from. */
const unaryKeepBytes = 64 * 1024;

/**
 * Sends `request` on `connection` and reads its status. Keeps up to
 * `keepDataBytes` of the body's data (for verifying it); error bodies and
 * control frames are always kept. Rejects on network errors and on abort,
 * as the connection does.
 */
export async function rawCall(
  connection: RawConnection,
  request: RawRequest,
  shape: RawCallShape,
  signal: AbortSignal,
  keepDataBytes = 0,
): Promise<RawCallResult> {
  const scanner = shape.enveloped ? new EnvelopeScanner({ keepDataBytes }) : undefined;
  const chunks: Uint8Array[] = [];
  const keep = Math.max(keepDataBytes, unaryKeepBytes);
  let kept = 0;
  let scanError: string | undefined;
  const res = await connection.request(request, signal, (chunk) => {
    if (scanner !== undefined) {
      if (scanError === undefined) {
        try {
          scanner.push(chunk);
        } catch (error) {
          scanError = error instanceof Error ? error.message : String(error);
        }
      }
    } else if (kept + chunk.byteLength <= keep) {
      chunks.push(chunk);
      kept += chunk.byteLength;
    }
  });
  const worker = res.headers.get(workerHeader) ?? undefined;
  const base: CallOutcome = { status: "OK", bytes: res.bytes };
  if (worker !== undefined) {
    base.worker = worker;
  }
  const failure: CallFailure | undefined =
    scanError !== undefined
      ? { code: Code.Internal, message: scanError }
      : scanner !== undefined
        ? envelopedFailure(shape.format, res.status, res.headers, res.trailers, scanner)
        : unaryFailure(shape.format, res.status, chunks);
  if (failure === undefined) {
    return { outcome: base, chunks, ...(scanner && { scanner }) };
  }
  return {
    outcome: { ...base, status: goCodeName(failure.code), error: failure.message },
    failure,
    chunks,
    ...(scanner && { scanner }),
  };
}

function unaryFailure(
  format: Format,
  httpStatus: number,
  chunks: Uint8Array[],
): CallFailure | undefined {
  // Plain HTTP (a REST route or a health path) succeeds on 2xx and 3xx, as a
  // Kubernetes httpGet probe does; an RPC only on 200.
  if (httpStatus === 200 || (format === "rest-json" && httpStatus >= 200 && httpStatus < 400)) {
    return undefined;
  }
  const text = Buffer.concat(chunks).toString("utf8").slice(0, 1000);
  let code = codeFromHttpStatus(httpStatus);
  let message = `HTTP ${httpStatus}`;
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    code = (typeof body.code === "string" && codeFromString(body.code)) || code;
    if (typeof body.message === "string") {
      message = body.message;
    }
  } catch {
    // Not JSON: keep the HTTP status.
  }
  return { code, message };
}

function envelopedFailure(
  format: Format,
  httpStatus: number,
  headers: Headers,
  trailers: Headers,
  scanner: EnvelopeScanner,
): CallFailure | undefined {
  if (format === "grpc" && (trailers.has("grpc-status") || headers.has("grpc-status"))) {
    // A trailers-only response carries the status in the headers.
    return grpcStatus(trailers.has("grpc-status") ? trailers : headers);
  }
  if (httpStatus !== 200) {
    return { code: codeFromHttpStatus(httpStatus), message: `HTTP ${httpStatus}` };
  }
  if (!scanner.complete) {
    return { code: Code.Internal, message: "response ended inside a frame" };
  }
  if (format === "grpc") {
    return { code: Code.Internal, message: "missing grpc-status" };
  }
  if (format === "grpc-web") {
    const frame = scanner.frames.find((f) => (f.flags & grpcWebTrailerFlag) !== 0);
    return grpcStatus(frame ? trailerParse(frame.payload) : headers);
  }
  const end = scanner.frames.find((f) => (f.flags & connectEndStreamFlag) !== 0);
  if (end === undefined) {
    return { code: Code.Internal, message: "stream ended without an end-of-stream message" };
  }
  let body: { error?: { code?: string; message?: string } };
  try {
    body = JSON.parse(new TextDecoder().decode(end.payload)) as typeof body;
  } catch {
    return { code: Code.Internal, message: "end-of-stream message is not JSON" };
  }
  if (body.error !== undefined) {
    const code = (body.error.code && codeFromString(body.error.code)) || Code.Unknown;
    return { code, message: body.error.message ?? "" };
  }
  return undefined;
}

function grpcStatus(trailer: Headers): CallFailure | undefined {
  const status = trailer.get("grpc-status");
  if (status === null) {
    return { code: Code.Internal, message: "missing grpc-status" };
  }
  if (status === "0") {
    return undefined;
  }
  const n = Number(status);
  const code = (Number.isInteger(n) && n >= 0 && n <= 16 ? n : Code.Unknown) as Code;
  let message = trailer.get("grpc-message") ?? "";
  try {
    message = decodeURIComponent(message);
  } catch {
    // Not percent-encoded after all: keep it as sent.
  }
  return { code, message };
}
