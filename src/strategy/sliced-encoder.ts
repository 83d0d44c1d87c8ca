import { setImmediate as nextTurn } from "node:timers/promises";
import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ResolvedShape } from "../contract/shape.js";
import { type Client, ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import type { EncodeFormat } from "./clients-worker.js";

/**
 * Clients encoded per call in a slice: enough that the per-call cost of
 * `toBinary`/`toJson` is spread thin, few enough (about 0.1–0.5 ms of work)
 * that a slice ends close to its time.
 */
const batchClients = 32;

/** The default longest slice of main-thread work of the `slice` strategy, in ms (`--slice-ms`). */
export const defaultSliceMs = 4;

/** Options of {@link encodeInSlices}. */
export interface SliceOptions {
  /** The longest run of work between two loop turns, in ms. */
  sliceMs: number;
  /** Stops between slices, rejecting with the reason if it is a `ConnectError`, else `canceled`. */
  signal?: AbortSignal;
}

/**
 * Encodes a whole `ListClientsResponse` on the calling thread in slices of at
 * most `sliceMs` of work, yielding a real turn of the event loop
 * (`setImmediate`) between slices, and returns the concatenated bytes. The
 * clients come from `tree`, or are built client by client inside the slices
 * when `tree` is undefined (the `build` source), so building is sliced too.
 *
 * Each slice encodes batches of {@link batchClients} clients, each batch as
 * a `ListClientsResponse` of its own, until its time is up (checked after
 * each batch, so a slice may overrun by one batch: well under a millisecond).
 * The bytes equal the one-call encodings byte for byte: a repeated field's
 * entries are written one after another, so the binary of consecutive
 * batches concatenates to the binary of the whole list; JSON is
 * `{"clients":[` + the batches' clients joined by commas + `]}` (and `{}`
 * for no clients), as in rest-stream-writer.ts.
 */
export async function encodeInSlices(
  shape: ResolvedShape,
  tree: readonly Client[] | undefined,
  format: EncodeFormat,
  options: SliceOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const count = tree?.length ?? shape.count;
  const parts: Uint8Array[] = [];
  const textEncoder = new TextEncoder();
  let index = 0;
  while (index < count) {
    if (index > 0) {
      await nextTurn();
      throwIfAborted(options.signal);
    }
    const started = performance.now();
    const texts: string[] = [];
    do {
      const end = Math.min(count, index + batchClients);
      const clients = tree?.slice(index, end) ?? buildClients(shape, index, end);
      const batch = create(ListClientsResponseSchema, { clients });
      if (format === "binary") {
        parts.push(toBinary(ListClientsResponseSchema, batch));
      } else {
        // `[c1,c2,...]` without its brackets: the clients joined by commas.
        const list = (toJson(ListClientsResponseSchema, batch) as { clients: unknown[] }).clients;
        texts.push(JSON.stringify(list).slice(1, -1));
      }
      index = end;
    } while (index < count && performance.now() - started < options.sliceMs);
    if (format === "json") {
      const head = parts.length === 0 ? '{"clients":[' : ",";
      parts.push(textEncoder.encode(head + texts.join(",") + (index === count ? "]}" : "")));
    }
  }
  if (count === 0) {
    return format === "binary" ? new Uint8Array(0) : textEncoder.encode("{}");
  }
  await nextTurn();
  throwIfAborted(options.signal);
  return concat(parts);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw signal.reason instanceof ConnectError
      ? signal.reason
      : new ConnectError("the request was cancelled", Code.Canceled);
  }
}

/** One copy of every part into a fresh buffer (a memcpy each). */
function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) {
    length += part.byteLength;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
