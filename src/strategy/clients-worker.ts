import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { move } from "piscina";
import type { ResolvedShape } from "../contract/shape.js";
import { ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";

/** The wire format a worker encodes a `ListClientsResponse` to. */
export type EncodeFormat = "binary" | "json";

/** One task of the offload pool. */
export interface EncodeTask {
  shape: ResolvedShape;
  format: EncodeFormat;
}

const textEncoder = new TextEncoder();

/**
 * The piscina worker entry: builds the whole tree and encodes it, off the
 * event loop. Binary is `toBinary`; JSON is `JSON.stringify(toJson(...))`,
 * the same two steps as Connect's JSON serialization, so the bytes equal the
 * inline ones. The bytes' buffer is transferred, not copied, to the main thread.
 */
export default function encodeClients(task: EncodeTask): Uint8Array {
  const message = create(ListClientsResponseSchema, { clients: buildClients(task.shape) });
  const bytes =
    task.format === "binary"
      ? toBinary(ListClientsResponseSchema, message)
      : textEncoder.encode(JSON.stringify(toJson(ListClientsResponseSchema, message)));
  return move(bytes) as unknown as Uint8Array;
}
