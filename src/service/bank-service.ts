import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { ResolvedShape, ShapeLimits } from "../contract/shape.js";
import { type Source, type Strategy, sourceHeader, strategyHeader } from "../contract/wire.js";
import {
  type BankService,
  type ListClientsResponse,
  ListClientsResponseSchema,
  type StreamClientsResponse,
  StreamClientsResponseSchema,
} from "../gen/bank/v1/bank_pb.js";
import type { Admission } from "../http/admission.js";
import { buildClients } from "../model/client-factory.js";
import { buildClientInits } from "../model/client-inits.js";
import { estimateJsonBytes, resolvePageSize, resolveShape } from "../model/tree-shape.js";
import { encodeResponse, type HeavyEncoders, isPreEncoded } from "../strategy/encode-response.js";
import { encodeClients, encodeClientsPage } from "../strategy/fast-encode.js";
import {
  preEncodedListClientsResponse,
  preEncodedStreamClientsResponse,
} from "../strategy/pre-encoded-binary.js";
import { canStorePreEncodedJson, storePreEncodedJson } from "../strategy/pre-encoded-json.js";
import { requestSource, treeFrom } from "../strategy/source.js";
import { requestStrategy, unaryStrategy } from "../strategy/strategy.js";
import { checkDeadline } from "./deadline.js";
import { beginHeavy, checkStillWanted, checkStillWantedNow } from "./heavy-gate.js";

export interface BankServiceOptions extends HeavyEncoders {
  /** Caps on the request knobs. */
  limits: ShapeLimits;
  /** The strategy of a request without a `loopstall-strategy` header. Default `inline`. */
  strategy?: Strategy;
  /** The data source of a request without a `loopstall-source` header. Default `build`. */
  source?: Source;
  /** Bounds the heavy responses in progress; none means unbounded (in-memory routers). */
  admission?: Admission;
}

/** The `bank.v1.BankService` implementation. */
export function createBankService(options: BankServiceOptions): ServiceImpl<typeof BankService> {
  const { limits, admission } = options;
  const fallbackStrategy = options.strategy ?? "inline";
  const fallbackSource = options.source ?? "build";
  return {
    async listClients(request, ctx) {
      const shape = resolveShape(request.shape, limits);
      const strategy = unaryStrategy(ctx.requestHeader.get(strategyHeader), fallbackStrategy);
      const source = requestSource(ctx.requestHeader.get(sourceHeader), fallbackSource);
      ctx.responseHeader.set(strategyHeader, strategy);
      ctx.responseHeader.set(sourceHeader, source);
      if (strategy === "stream") {
        // One unary message cannot be sent in pieces; say where streaming lives.
        throw new ConnectError(
          "ListClients is unary and cannot stream; call bank.v1.BankService/StreamClients, or use strategy inline or offload",
          Code.InvalidArgument,
        );
      }
      await beginHeavy(ctx, admission, estimateJsonBytes(shape));
      if (strategy === "fast") {
        // The codec encodes init objects it builds itself: fast has no memory source yet.
        ctx.responseHeader.set(sourceHeader, "build");
        return buildFast(shape, ctx, options, admission);
      }
      return isPreEncoded(strategy)
        ? buildPreEncoded(strategy, source, shape, ctx, options, admission)
        : buildInline(source, shape, ctx, options, admission);
    },

    async *streamClients(request, ctx) {
      const shape = resolveShape(request.shape, limits);
      const pageSize = resolvePageSize(request.pageSize, limits);
      // Every strategy streams here; the header is still validated, and
      // `fast` pages are encoded by the codec (which builds its own pages).
      const fast =
        requestStrategy(ctx.requestHeader.get(strategyHeader), fallbackStrategy) === "fast";
      const source = fast
        ? "build"
        : requestSource(ctx.requestHeader.get(sourceHeader), fallbackSource);
      ctx.responseHeader.set(strategyHeader, "stream");
      ctx.responseHeader.set(sourceHeader, source);
      // A stream holds about a page being built and one being written.
      const page = { ...shape, count: Math.min(shape.count, pageSize) };
      await beginHeavy(ctx, admission, 2 * estimateJsonBytes(page));
      for (let start = 0; start < shape.count; start += pageSize) {
        if (start > 0) {
          // A write that needs no drain continues on the microtask queue, so
          // give the event loop a real turn between pages; a client that
          // left meanwhile gets no more pages.
          await checkStillWanted(ctx, admission);
        }
        yield fast
          ? fastPage(shape, start, start + pageSize, ctx)
          : create(StreamClientsResponseSchema, {
              clients:
                source === "memory"
                  ? options.cache.get(shape).slice(start, start + pageSize)
                  : buildClients(shape, start, start + pageSize),
            });
      }
    },

    live() {
      return { pid: process.pid };
    },
  };
}

