import { setImmediate as nextTurn } from "node:timers/promises";
import { toBinary, toJson } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ResolvedShape } from "../contract/shape.js";
import { type Client, ClientSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import type { EncodeFormat } from "./clients-worker.js";

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
 * The bytes equal the one-call encodings byte for byte: binary is each
 * client's `toBinary` framed as field 1 (tag `0x0a`, varint length), which is
 * exactly how `toBinary` writes a repeated message field; JSON is
 * `{"clients":[` + each client's `JSON.stringify(toJson(...))` joined by
 * commas + `]}` (and `{}` for no clients), as in rest-stream-writer.ts.
 *
 * A slice ends once its time is up, checked after each client, so it may
 * overrun by one client's work (microseconds).
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
    if (format === "binary") {
      const writer = new BinaryWriter();
      do {
        const client = tree?.[index] ?? (buildClients(shape, index, index + 1)[0] as Client);
        writer.tag(1, WireType.LengthDelimited).bytes(toBinary(ClientSchema, client));
        index++;
      } while (index < count && performance.now() - started < options.sliceMs);
      parts.push(writer.finish());
    } else {
      let text = index === 0 ? '{"clients":[' : ",";
      const first = index;
      do {
        const client = tree?.[index] ?? (buildClients(shape, index, index + 1)[0] as Client);
        text += (index === first ? "" : ",") + JSON.stringify(toJson(ClientSchema, client));
        index++;
      } while (index < count && performance.now() - started < options.sliceMs);
      if (index === count) {
        text += "]}";
      }
      parts.push(textEncoder.encode(text));
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
