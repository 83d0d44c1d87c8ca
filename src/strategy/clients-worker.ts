import { BroadcastChannel, threadId } from "node:worker_threads";
import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { move } from "piscina";
import type { ResolvedShape } from "../contract/shape.js";
import { type Client, ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClientInits } from "../model/client-inits.js";
import { TreeCache } from "../model/tree-cache.js";
import { type EncodeFormat, encodeClients as encodeWithCodec } from "./fast-encode.js";
import { type ReplicaCacheReport, replicaChannelName } from "./replica-channel.js";

export type { EncodeFormat } from "./fast-encode.js";

/** One task of the offload pool. */
export interface EncodeTask {
  shape: ResolvedShape;
  format: EncodeFormat;
  /**
   * Where the thread gets the tree:
   * - absent: it builds the tree from `shape` (`offload`, and the `build`
   *   source of `offload-replica`);
   * - `tree`: the main thread's tree, structured-cloned into the task by
   *   `postMessage` (`offload-clone`);
   * - `replicaCacheBytes`: from this thread's own cache of trees, bounded
   *   like the main thread's (`offload-replica` with the `memory` source).
   */
  tree?: readonly Client[];
  replicaCacheBytes?: number;
}

const textEncoder = new TextEncoder();

/** This thread's replica of the `memory` source, created by the first task that needs it. */
let replica: TreeCache | undefined;
let channel: BroadcastChannel | undefined;

/**
 * The piscina worker entry, off the event loop. A task without a tree of its
 * own (`offload`, and `offload-replica` with `build`) builds the tree as init
 * objects and encodes it with the generated codec (src/codec), whose bytes
 * equal protobuf-es' `toBinary`, or the UTF-8 of `toJsonString`. A task whose
 * tree is protobuf-es messages (`offload-clone`'s clone, `offload-replica`'s
 * cache) encodes them with `toBinary`, or `JSON.stringify(toJson(...))`, the
 * same two steps as Connect's JSON serialization. Either way the bytes equal
 * the inline ones; their buffer is transferred, not copied, to the main thread.
 */
export default function encodeClients(task: EncodeTask): Uint8Array {
  const clients = task.tree ?? replicaTree(task);
  if (clients === undefined) {
    return move(
      encodeWithCodec(buildClientInits(task.shape), task.format),
    ) as unknown as Uint8Array;
  }
  const message = create(ListClientsResponseSchema, { clients: clients as Client[] });
  const bytes =
    task.format === "binary"
      ? toBinary(ListClientsResponseSchema, message)
      : textEncoder.encode(JSON.stringify(toJson(ListClientsResponseSchema, message)));
  return move(bytes) as unknown as Uint8Array;
}

/** This thread's replica of the tree, or undefined for a task that builds its own. */
function replicaTree(task: EncodeTask): readonly Client[] | undefined {
  if (task.replicaCacheBytes === undefined) {
    return undefined;
  }
  replica ??= new TreeCache(task.replicaCacheBytes);
  const tree = replica.get(task.shape);
  // The main thread reports each replica's size (memory × threads).
  channel ??= new BroadcastChannel(replicaChannelName);
  channel.unref();
  const report: ReplicaCacheReport = { threadId, ...replica.stats() };
  channel.postMessage(report);
  return tree;
}
