import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import {
  type ListClientsResponse,
  ListClientsResponseSchema,
  type StreamClientsResponse,
  StreamClientsResponseSchema,
} from "../gen/bank/v1/bank_pb.js";

/** The tag byte of `clients` (field 1, length-delimited) in both responses. */
const clientsTag = (1 << 3) | WireType.LengthDelimited;

/**
 * Wraps an encoded `ListClientsResponse` in a message that `toBinary` writes
 * back byte for byte, at memcpy speed, without walking any tree.
 *
 * `toBinary` writes each `$unknown` entry as `tag(no, wireType)` followed by
 * `raw(data)`. The encoded body is a run of `clients` entries that each start
 * with the one-byte tag `0x0a`, so one entry whose tag is that of field 1 and
 * whose data is everything after the first byte reproduces the body exactly.
 * `$unknown` is set after `create()`, which does not copy it.
 */
export function preEncodedListClientsResponse(bytes: Uint8Array): ListClientsResponse {
  return preEncoded(ListClientsResponseSchema, bytes);
}

/** The same for one `StreamClientsResponse` page (its only field is `clients`, number 1, too). */
export function preEncodedStreamClientsResponse(bytes: Uint8Array): StreamClientsResponse {
  return preEncoded(StreamClientsResponseSchema, bytes);
}

function preEncoded<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  const message = create(schema);
  if (bytes.byteLength === 0) {
    return message;
  }
  if (bytes[0] !== clientsTag) {
    throw new Error(`pre-encoded ${schema.name} starts with byte ${bytes[0]}, not the clients tag`);
  }
  message.$unknown = [{ no: 1, wireType: WireType.LengthDelimited, data: bytes.subarray(1) }];
  return message;
}
