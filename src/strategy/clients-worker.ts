import { BroadcastChannel, threadId } from "node:worker_threads";
import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { move } from "piscina";
import type { ResolvedShape } from "../contract/shape.js";
import { type Client, ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import { TreeCache } from "../model/tree-cache.js";
import { type ReplicaCacheReport, replicaChannelName } from "./replica-channel.js";

/** The wire format a worker encodes a `ListClientsResponse` to. */
export type EncodeFormat = "binary" | "json";

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
 * The piscina worker entry: gets the tree (see {@link EncodeTask.tree}) and
 * encodes it, off the event loop. Binary is `toBinary`; JSON is
 * `JSON.stringify(toJson(...))`, the same two steps as Connect's JSON
 * serialization, so the bytes equal the inline ones. The bytes' buffer is
 * transferred, not copied, to the main thread.
 */
export default function encodeClients(task: EncodeTask): Uint8Array {
  const clients = task.tree ?? treeOfThread(task);
  const message = create(ListClientsResponseSchema, { clients: clients as Client[] });
  const bytes =
    task.format === "binary"
      ? toBinary(ListClientsResponseSchema, message)
      : textEncoder.encode(JSON.stringify(toJson(ListClientsResponseSchema, message)));
  return move(bytes) as unknown as Uint8Array;
}

function treeOfThread(task: EncodeTask): readonly Client[] {
  if (task.replicaCacheBytes === undefined) {
    return buildClients(task.shape);
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
