import { type EventLoopUtilization, performance } from "node:perf_hooks";
import { Counter, Gauge, Histogram, type Registry, Summary } from "prom-client";

/** Options of {@link registerEventLoopMetrics}. */
export interface EventLoopMetricsOptions {
  /**
   * Period of the event-loop delay sampler, in ms. Default 10: a stall
   * shorter than this may go unseen, and each sample is a timer wake-up, so
   * 10 ms (100 wake-ups/s) sees the 30–250 ms stalls loopstall provokes at
   * negligible cost.
   */
  resolutionMs?: number;
  /** How often an event-loop utilization snapshot is taken for the sliding window, in ms. Default 1,000. */
  sliceMs?: number;
  /** Length of the sliding window of the `_window` quantiles and utilization, in s. Default 10. */
  windowSeconds?: number;
}

/**
 * Upper bounds of `loopstall_event_loop_delay_seconds`, in s: 1 ms to 10 s,
 * densest where a big synchronous serialization stalls the loop (50–500 ms).
 */
const delayBuckets = [
  0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2.5,
  5, 10,
];

/**
 * Registers this process's event-loop metrics in `registry`:
 *
 * - `loopstall_event_loop_delay_seconds` (histogram, cumulative): how late each
 *   10 ms sampler tick ran. An experiment scrapes before and after a phase and
 *   diffs the buckets to get the phase's p99 and (to bucket precision) max.
 * - `loopstall_event_loop_delay_window_seconds{quantile}` (summary over the
 *   last `windowSeconds`): p50/p90/p99/max of the recent past, for a scrape
 *   taken right at the end of a phase.
 * - `loopstall_event_loop_delay_max_seconds` (gauge): the largest delay since start.
 * - `loopstall_event_loop_{active,idle}_seconds_total` (counters): event-loop
 *   utilization is Δactive / (Δactive + Δidle) between two scrapes.
 * - `loopstall_event_loop_utilization` (gauge): the same over the last `windowSeconds`.
 *
 * The delay is measured the way `perf_hooks.monitorEventLoopDelay` does it (a
 * repeating timer, and how late each tick runs), but by a JS timer that
 * observes every tick directly: the native histogram can only be read as a
 * whole, and its `reset()` also forgets the previous tick's time, so a stall
 * that ends just before a reset is never recorded (a 150 ms block vanished in
 * a test). A stall still in progress shows up once it ends.
 * Returns a function that stops the sampling.
 */
export function registerEventLoopMetrics(
  registry: Registry,
  options: EventLoopMetricsOptions = {},
): () => void {
  const resolutionMs = options.resolutionMs ?? 10;
  const sliceMs = options.sliceMs ?? 1_000;
  const windowSeconds = options.windowSeconds ?? 10;
  let maxSeconds = 0;

  const histogram = new Histogram({
    name: "loopstall_event_loop_delay_seconds",
    help: `How late each ${resolutionMs} ms event-loop sampler tick ran.`,
    buckets: delayBuckets,
    registers: [registry],
  });
  const window = new Summary({
    name: "loopstall_event_loop_delay_window_seconds",
    help: `Event-loop delay quantiles over the last ${windowSeconds} s (quantile 1 is the max).`,
    percentiles: [0.5, 0.9, 0.99, 1],
    maxAgeSeconds: windowSeconds,
    ageBuckets: 5,
    registers: [registry],
  });
  new Gauge({
    name: "loopstall_event_loop_delay_max_seconds",
    help: "The largest event-loop delay since the process started.",
    registers: [registry],
    collect() {
      this.set(maxSeconds);
    },
  });

  // Event-loop utilization: cumulative counters plus a sliding-window gauge
  // computed from snapshots taken once per slice.
  let counted = performance.eventLoopUtilization();
  const snapshots: EventLoopUtilization[] = [counted];
  const maxSnapshots = Math.max(1, Math.round((windowSeconds * 1_000) / sliceMs));
  const active = new Counter({
    name: "loopstall_event_loop_active_seconds_total",
    help: "Time the event loop spent running JavaScript or I/O callbacks (not waiting).",
    registers: [registry],
    collect: countUtilization,
  });
  const idle = new Counter({
    name: "loopstall_event_loop_idle_seconds_total",
    help: "Time the event loop spent waiting for events.",
    registers: [registry],
    collect: countUtilization,
  });
  function countUtilization(): void {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, counted);
    counted = now;
    active.inc(delta.active / 1_000);
    idle.inc(delta.idle / 1_000);
  }
  new Gauge({
    name: "loopstall_event_loop_utilization",
    help: `Event-loop utilization (0–1) over the last ${windowSeconds} s.`,
    registers: [registry],
    collect() {
      const oldest = snapshots[0] ?? counted;
      this.set(
        performance.eventLoopUtilization(performance.eventLoopUtilization(), oldest).utilization,
      );
    },
  });

  let last = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    const seconds = Math.max(0, now - last - resolutionMs) / 1_000;
    last = now;
    histogram.observe(seconds);
    window.observe(seconds);
    maxSeconds = Math.max(maxSeconds, seconds);
  }, resolutionMs);
  sampler.unref();

  const timer = setInterval(() => {
    snapshots.push(performance.eventLoopUtilization());
    if (snapshots.length > maxSnapshots) {
      snapshots.shift();
    }
  }, sliceMs);
  timer.unref();
  return () => {
    clearInterval(sampler);
    clearInterval(timer);
  };
}
