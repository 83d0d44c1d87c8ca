import { AsyncResource } from "node:async_hooks";
import { create, type DescMethodUnary, type DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createServiceImplSpec,
  type HandlerContext,
  type MethodImplSpec,
  type ServiceImpl,
} from "@connectrpc/connect";
import {
  compressionNegotiate,
  createMethodSerializationLookup,
  invokeUnaryImplementation,
  type UniversalHandlerOptions,
  validateUniversalHandlerOptions,
} from "@connectrpc/connect/protocol";
import {
  headerAcceptEncoding,
  headerEncoding,
  headerTimeout,
  parseContentType,
  parseTimeout,
  setTrailerStatus,
} from "@connectrpc/connect/protocol-grpc";
import type { AnyRequest, AnyResponse } from "../http/node-types.js";
import { currentExchange } from "../http/request-scope.js";
import { createCallContext } from "./call-context.js";

/** What a fast unary call hands back when it cannot serve a request itself. */
export type FallBack = (req: AnyRequest, res: AnyResponse, body: Uint8Array[] | undefined) => void;

/** One unary method's fast path for one protocol. */
export interface UnaryFastPath {
  /**
   * True for the requests this path serves (gRPC: POST over HTTP/2, a binary
   * gRPC content type, no request compression). Anything else goes to
   * Connect's own handler untouched.
   */
  accepts(req: AnyRequest): boolean;
  /**
   * Serves an accepted request. A body that is not exactly one uncompressed
   * envelope within `readMaxBytes`, a malformed `grpc-timeout`, or a message
   * that does not parse is handed to `fallBack` with the bytes read so far,
   * so Connect's handler produces its usual error for it.
   */
  serve(req: AnyRequest, res: AnyResponse, fallBack: FallBack): void;
}

/** The response headers and trailers of a call whose handler sets none. */
const initialHeader: Record<string, string> = { "content-type": "application/grpc+proto" };
const okTrailer: Record<string, string> = { "grpc-status": "0" };

/**
 * The reason a finished call's context is aborted with. Connect aborts it
 * with no reason, which makes Node build a `DOMException` (and its stack) on
 * every call; a shared reason costs nothing and reads as the call's end.
 */
export const callDone = new ConnectError("the call has completed", Code.Canceled);

/**
 * Why this exists: connect-es serves gRPC unary calls through the same
 * pipeline as streams, a chain of about ten async iterables per request
 * (split envelope, decompress, parse, invoke, serialize, compress, join,
 * catch), on top of connect-node's async-iterable request body. Over HTTP/2
 * that costs several times the CPU of the call itself (see
 * docs/connect-grpc-unary-cost.md). This path serves the common case (one
 * small uncompressed binary message) from the same building blocks Connect
 * uses, without the iterables: a `HandlerContext` like
 * `createHandlerContext`'s but built lazily (call-context.ts), the
 * implementation called as `invokeUnaryImplementation` calls it (through it
 * when interceptors are configured), the method's limited
 * serialization (`readMaxBytes`/`writeMaxBytes`), `parseTimeout`
 * (`maxTimeoutMs`), `compressionNegotiate` for the response, and
 * `setTrailerStatus` for errors. The handler is the registered Connect
 * service implementation; its context, headers and trailers behave as under
 * Connect's own handler.
 */
