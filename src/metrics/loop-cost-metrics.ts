import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

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
 *   is recorded only when it ran late): the smaller of how late it ran and
 *   the CPU time the process used meanwhile, so that time the OS gave to
 *   other processes on a shared machine is not counted as the loop's block
 *   (while worker threads run, their CPU time counts too, so the figure
 *   falls back to the lateness). The highest bucket that grew between two
 *   scrapes bounds the longest single block of that phase.
 * - `loopstall_main_thread_cpu_seconds_total` (counter, Linux): the main
 *   thread's own CPU time, from `/proc/self/task/<pid>/stat` (10 ms ticks),
 *   which unlike event-loop utilization does not grow while the process
 *   waits for a core.
 * - `loopstall_event_loop_block_max_seconds` (gauge): the longest since start.
 * - `loopstall_heavy_main_thread_ms_per_response` (gauge): the main
 *   thread's CPU time (event-loop busy time where `/proc` is unavailable)
 *   over the last `windowSeconds` ÷ heavy responses served in it: an upper
 *   bound of one heavy response's main-thread cost, since it includes the
 *   light requests' work too (the experiment subtracts the baseline's).
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

  let cpuCounted = mainThreadCpuSeconds();
  if (cpuCounted !== undefined) {
    const cpu = new Counter({
      name: "loopstall_main_thread_cpu_seconds_total",
      help: "CPU time of the main thread (the event loop's thread), from /proc (10 ms ticks).",
      registers: [registry],
      collect() {
        const now = mainThreadCpuSeconds() ?? cpuCounted ?? 0;
        cpu.inc(Math.max(0, now - (cpuCounted ?? 0)));
        cpuCounted = now;
      },
    });
  }
  /** Main-thread busy seconds since start: CPU time where /proc has it, else event-loop active time. */
  const busySeconds = () =>
    mainThreadCpuSeconds() ?? performance.eventLoopUtilization().active / 1_000;

  // One slot per second: busy seconds at its start, heavy responses in it.
  const slots: Array<{ busy: number; heavy: number }> = [{ busy: busySeconds(), heavy: 0 }];
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
      this.set(((busySeconds() - oldest.busy) * 1_000) / heavy);
    },
  });

  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const sampler = setInterval(() => {
    const now = performance.now();
    const late = now - last - resolutionMs;
    last = now;
    const cpu = process.cpuUsage(lastCpu);
    lastCpu = process.cpuUsage();
    const cpuMs = (cpu.user + cpu.system) / 1_000;
    const blocked = Math.min(late, cpuMs);
    if (blocked >= 1) {
      const seconds = blocked / 1_000;
      blocks.observe(seconds);
      maxSeconds = Math.max(maxSeconds, seconds);
    }
  }, resolutionMs);
  sampler.unref();
  const slotTimer = setInterval(() => {
    slots.push({ busy: busySeconds(), heavy: 0 });
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

/** Linux's clock ticks per second for /proc times (USER_HZ, 100 on every mainstream kernel). */
const ticksPerSecond = 100;
const statPath = `/proc/self/task/${process.pid}/stat`;
let procReadable = true;

/** The main thread's user + system CPU seconds, or undefined where /proc is unavailable. */
export function mainThreadCpuSeconds(): number | undefined {
  if (!procReadable) {
    return undefined;
  }
  try {
    const stat = readFileSync(statPath, "utf8");
    // Fields after "pid (comm) ": state is the 1st, utime the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / ticksPerSecond : undefined;
  } catch {
    procReadable = false;
    return undefined;
  }
}