/**
 * Takes the tree from its source on the loop (builds it, or reads the
 * cache); Connect encodes the returned message only if the client is still there.
 */
async function buildInline(
  source: Source,
  shape: ResolvedShape,
  ctx: HandlerContext,
  encoders: HeavyEncoders,
  admission?: Admission,
): Promise<ListClientsResponse> {
  checkDeadline(ctx);
  const message = create(ListClientsResponseSchema, {
    clients: treeFrom(source, shape, encoders.cache) as ListClientsResponse["clients"],
  });
  await checkStillWanted(ctx, admission);
  return message;
}

/**
 * Encodes the response the way a pre-encoding strategy says (a pool thread,
 * or slices on the loop; see `encode-response.ts`), in the format the router
 * will write (the content type it chose from the request), and hands the
 * bytes to the router so that it only copies them: binary through
 * `$unknown`, JSON through the pre-encoded JSON slot (see `pre-encoded-json.ts`).
 */
async function buildPreEncoded(
  strategy: Parameters<typeof encodeResponse>[0],
  source: Source,
  shape: ResolvedShape,
  ctx: HandlerContext,
  encoders: HeavyEncoders,
  admission?: Admission,
): Promise<ListClientsResponse> {
  const json = /json/i.test(ctx.responseHeader.get("content-type") ?? "");
  if (json && !canStorePreEncodedJson()) {
    // Served by an adapter without the JSON slot: nothing could pass the bytes on.
    return buildInline(source, shape, ctx, encoders, admission);
  }
  checkDeadline(ctx);
  const format = json ? "json" : "binary";
  const bytes = await encodeResponse(strategy, source, shape, format, encoders, ctx.signal);
  checkStillWantedNow(ctx, admission);
  if (!json) {
    return preEncodedListClientsResponse(bytes);
  }
  storePreEncodedJson(bytes);
  return create(ListClientsResponseSchema);
}

/** True if the router will write this response as JSON (the content type it chose from the request). */
function respondsJson(ctx: HandlerContext): boolean {
  return /json/i.test(ctx.responseHeader.get("content-type") ?? "");
}

/**
 * `fast`: inline, but the tree is built as init objects (no `create()`) and
 * encoded by the generated codec, and the bytes go to the router through
 * the pre-encoded passthrough (as for offload), so it only copies them.
 */
async function buildFast(
  shape: ResolvedShape,
  ctx: HandlerContext,
  encoders: HeavyEncoders,
  admission?: Admission,
): Promise<ListClientsResponse> {
  const json = respondsJson(ctx);
  if (json && !canStorePreEncodedJson()) {
    // Served by an adapter without the JSON slot: nothing could pass the bytes on.
    return buildInline("build", shape, ctx, encoders, admission);
  }
  checkDeadline(ctx);
  const clients = buildClientInits(shape);
  await checkStillWanted(ctx, admission);
  const bytes = encodeClients(clients, json ? "json" : "binary");
  if (!json) {
    return preEncodedListClientsResponse(bytes);
  }
  storePreEncodedJson(bytes);
  return create(ListClientsResponseSchema);
}

/** One `fast` stream page: built as init objects, encoded by the codec, passed through. */
function fastPage(
  shape: ResolvedShape,
  start: number,
  end: number,
  ctx: HandlerContext,
): StreamClientsResponse {
  const json = respondsJson(ctx);
  const clients = buildClientInits(shape, start, end);
  if (!json) {
    return preEncodedStreamClientsResponse(encodeClientsPage(clients, "binary"));
  }
  if (!canStorePreEncodedJson()) {
    return create(StreamClientsResponseSchema, { clients });
  }
  // The router serializes each yielded page before it asks for the next.
  storePreEncodedJson(encodeClientsPage(clients, "json"));
  return create(StreamClientsResponseSchema);
}
