import assert from "node:assert/strict";
import { createServer, type Http2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createClient,
  type Interceptor,
  type ServiceImpl,
} from "@connectrpc/connect";
import {
  compressionGzip,
  connectNodeAdapter,
  createConnectTransport,
  createGrpcTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { createConnectAdapter } from "./connect-adapter.js";

/** What the handler saw, for checks after the call. */
const seen: { signals: AbortSignal[]; urls: string[]; protocols: string[] } = {
  signals: [],
  urls: [],
  protocols: [],
};

/** A BankService whose `Live` behaves as the `x-mode` request header says. */
const service: Partial<ServiceImpl<typeof BankService>> = {
  async live(_request, ctx) {
    seen.signals.push(ctx.signal);
    seen.urls.push(ctx.url);
    seen.protocols.push(ctx.protocolName);
    switch (ctx.requestHeader.get("x-mode")) {
      case "error":
        throw new ConnectError("nope", Code.PermissionDenied, { "x-meta": "m" });
      case "crash":
        throw new Error("boom");
      case "headers":
        ctx.responseHeader.set("x-h", "1");
        ctx.responseTrailer.set("x-t", "2");
        return { pid: 7 };
      case "slow":
        await sleep(200);
        ctx.signal.throwIfAborted();
        return { pid: 7 };
      default:
        return { pid: 7 };
    }
  },
  listClients() {
    return { clients: [] };
  },
};

async function listen(server: Http2Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type Outcome = {
  pid?: number;
  code?: Code;
  message?: string;
  header?: Record<string, string | null>;
  trailer?: Record<string, string | null>;
  meta?: string | null;
};

describe("connect adapter: the unary fast paths answer as connect-node does", () => {
  const limits = { readMaxBytes: 4, writeMaxBytes: 1_024 * 1_024, maxTimeoutMs: 60_000 };
  const servers: Http2Server[] = [];
  const managers: Http2SessionManager[] = [];
  let fastUrl = "";
  let referenceUrl = "";
  before(async () => {
    const fast = createServer(
      createConnectAdapter({
        routes: (router) => router.service(BankService, service),
        ...limits,
        fallback: (_req, res) => {
          res.writeHead(404);
          res.end();
        },
      }),
    );
    const reference = createServer(
      connectNodeAdapter({ routes: (router) => router.service(BankService, service), ...limits }),
    );
    servers.push(fast, reference);
    fastUrl = await listen(fast);
    referenceUrl = await listen(reference);
  });
  after(async () => {
    for (const manager of managers) {
      manager.abort();
    }
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function call(
    baseUrl: string,
    mode: string,
    options: {
      gzip?: boolean;
      timeoutMs?: number;
      listClients?: boolean;
      protocol?: "grpc" | "connect";
    } = {},
  ): Promise<Outcome> {
    const sessionManager = new Http2SessionManager(baseUrl);
    managers.push(sessionManager);
    const common = {
      baseUrl,
      sessionManager,
      ...(options.gzip ? { sendCompression: compressionGzip } : {}),
    };
    const client = createClient(
      BankService,
      options.protocol === "connect"
        ? createConnectTransport({ ...common, httpVersion: "2", useBinaryFormat: true })
        : createGrpcTransport(common),
    );
    const outcome: Outcome = {};
    try {
      const callOptions = {
        headers: { "x-mode": mode },
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        onHeader: (h: Headers) => {
          outcome.header = { "x-h": h.get("x-h"), "content-type": h.get("content-type") };
        },
        onTrailer: (t: Headers) => {
          outcome.trailer = { "x-t": t.get("x-t") };
        },
      };
      if (options.listClients) {
        await client.listClients({ shape: { count: 100_000 } }, callOptions);
      } else {
        outcome.pid = (await client.live({}, callOptions)).pid;
      }
    } catch (error) {
      const e = ConnectError.from(error);
      outcome.code = e.code;
      outcome.message = e.rawMessage;
      outcome.meta = e.metadata.get("x-meta");
    }
    return outcome;
  }

  const cases: Array<[string, string, Parameters<typeof call>[2]]> = [
    ["a plain call", "plain", {}],
    ["response headers and trailers set by the handler", "headers", {}],
    ["a ConnectError with metadata", "error", {}],
    ["an unexpected exception (internal)", "crash", {}],
    ["a deadline that passes while the handler runs", "slow", { timeoutMs: 50 }],
    ["a gzip-compressed request (served by Connect's handler)", "plain", { gzip: true }],
    ["a request over readMaxBytes", "plain", { listClients: true }],
  ];
  for (const protocol of ["grpc", "connect"] as const) {
    for (const [name, mode, options] of cases) {
      it(`${protocol}: ${name}`, async () => {
        const reference = await call(referenceUrl, mode, { ...options, protocol });
        const fast = await call(fastUrl, mode, { ...options, protocol });
        assert.deepEqual(fast, reference);
      });
    }
  }

  it("gives the handler a gRPC context whose signal aborts once the call is done", async () => {
    seen.signals.length = 0;
    seen.urls.length = 0;
    seen.protocols.length = 0;
    await call(fastUrl, "plain");
    await call(referenceUrl, "plain");
    assert.equal(seen.signals.length, 2);
    await sleep(20);
    assert.deepEqual(
      seen.signals.map((s) => s.aborted),
      [true, true],
    );
    assert.deepEqual(seen.protocols, ["grpc", "grpc"]);
    assert.equal(new URL(seen.urls[0] ?? "").pathname, new URL(seen.urls[1] ?? "").pathname);
  });

  it("runs interceptors on the fast path as Connect does", async () => {
    const interceptors: Interceptor[] = [
      (next) => async (request) => {
        const response = await next(request);
        response.header.set("x-h", `intercepted ${request.header.get("x-mode")}`);
        return response;
      },
    ];
    const routes = (router: ConnectRouter) => router.service(BankService, service);
    const fast = createServer(
      createConnectAdapter({ routes, interceptors, ...limits, fallback: (_q, r) => r.end() }),
    );
    const reference = createServer(connectNodeAdapter({ routes, interceptors, ...limits }));
    servers.push(fast, reference);
    const [fastBase, referenceBase] = [await listen(fast), await listen(reference)];
    for (const protocol of ["grpc", "connect"] as const) {
      for (const mode of ["plain", "headers", "error"]) {
        assert.deepEqual(
          await call(fastBase, mode, { protocol }),
          await call(referenceBase, mode, { protocol }),
        );
      }
    }
    assert.equal((await call(fastBase, "plain")).header?.["x-h"], "intercepted plain");
  });
});
