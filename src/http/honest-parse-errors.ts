import type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";

/**
 * connect-es answers an undecodable protobuf body with `internal` ("parse
 * binary: …", HTTP 500 for Connect), a code that means a server bug and
 * pages whoever watches 5xx rates. The client sent bad bytes, so this turns
 * exactly those errors into `invalid_argument`, in every protocol's error
 * form: the Connect unary JSON body, the Connect end-stream message, the
 * gRPC trailer and the gRPC-Web trailer frame. An envelope flagged
 * compressed without an encoding the server accepts is treated the same. connect-es has no hook
 * between parsing and writing the error, hence the rewrite of the response.
 */
export function withHonestParseErrors(handler: UniversalHandler): UniversalHandler {
  const wrapped = async (request: Parameters<UniversalHandler>[0]) =>
    rewriteResponse(await handler(request));
  return Object.assign(wrapped, { ...handler }) as UniversalHandler;
}

/** Replaces each of the router's handlers with {@link withHonestParseErrors}. */
export function honestParseErrorsIn(handlers: UniversalHandler[]): void {
  for (let i = 0; i < handlers.length; i++) {
    handlers[i] = withHonestParseErrors(handlers[i] as UniversalHandler);
  }
}

/**
 * The messages of connect-es `internal` errors that are really the
 * client's: bytes that do not decode, and an envelope flagged compressed
 * without a `*-encoding` the server accepts.
 */
const clientFaults = [
  "parse binary:",
  "received compressed envelope, but do not know how to decompress",
];

const isClientFault = (message: string) => clientFaults.some((m) => message.startsWith(m));
const grpcInternal = "13";
const grpcInvalidArgument = "3";

async function rewriteResponse(res: UniversalServerResponse): Promise<UniversalServerResponse> {
  const contentType = res.header?.get("content-type") ?? "";
  if (res.header?.get("content-encoding")) {
    return res; // A compressed error body is left as it is.
  }
  if (res.status === 500 && contentType.startsWith("application/json") && res.body) {
    return rewriteConnectUnary(res);
  }
  if (
    contentType.startsWith("application/grpc-web") ||
    contentType.startsWith("application/connect+")
  ) {
    if (res.body === undefined) {
      return res;
    }
    return {
      ...res,
      body: rewriteFrames(res.body, contentType.startsWith("application/grpc-web")),
    };
  }
  if (contentType.startsWith("application/grpc")) {
    fixGrpcStatus(res.header);
    const body = res.body;
    if (body === undefined) {
      fixGrpcStatus(res.trailer);
      return res;
    }
    // gRPC sets its trailer once the body is done.
    const trailer = res.trailer;
    return {
      ...res,
      body: (async function* () {
        yield* body;
        fixGrpcStatus(trailer);
      })(),
    };
  }
  return res;
}

async function rewriteConnectUnary(res: UniversalServerResponse): Promise<UniversalServerResponse> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of res.body ?? []) {
    chunks.push(chunk);
  }
  let bytes: Uint8Array = Buffer.concat(chunks);
  try {
    const error = JSON.parse(Buffer.from(bytes).toString("utf8")) as Record<string, unknown>;
    if (error.code === "internal" && isClientFault(String(error.message))) {
      error.code = "invalid_argument";
      bytes = Buffer.from(JSON.stringify(error), "utf8");
      res.header?.set("content-length", String(bytes.byteLength));
      return { ...res, status: 400, body: oneChunk(bytes) };
    }
  } catch {
    // Not a Connect error body: pass it on as it was.
  }
  return { ...res, body: oneChunk(bytes) };
}

async function* oneChunk(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Rewrites the gRPC-Web trailer frame (flag 0x80) or the Connect end-stream message (flag 0x02). */
async function* rewriteFrames(
  body: AsyncIterable<Uint8Array>,
  grpcWeb: boolean,
): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    const flag = chunk[0] ?? 0;
    const isEnd = grpcWeb ? flag === 0x80 : flag === 0x02;
    if (!isEnd || chunk.byteLength < 5) {
      yield chunk;
      continue;
    }
    const text = Buffer.from(chunk.subarray(5)).toString("utf8");
    const fixed = grpcWeb ? fixGrpcWebTrailer(text) : fixEndStream(text);
    if (fixed === undefined) {
      yield chunk;
      continue;
    }
    const payload = Buffer.from(fixed, "utf8");
    const head = Buffer.alloc(5);
    head[0] = flag;
    head.writeUInt32BE(payload.byteLength, 1);
    yield Buffer.concat([head, payload]);
  }
}

function fixGrpcWebTrailer(text: string): string | undefined {
  const status = /^grpc-status: *13\r?$/m;
  const message = /^grpc-message: *(.*)\r?$/m.exec(text)?.[1] ?? "";
  if (!status.test(text) || !isClientFault(safeDecode(message))) {
    return undefined;
  }
  return text.replace(status, `grpc-status: ${grpcInvalidArgument}\r`);
}

function fixEndStream(text: string): string | undefined {
  try {
    const end = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (end.error?.code === "internal" && isClientFault(String(end.error.message))) {
      end.error.code = "invalid_argument";
      return JSON.stringify(end);
    }
  } catch {
    // Not JSON: leave it.
  }
  return undefined;
}

function fixGrpcStatus(headers: Headers | undefined): void {
  if (
    headers?.get("grpc-status") === grpcInternal &&
    isClientFault(safeDecode(headers.get("grpc-message") ?? ""))
  ) {
    headers.set("grpc-status", grpcInvalidArgument);
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
