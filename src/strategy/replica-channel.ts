import { BroadcastChannel } from "node:worker_threads";
import type { TreeCacheStats } from "../model/tree-cache.js";

/** The channel on which each pool thread reports its replica cache. */
export const replicaChannelName = "loopstall-replica-cache";

/** One pool thread's replica cache, as it reports it after each `offload-replica` task. */
export interface ReplicaCacheReport extends TreeCacheStats {
  threadId: number;
}

/**
 * The replica caches of this process's pool threads, as they last reported
 * them: `offload-replica` keeps one copy of the `memory` source per thread,
 * so its memory cost is the sum of these. Listens until `close()`.
 */
export class ReplicaCaches {
  readonly #latest = new Map<number, ReplicaCacheReport>();
  readonly #channel = new BroadcastChannel(replicaChannelName);

  constructor() {
    this.#channel.unref();
    this.#channel.onmessage = (event) => {
      const report = (event as { data: ReplicaCacheReport }).data;
      this.#latest.set(report.threadId, report);
    };
  }

  /** The last report of each thread that has one. */
  reports(): ReplicaCacheReport[] {
    return [...this.#latest.values()];
  }

  /** Forgets a thread (its pool was destroyed). */
  clear(): void {
    this.#latest.clear();
  }

  close(): void {
    this.#channel.close();
  }
}
