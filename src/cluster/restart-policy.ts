/** Options of {@link RestartPolicy}. */
export interface RestartPolicyOptions {
  /** Delay before the first restart of a slot, in ms. Default 100. */
  initialDelayMs?: number;
  /** Cap on the doubling delay, in ms. Default 5,000. */
  maxDelayMs?: number;
  /** A slot that crashes more than this many times within `windowMs` is given up. Default 5. */
  maxCrashes?: number;
  /** The window of `maxCrashes`, in ms. Default 30,000. */
  windowMs?: number;
}

/** What to do after a worker slot crashed. */
export type RestartDecision =
  | { restart: true; delayMs: number }
  | { restart: false; crashes: number };

/**
 * Decides whether and when to restart a crashed worker slot: exponential
 * backoff (100 ms, 200 ms, … capped at 5 s) counted over the crashes still
 * inside the window, and no restart once a slot crashes in a loop.
 */
export class RestartPolicy {
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxCrashes: number;
  readonly #windowMs: number;
  readonly #crashes = new Map<number, number[]>();

  constructor(options: RestartPolicyOptions = {}) {
    this.#initialDelayMs = options.initialDelayMs ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 5_000;
    this.#maxCrashes = options.maxCrashes ?? 5;
    this.#windowMs = options.windowMs ?? 30_000;
  }

  /** Records a crash of `slot` at `now` (ms) and decides. */
  crashed(slot: number, now = Date.now()): RestartDecision {
    const recent = (this.#crashes.get(slot) ?? []).filter((t) => now - t < this.#windowMs);
    recent.push(now);
    this.#crashes.set(slot, recent);
    if (recent.length > this.#maxCrashes) {
      return { restart: false, crashes: recent.length };
    }
    const delayMs = Math.min(this.#maxDelayMs, this.#initialDelayMs * 2 ** (recent.length - 1));
    return { restart: true, delayMs };
  }
}
