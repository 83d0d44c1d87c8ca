import { move } from "piscina";
import type { ResolvedShape } from "../contract/shape.js";
import { buildClientInits } from "../model/client-inits.js";
import { type EncodeFormat, encodeClients as encodeWithCodec } from "./fast-encode.js";

export type { EncodeFormat } from "./fast-encode.js";

/** One task of the offload pool. */
export interface EncodeTask {
  shape: ResolvedShape;
  format: EncodeFormat;
}

/**
 * The piscina worker entry: builds the whole tree and encodes it, off the
 * event loop, with the generated codec (src/codec): the tree is built as
 * init objects, and the bytes equal protobuf-es' `toBinary`, or the UTF-8 of
 * `toJsonString` that Connect's JSON serialization sends, so they equal the
 * inline ones. The bytes' buffer is transferred, not copied, to the main thread.
 */
export default function encodeClients(task: EncodeTask): Uint8Array {
  const bytes = encodeWithCodec(buildClientInits(task.shape), task.format);
  return move(bytes) as unknown as Uint8Array;
}
