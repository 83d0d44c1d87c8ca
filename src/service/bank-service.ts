import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { ResolvedShape, ShapeLimits } from "../contract/shape.js";
import { type Strategy, strategyHeader } from "../contract/wire.js";
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
import type { EncodePool } from "../strategy/encode-pool.js";
import { encodeClients, encodeClientsPage } from "../strategy/fast-encode.js";
import {
  preEncodedListClientsResponse,
  preEncodedStreamClientsResponse,
} from "../strategy/pre-encoded-binary.js";
import { canStorePreEncodedJson, storePreEncodedJson } from "../strategy/pre-encoded-json.js";
import { requestStrategy, unaryStrategy } from "../strategy/strategy.js";
import { checkDeadline } from "./deadline.js";
import { beginHeavy, checkStillWanted, checkStillWantedNow } from "./heavy-gate.js";

export interface BankServiceOptions {
  /** Caps on the request knobs. */
  limits: ShapeLimits;
  /** The strategy of a request without a `loopstall-strategy` header. Default `inline`. */
  strategy?: Strategy;
  /** The pool that serves `offload` requests. */
  pool: EncodePool;
  /** Bounds the heavy responses in progress; none means unbounded (in-memory routers). */
  admission?: Admission;
}

/** The `bank.v1.BankService` implementation. */
export function createBankService(options: BankServiceOptions): ServiceImpl<typeof BankService> {
  const { limits, pool, admission } = options;
  const fallbackStrategy = options.strategy ?? "inline";
  return {
    async listClients(request, ctx) {
      const shape = resolveShape(request.shape, limits);
      const strategy = unaryStrategy(ctx.requestHeader.get(strategyHeader), fallbackStrategy);
      ctx.responseHeader.set(strategyHeader, strategy);
      if (strategy === "stream") {
        // One unary message cannot be sent in pieces; say where streaming lives.
        throw new ConnectError(
          "ListClients is unary and cannot stream; call bank.v1.BankService/StreamClients, or use strategy inline or offload",
          Code.InvalidArgument,
        );
      }
      await beginHeavy(ctx, admission, estimateJsonBytes(shape));
      if (strategy === "fast") {
        return buildFast(shape, ctx, admission);
      }
      return strategy === "inline"
        ? buildInline(shape, ctx, admission)
        : buildOffloaded(shape, ctx, pool, admission);
    },

    async *streamClients(request, ctx) {
      const shape = resolveShape(request.shape, limits);
      const pageSize = resolvePageSize(request.pageSize, limits);
      // Every strategy streams here; the header is still validated, and
      // `fast` pages are encoded by the codec.
      const fast =
        requestStrategy(ctx.requestHeader.get(strategyHeader), fallbackStrategy) === "fast";
      ctx.responseHeader.set(strategyHeader, "stream");
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
              clients: buildClients(shape, start, start + pageSize),
            });
      }
    },

    live() {
      return { pid: process.pid };
    },
  };
}

/** Builds on the loop; Connect encodes the returned message only if the client is still there. */
async function buildInline(
  shape: ResolvedShape,
  ctx: HandlerContext,
  admission?: Admission,
): Promise<ListClientsResponse> {
  checkDeadline(ctx);
  const message = create(ListClientsResponseSchema, { clients: buildClients(shape) });
  await checkStillWanted(ctx, admission);
  return message;
}

/**
 * Builds and encodes the response in the pool, in the format the router will
 * write (the content type it chose from the request), and hands the bytes to
 * the router so that it only copies them: binary through `$unknown`, JSON
 * through the pre-encoded JSON slot (see `pre-encoded-json.ts`).
 */
async function buildOffloaded(
  shape: ResolvedShape,
  ctx: HandlerContext,
  pool: EncodePool,
  admission?: Admission,
): Promise<ListClientsResponse> {
  const json = /json/i.test(ctx.responseHeader.get("content-type") ?? "");
  if (json && !canStorePreEncodedJson()) {
    // Served by an adapter without the JSON slot: nothing could pass the bytes on.
    return buildInline(shape, ctx, admission);
  }
  checkDeadline(ctx);
  const bytes = await pool.encode(shape, json ? "json" : "binary", ctx.signal);
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
  admission?: Admission,
): Promise<ListClientsResponse> {
  const json = respondsJson(ctx);
  if (json && !canStorePreEncodedJson()) {
    // Served by an adapter without the JSON slot: nothing could pass the bytes on.
    return buildInline(shape, ctx, admission);
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
