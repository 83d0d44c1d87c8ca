import { create, type DescMethodUnary, type DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createServiceImplSpec,
  type MethodImplSpec,
  type ServiceImpl,
} from "@connectrpc/connect";
import {
  compressionNegotiate,
  createMethodSerializationLookup,
  invokeUnaryImplementation,
  mergeNonProtocolHeaders,
  type UniversalHandlerOptions,
  validateUniversalHandlerOptions,
} from "@connectrpc/connect/protocol";
import {
  codeToHttpStatus,
  errorToJsonBytes,
  headerTimeout,
  headerUnaryAcceptEncoding,
  headerUnaryEncoding,
  parseContentType,
  parseTimeout,
  trailerMux,
} from "@connectrpc/connect/protocol-connect";
import { createCallContext } from "./call-context.js";
import {
  callDone,
  headerValue,
  nodeHeaders,
  readBody,
  type UnaryFastPath,
  webHeaders,
} from "./grpc-unary-fast-path.js";

const protoHeader: Record<string, string> = { "content-type": "application/proto" };
const noTrailer: Record<string, string> = {};

/**
 * The Connect protocol's twin of grpc-unary-fast-path.ts: a unary POST with
 * `Content-Type: application/proto` and no `Content-Encoding`, over either
 * HTTP version. Connect's own unary handler is straight-line code already;
 * what this saves is connect-node's conversion around it (an async generator
 * over the request, a promise and two listeners per write, an
 * `AbortController` aborted with a fresh `DOMException` on every close) and
 * the eager handler context. It answers as `createUnaryHandler` in
 * `protocol-connect/handler-factory.js` does: the implementation's headers
 * and trailers (`trailer-` prefixed, `trailerMux`), `content-length`, errors
 * as Connect JSON with `codeToHttpStatus` and the error's metadata, response
 * compression by `Accept-Encoding` from `compressMinBytes` on. JSON, GET,
 * compressed requests, bodies over `readMaxBytes`, a malformed
 * `connect-timeout-ms` and messages that do not parse go to Connect's handler.
 */
export function createConnectUnaryFastPath(
  service: DescService,
  implementation: Partial<ServiceImpl<DescService>>,
  method: DescMethodUnary,
  options: Partial<UniversalHandlerOptions>,
): UnaryFastPath | undefined {
  const opt = validateUniversalHandlerOptions(options);
  if (
    opt.requestGate !== undefined ||
    opt.shutdownSignal !== undefined ||
    opt.requireConnectProtocolHeader
  ) {
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

  function serveMessage(
    req: Parameters<UnaryFastPath["serve"]>[0],
    res: Parameters<UnaryFastPath["serve"]>[1],
    bytes: Uint8Array,
    fallBack: Parameters<UnaryFastPath["serve"]>[2],
  ): void {
    const timeout = parseTimeout(headerValue(req, headerTimeout) ?? null, opt.maxTimeoutMs);
    if (timeout.error !== undefined) {
      fallBack(req, res, [bytes]);
      return;
    }
    let message: ReturnType<typeof input.parse>;
    try {
      message = input.parse(bytes);
    } catch {
      fallBack(req, res, [bytes]);
      return;
    }
    let finished = false;
    const call = createCallContext({
      method,
      service,
      protocolName: "connect",
      requestMethod: "POST",
      url: `http://${headerValue(req, ":authority") ?? headerValue(req, "host") ?? "localhost"}${req.url}`,
      timeoutMs: timeout.timeoutMs,
      requestHeader: () => webHeaders(req),
      responseHeader: protoHeader,
      responseTrailer: noTrailer,
      onSignal: () => {
        res.once("close", () => {
          if (!finished) {
            call.end(new ConnectError("the client closed the connection", Code.Canceled));
          }
        });
      },
    });
    run().catch((error: unknown) => {
      console.error(
        `fast Connect handler for ${method.parent.typeName}/${method.name} failed`,
        error,
      );
      res.destroy();
    });

    async function run(): Promise<void> {
      const { context } = call;
      let status = 200;
      let body: Uint8Array;
      let failure: ConnectError | undefined;
      try {
        const result =
          opt.interceptors.length > 0
            ? await invokeUnaryImplementation(spec, call.plain(), message, opt.interceptors)
            : create(method.output, await spec.impl(message, context));
        body = output.serialize(result);
      } catch (error) {
        failure =
          error instanceof ConnectError
            ? error
            : new ConnectError("internal error", Code.Internal, undefined, undefined, error);
        status = codeToHttpStatus(failure.code);
        context.responseHeader.set("content-type", "application/json");
        if (!failure.isWireError) {
          mergeNonProtocolHeaders(context.responseHeader, failure.metadata);
        }
        body = errorToJsonBytes(failure, opt.jsonOptions);
      }
      if (body.byteLength >= opt.compressMinBytes) {
        const compression = compressionNegotiate(
          opt.acceptCompression,
          null,
          headerValue(req, headerUnaryAcceptEncoding) ?? null,
          headerUnaryAcceptEncoding,
        );
        if (compression.response !== null) {
          body = await compression.response.compress(body);
          context.responseHeader.set(headerUnaryEncoding, compression.response.name);
        }
      }
      finished = true;
      if (res.destroyed || res.writableEnded) {
        call.end(failure ?? callDone);
        return;
      }
      const header = call.touchedResponseHeader();
      const trailer = call.touchedResponseTrailer();
      const headers =
        header === undefined && trailer === undefined
          ? { ...protoHeader }
          : nodeHeaders(trailerMux(header ?? new Headers(protoHeader), trailer ?? new Headers()));
      headers["content-length"] = String(body.byteLength);
      res.writeHead(status, headers);
      res.end(body);
      call.end(failure ?? callDone);
    }
  }

  return {
    accepts(req) {
      if (req.method !== "POST") {
        return false;
      }
      const type = parseContentType(headerValue(req, "content-type") ?? null);
      const encoding = headerValue(req, headerUnaryEncoding);
      return (
        type?.binary === true && !type.stream && (encoding === undefined || encoding === "identity")
      );
    },
    serve(req, res, fallBack) {
      readBody(req, res, opt.readMaxBytes, fallBack, (bytes) =>
        serveMessage(req, res, bytes, fallBack),
      );
    },
  };
}
