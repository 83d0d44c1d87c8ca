import { codecFor } from "../codec/index.js";
import { ListClientsResponseSchema, StreamClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import type { ClientInit } from "../model/client-inits.js";

/** The wire format a response is encoded to. */
export type EncodeFormat = "binary" | "json";

const listCodec = codecFor(ListClientsResponseSchema);
const pageCodec = codecFor(StreamClientsResponseSchema);

/**
 * Encodes a whole `ListClientsResponse` from init objects with the generated
 * codec: the bytes `toBinary`, or the UTF-8 of `toJsonString`, would give
 * for `create()` of the same tree (Connect's JSON serialization is
 * `textEncoder.encode(toJsonString(...))`).
 */
export function encodeClients(
  clients: ClientInit[],
  format: EncodeFormat,
): Uint8Array<ArrayBuffer> {
  return format === "binary" ? listCodec.toBinary({ clients }) : listCodec.toJsonBytes({ clients });
}

/** The same for one `StreamClientsResponse` page. */
export function encodeClientsPage(
  clients: ClientInit[],
  format: EncodeFormat,
): Uint8Array<ArrayBuffer> {
  return format === "binary" ? pageCodec.toBinary({ clients }) : pageCodec.toJsonBytes({ clients });
}