export function createGrpcUnaryFastPath(
  service: DescService,
  implementation: Partial<ServiceImpl<DescService>>,
  method: DescMethodUnary,
  options: Partial<UniversalHandlerOptions>,
): UnaryFastPath | undefined {
  const opt = validateUniversalHandlerOptions(options);
  if (opt.requestGate !== undefined || opt.shutdownSignal !== undefined) {
    return undefined; // Not replicated here: Connect's handler serves these.
  }
  const spec = createServiceImplSpec(service, implementation).methods[method.localName] as Extract<
    MethodImplSpec,
    { kind: "unary" }
  >;
  const serialization = createMethodSerializationLookup(
    method,
    opt.binaryOptions,
    opt.jsonOptions,
    opt,
  );
  const input = serialization.getI(true);
  const output = serialization.getO(true);
  const envelopeMax = opt.readMaxBytes + 5;

  function serveMessage(
    req: AnyRequest,
    res: AnyResponse,
    bytes: Uint8Array,
    fallBack: FallBack,
  ): void {
    const length =
      bytes.byteLength >= 5 ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(1) : -1;
    const timeout = parseTimeout(headerValue(req, headerTimeout) ?? null, opt.maxTimeoutMs);
    if (bytes[0] !== 0 || length !== bytes.byteLength - 5 || timeout.error !== undefined) {
      fallBack(req, res, [bytes]);
      return;
    }
    let message: ReturnType<typeof input.parse>;
    try {
      message = input.parse(bytes.subarray(5));
    } catch {
      fallBack(req, res, [bytes]);
      return;
    }
    let finished = false;
    const call = createCallContext({
      method,
      service,
      protocolName: "grpc",
      requestMethod: "POST",
      url: `http://${headerValue(req, ":authority") ?? headerValue(req, "host") ?? "localhost"}${req.url}`,
      timeoutMs: timeout.timeoutMs,
      requestHeader: () => webHeaders(req),
      responseHeader: initialHeader,
      responseTrailer: okTrailer,
      // Only a handler that holds the signal needs to hear of the client leaving.
      onSignal: () => {
        res.once("close", () => {
          if (!finished) {
            call.end(new ConnectError("the client closed the stream", Code.Canceled));
          }
        });
      },
    });
    run().catch((error: unknown) => {
      console.error(`fast gRPC handler for ${method.parent.typeName}/${method.name} failed`, error);
      res.destroy();
    });

    async function run(): Promise<void> {
      const { context } = call;
      let envelope: Uint8Array | undefined;
      let failure: ConnectError | undefined;
      try {
        const result =
          opt.interceptors.length > 0
            ? await invokeUnaryImplementation(spec, call.plain(), message, opt.interceptors)
            : create(method.output, await spec.impl(message, context));
        envelope = await encode(output.serialize(result), req, context);
      } catch (error) {
        failure =
          error instanceof ConnectError
            ? error
            : new ConnectError("internal error", Code.Internal, undefined, undefined, error);
      }
      finished = true;
      if (res.destroyed || res.writableEnded) {
        call.end(failure ?? callDone);
        return;
      }
      const header = call.touchedResponseHeader();
      res.writeHead(200, header === undefined ? initialHeader : nodeHeaders(header));
      if (envelope !== undefined) {
        res.write(envelope);
      }
      const trailer = call.touchedResponseTrailer();
      res.addTrailers(
        failure === undefined && trailer === undefined
          ? okTrailer
          : nodeHeaders(setTrailerStatus(trailer ?? new Headers(okTrailer), failure)),
      );
      res.end();
      call.end(failure ?? callDone);
    }
  }

  /** The response envelope, compressed as the client accepts and Connect would. */
  async function encode(
    body: Uint8Array,
    req: AnyRequest,
    context: HandlerContext,
  ): Promise<Uint8Array> {
    let flags = 0;
    if (body.byteLength >= opt.compressMinBytes) {
      const compression = compressionNegotiate(
        opt.acceptCompression,
        null,
        headerValue(req, headerAcceptEncoding) ?? null,
        headerAcceptEncoding,
      );
      if (compression.response !== null) {
        body = await compression.response.compress(body);
        flags = 1;
        context.responseHeader.set(headerEncoding, compression.response.name);
      }
    }
    const envelope = new Uint8Array(body.byteLength + 5);
    envelope[0] = flags;
    new DataView(envelope.buffer).setUint32(1, body.byteLength);
    envelope.set(body, 5);
    return envelope;
  }

  return {
    accepts(req) {
      if (req.httpVersionMajor !== 2 || req.method !== "POST") {
        return false;
      }
      const type = parseContentType(headerValue(req, "content-type") ?? null);
      const encoding = headerValue(req, headerEncoding);
      return type?.binary === true && (encoding === undefined || encoding === "identity");
    },
    serve(req, res, fallBack) {
      readBody(req, res, envelopeMax, fallBack, (bytes) => serveMessage(req, res, bytes, fallBack));
    },
  };
}

/**
 * Reads a request body of at most `max` bytes and hands it to `onBody`. A
 * bigger body goes to `fallBack` with what was read: Connect's handler reads
 * the rest and answers with its limit error.
 */
export function readBody(
  req: AnyRequest,
  res: AnyResponse,
  max: number,
  fallBack: FallBack,
  onBody: (bytes: Uint8Array) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size > max) {
      req.off("data", onData);
      req.off("end", onEnd);
      req.pause();
      fallBack(req, res, chunks);
    }
  };
  // Stream events run in the stream's async context, not the request's:
  // bind the continuation so AsyncLocalStorage scopes (request scope, JSON
  // slots) entered around the handler still hold in the implementation.
  // Only heavy requests run in a scope; binding every light call would cost
  // it an async resource for nothing.
  const body = currentExchange() === undefined ? onBody : AsyncResource.bind(onBody);
  const onEnd = () => {
    req.off("data", onData);
    body(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
  };
  req.on("data", onData);
  req.once("end", onEnd);
}

/** A request header by its name in any case (connect's constants are capitalized). */
export function headerValue(req: AnyRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Node's request headers as a fetch `Headers`, without HTTP/2 pseudo-headers. */
export function webHeaders(req: AnyRequest): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(":") || value === undefined) {
      continue;
    }
    if (Array.isArray(value)) {
      for (const item of value) {
        headers.append(name, item);
      }
    } else {
      headers.append(name, value);
    }
  }
  return headers;
}

export function nodeHeaders(headers: Headers): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    if (name === "set-cookie") {
      result[name] = headers.getSetCookie();
    } else {
      result[name] = value;
    }
  });
  return result;
}
