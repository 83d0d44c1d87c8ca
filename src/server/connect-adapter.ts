import type { DescMethodUnary, DescService } from "@bufbuild/protobuf";
import { type ConnectRouter, createConnectRouter } from "@connectrpc/connect";
import type { UniversalHandler, UniversalHandlerOptions } from "@connectrpc/connect/protocol";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import type { AnyRequest, AnyResponse } from "../http/node-types.js";
import { createConnectUnaryFastPath } from "./connect-unary-fast-path.js";
import {
  createGrpcUnaryFastPath,
  type FallBack,
  type UnaryFastPath,
} from "./grpc-unary-fast-path.js";

/** Options of {@link createConnectAdapter}. */
export interface ConnectAdapterOptions extends Partial<UniversalHandlerOptions> {
  /** Registers the services, as for `connectNodeAdapter`. */
  routes: (router: ConnectRouter) => void;
  /** Answers a request for a path no RPC is registered at. */
  fallback: (req: AnyRequest, res: AnyResponse) => void;
  /**
   * Serve uncompressed binary unary calls (gRPC over HTTP/2, Connect POST over
   * either version) through the fast paths of grpc-unary-fast-path.ts and
   * connect-unary-fast-path.ts. Default true; false sends every request
   * through Connect's own handlers.
   */
  unaryFastPaths?: boolean;
}

/**
 * A Node request handler over a Connect router, like `connectNodeAdapter`
 * (same options, same universal handlers, gzip and brotli by default), with
 * fast paths for the commonest calls: a unary gRPC request of one
 * uncompressed binary message over HTTP/2, and a unary Connect POST of an
 * uncompressed binary message. Every other request, and every fast-path
 * request that turns out malformed, goes through connect-node's own request
 * and response conversion to the router's universal handler.
 */
export function createConnectAdapter(options: ConnectAdapterOptions) {
  const routerOptions: Partial<UniversalHandlerOptions> = {
    ...options,
    acceptCompression: options.acceptCompression ?? [compressionGzip, compressionBrotli],
  };
  const router = createConnectRouter(routerOptions);
  const fastPaths = new Map<string, UnaryFastPath[]>();
  const recordService = (
    service: DescService,
    implementation: object,
    serviceOptions: Partial<UniversalHandlerOptions> | undefined,
  ) => {
    if (options.unaryFastPaths === false) {
      return;
    }
    for (const method of service.methods) {
      if (method.methodKind !== "unary") {
        continue;
      }
      const merged = { ...routerOptions, ...serviceOptions };
      const paths = [
        createGrpcUnaryFastPath(service, implementation, method as DescMethodUnary, merged),
        createConnectUnaryFastPath(service, implementation, method as DescMethodUnary, merged),
      ].filter((path): path is UnaryFastPath => path !== undefined);
      if (paths.length > 0) {
        fastPaths.set(`/${service.typeName}/${method.name}`, paths);
      }
    }
  };
  // Sees every service as it is registered; single `rpc` registrations get
  // Connect's handlers only.
  const recording: ConnectRouter = {
    get handlers() {
      return router.handlers;
    },
    service(service, implementation, serviceOptions) {
      router.service(service, implementation, serviceOptions);
      recordService(service, implementation, serviceOptions);
      return recording;
    },
    rpc(method, implementation, methodOptions) {
      router.rpc(method, implementation, methodOptions);
      return recording;
    },
  };
  options.routes(recording);
  const handlers = new Map<string, UniversalHandler>();
  for (const handler of router.handlers) {
    handlers.set(handler.requestPath, handler);
  }

  /** connect-node's conversion, with body bytes already read put back in front. */
  const viaConnect: FallBack = (req, res, readAlready) => {
    const path = pathOf(req.url);
    const handler = handlers.get(path);
    if (handler === undefined) {
      options.fallback(req, res);
      return;
    }
    const converted = universalRequestFromNodeRequest(req, res, undefined, undefined);
    // The converted body is a lazy generator over `req`, never started when replaced.
    const uReq =
      readAlready === undefined ? converted : { ...converted, body: prepend(readAlready, req) };
    handler(uReq)
      .then((uRes) => universalResponseToNodeResponse(uRes, res))
      .catch((reason: unknown) => {
        if (!res.destroyed && !res.writableEnded) {
          console.error(
            `handler for rpc ${handler.method.name} of ${handler.service.typeName} failed`,
            reason,
          );
        }
      });
  };

  return function connectAdapter(req: AnyRequest, res: AnyResponse): void {
    const paths = fastPaths.get(req.url ?? "");
    if (paths !== undefined) {
      for (const fast of paths) {
        if (fast.accepts(req)) {
          fast.serve(req, res, viaConnect);
          return;
        }
      }
    }
    viaConnect(req, res, undefined);
  };
}

function pathOf(url: string | undefined): string {
  const target = url ?? "";
  const query = target.indexOf("?");
  return query < 0 ? target : target.slice(0, query);
}

/** The chunks already read, then whatever the request still has to send. */
async function* prepend(
  chunks: Uint8Array[],
  rest: AsyncIterable<Uint8Array>,
): AsyncIterable<Uint8Array> {
  yield* chunks;
  if (!(rest as AnyRequest).readableEnded) {
    yield* rest;
  }
}
