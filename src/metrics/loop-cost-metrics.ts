import { performance } from "node:perf_hooks";
import { Gauge, Histogram, type Registry } from "prom-client";

/** Options of {@link registerLoopCostMetrics}. */
export interface LoopCostMetricsOptions {
  /**
   * Period of the block sampler, in ms. Default 2: a block is seen to within
   * this much (a timer due every 2 ms that runs late by d ms saw a block of
   * d to d + 2 ms), at 500 cheap wake-ups a second.
   */
  resolutionMs?: number;
  /** The window of the per-response gauge, in s. Default 10. */
  windowSeconds?: number;
}

/**
 * Upper bounds of `loopstall_event_loop_block_seconds`: 1 ms steps to 20 ms
 * (where `slice` lives: its target is 4 × `--slice-ms`), then coarser to 10 s.
 */
const blockBuckets = [
  ...Array.from({ length: 20 }, (_, i) => (i + 1) / 1_000),
  0.025,
  0.03,
  0.04,
  0.05,
  0.075,
  0.1,
  0.15,
  0.2,
  0.3,
  0.5,
  0.75,
  1,
  2,
  5,
  10,
];

/** What the heavy-response cost metrics need from the server. */
export interface LoopCost {
  /** Counts one heavy response served (called when it is done). */
  noteHeavyResponse(): void;
  /** Stops the sampler. */
  stop(): void;
}

/**
 * Registers what each strategy costs the event loop:
 *
 * - `loopstall_event_loop_block_seconds` (histogram, cumulative): how long
 *   the loop was blocked, seen by a timer due every `resolutionMs` (a sample
 *   is recorded only when it ran late). The highest bucket that grew between
 *   two scrapes bounds the longest single block of that phase.
 * - `loopstall_event_loop_block_max_seconds` (gauge): the longest since start.
 * - `loopstall_heavy_main_thread_ms_per_response` (gauge): event-loop busy
 *   time over the last `windowSeconds` ÷ heavy responses served in it: an
 *   upper bound of one heavy response's main-thread cost, since it includes
 *   the light requests' work too (the experiment subtracts the baseline's).
 */
export function registerLoopCostMetrics(
  registry: Registry,
  options: LoopCostMetricsOptions = {},
): LoopCost {
  const resolutionMs = options.resolutionMs ?? 2;
  const windowSeconds = options.windowSeconds ?? 10;
  let maxSeconds = 0;
  const blocks = new Histogram({
    name: "loopstall_event_loop_block_seconds",
    help: `Event-loop blocks, seen by a timer due every ${resolutionMs} ms (to within ${resolutionMs} ms).`,
    buckets: blockBuckets,
    registers: [registry],
  });
  new Gauge({
    name: "loopstall_event_loop_block_max_seconds",
    help: "The longest event-loop block since the process started.",
    registers: [registry],
    collect() {
      this.set(maxSeconds);
    },
  });

  // One slot per second: [ELU snapshot at its start, heavy responses in it].
  const slots: Array<{ elu: ReturnType<typeof performance.eventLoopUtilization>; heavy: number }> =
    [{ elu: performance.eventLoopUtilization(), heavy: 0 }];
  new Gauge({
    name: "loopstall_heavy_main_thread_ms_per_response",
    help: `Event-loop busy ms over the last ${windowSeconds} s ÷ heavy responses served in it (light requests' work included); 0 without heavy responses.`,
    registers: [registry],
    collect() {
      const oldest = slots[0];
      const heavy = slots.reduce((sum, s) => sum + s.heavy, 0);
      if (oldest === undefined || heavy === 0) {
        this.set(0);
        return;
      }
      const busy = performance.eventLoopUtilization(performance.eventLoopUtilization(), oldest.elu);
      this.set(busy.active / heavy);
    },
  });

  let last = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    const late = now - last - resolutionMs;
    last = now;
    if (late >= 1) {
      const seconds = late / 1_000;
      blocks.observe(seconds);
      maxSeconds = Math.max(maxSeconds, seconds);
    }
  }, resolutionMs);
  sampler.unref();
  const slotTimer = setInterval(() => {
    slots.push({ elu: performance.eventLoopUtilization(), heavy: 0 });
    if (slots.length > windowSeconds) {
      slots.shift();
    }
  }, 1_000);
  slotTimer.unref();
  return {
    noteHeavyResponse() {
      const current = slots[slots.length - 1];
      if (current !== undefined) {
        current.heavy++;
      }
    },
    stop() {
      clearInterval(sampler);
      clearInterval(slotTimer);
    },
  };
}
