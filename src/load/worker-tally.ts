/** Counts requests per serving process, from each response's `x-worker` header. */
export class WorkerTally {
  private readonly counts = new Map<string, number>();

  /** The most distinct workers kept; more land under "other" so a bad header can't grow memory. */
  static readonly maxWorkers = 1_024;

  /** Counts one response; a missing header counts under "unknown". */
  add(worker: string | undefined, n = 1): void {
    let key = worker === undefined || worker === "" ? "unknown" : worker.slice(0, 64);
    if (!this.counts.has(key) && this.counts.size >= WorkerTally.maxWorkers) {
      key = "other";
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  /** Adds another tally's counts. */
  merge(other: Record<string, number>): void {
    for (const [worker, n] of Object.entries(other)) {
      this.add(worker, n);
    }
  }

  /** Counts by worker, sorted by worker name. */
  toRecord(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}
