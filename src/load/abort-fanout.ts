/**
 * One "abort" listener on a long-lived signal (a whole run's), fanned out to
 * any number of short-lived subscribers (one per in-flight call or waiting
 * caller). Adding a listener per call to the run's signal instead trips
 * Node's `MaxListenersExceededWarning` once more than 10 calls are in flight,
 * and keeps every call's closure reachable from the signal.
 */
export class AbortFanout {
  private readonly subscribers = new Set<(reason: unknown) => void>();
  private readonly onAbort = () => {
    const reason = this.signal?.reason;
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of subscribers) {
      subscriber(reason);
    }
  };

  constructor(private readonly signal?: AbortSignal) {
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Whether the watched signal has aborted. */
  get aborted(): boolean {
    return this.signal?.aborted ?? false;
  }

  /**
   * Calls `onAbort` once when the signal aborts (at once if it already has);
   * returns the unsubscribe function.
   */
  subscribe(onAbort: (reason: unknown) => void): () => void {
    if (this.signal?.aborted) {
      onAbort(this.signal.reason);
      return () => {};
    }
    this.subscribers.add(onAbort);
    return () => {
      this.subscribers.delete(onAbort);
    };
  }

  /**
   * Waits `ms`; resolves `true` when the time passed, `false` as soon as the
   * signal aborts.
   */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(true);
      }, ms);
      const unsubscribe = this.subscribe(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }

  /** Removes the one listener from the signal. */
  dispose(): void {
    this.signal?.removeEventListener("abort", this.onAbort);
    this.subscribers.clear();
  }
}
