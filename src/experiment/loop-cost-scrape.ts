import { checkLocalTarget } from "../load/local-target.js";
import { rawGet } from "../load/raw-client.js";
import { parseLabels } from "./metrics-scrape.js";

/** The routes whose responses are heavy (`route` label of `loopstall_requests_total`). */
const heavyRoutes = new Set([
  "/bank.v1.BankService/ListClients",
  "/bank.v1.BankService/StreamClients",
  "/v1/clients",
]);
/** The outcomes that count as a served heavy response. */
const servedCodes = new Set(["ok", "200"]);

/** One scrape of the series the loop-cost figures come from, summed or maxed over workers as noted. */
export interface LoopCostSnapshot {
  /** `performance.now()` when the scrape was sent. */
  atMs: number;
  /**
   * Main-thread busy seconds since start, summed over workers: the main
   * thread's CPU time where the server exposes it (Linux), else event-loop
   * active time (which also grows while the process waits for a core).
   */
  activeSeconds: number;
  /** Which of the two `activeSeconds` is. */
  busyMeasure: "cpu" | "elu";
  /** Heavy responses served since start, summed over workers. */
  heavyResponses: number;
  /** Other requests answered since start (the probe, health), `/metrics` left out; summed over workers. */
  lightResponses: number;
  /** Block histogram: worker → `le` (s; Infinity for +Inf) → cumulative count. */
  blocks: Map<string, Map<number, number>>;
  /** Estimated heap bytes of every source cache copy, summed over workers and copies. */
  cacheBytes: number;
}

/** The largest `/metrics` body read. */
const maxScrapeBytes = 8 * 1024 * 1024;

/** Fetches `/metrics` and extracts the loop-cost series; undefined if it fails. */
export async function scrapeLoopCost(
  baseUrl: string,
  timeoutMs = 5_000,
): Promise<LoopCostSnapshot | undefined> {
  checkLocalTarget(baseUrl);
  const atMs = performance.now();
  try {
    const res = await rawGet(`${baseUrl}/metrics`, { timeoutMs, maxBytes: maxScrapeBytes });
    return res.status === 200 ? parseLoopCost(res.body, atMs) : undefined;
  } catch {
    return undefined;
  }
}

/** Parses the loop-cost series out of Prometheus text exposition. */
export function parseLoopCost(text: string, atMs: number): LoopCostSnapshot {
  let cpuSeconds: number | undefined;
  const snapshot: LoopCostSnapshot = {
    atMs,
    activeSeconds: 0,
    busyMeasure: "elu",
    heavyResponses: 0,
    lightResponses: 0,
    blocks: new Map(),
    cacheBytes: 0,
  };
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (match === null) {
      continue;
    }
    const [, name, labelText = "", valueText = ""] = match;
    const value = Number(valueText);
    if (!Number.isFinite(value)) {
      continue;
    }
    const labels = () => parseLabels(labelText);
    switch (name) {
      case "loopstall_event_loop_active_seconds_total":
        snapshot.activeSeconds += value;
        break;
      case "loopstall_main_thread_cpu_seconds_total":
        cpuSeconds = (cpuSeconds ?? 0) + value;
        break;
      case "loopstall_requests_total": {
        const l = labels();
        const route = l.get("route") ?? "";
        if (heavyRoutes.has(route)) {
          if (servedCodes.has(l.get("code") ?? "")) {
            snapshot.heavyResponses += value;
          }
        } else if (route !== "/metrics") {
          snapshot.lightResponses += value;
        }
        break;
      }
      case "loopstall_source_cache_bytes":
        snapshot.cacheBytes += value;
        break;
      case "loopstall_event_loop_block_seconds_bucket": {
        const l = labels();
        const le = l.get("le");
        if (le === undefined) {
          break;
        }
        const worker = l.get("worker") ?? "unknown";
        let series = snapshot.blocks.get(worker);
        if (series === undefined) {
          series = new Map();
          snapshot.blocks.set(worker, series);
        }
        series.set(le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), value);
        break;
      }
    }
  }
  if (cpuSeconds !== undefined) {
    snapshot.activeSeconds = cpuSeconds;
    snapshot.busyMeasure = "cpu";
  }
  return snapshot;
}

/** What one repeat's heavy phase cost the event loop. */
export interface LoopCost {
  /** Busy ms per heavy response, the light work subtracted; null without heavy responses. */
  mainThreadMsPerHeavy: number | null;
  /** The longest block in the heavy phase, worst worker, bucket upper bound in ms; null if none seen. */
  longestBlockMs: number | null;
  /** Source cache bytes at the end of the heavy phase. */
  sourceCacheBytes: number;
  /** What the busy time is: the main thread's CPU time, or event-loop active time. */
  busyMeasure: "cpu" | "elu";
}

/**
 * The heavy phase's loop cost from scrapes at the start of the baseline
 * (`baseline`), of the heavy phase (`heavy`) and of the recovery (`recovery`).
 * The light requests' work in the heavy phase is the baseline's busy time
 * per light request times the light requests answered in the heavy phase
 * (or, when the baseline answered none, its busy rate times the phase's
 * length); what the heavy phase adds on top, per heavy response completed
 * in it, is the main-thread cost of one heavy response.
 */
export function loopCostOf(
  baseline: LoopCostSnapshot | undefined,
  heavy: LoopCostSnapshot,
  recovery: LoopCostSnapshot,
): LoopCost {
  const busy = recovery.activeSeconds - heavy.activeSeconds - lightWork(baseline, heavy, recovery);
  const responses = recovery.heavyResponses - heavy.heavyResponses;
  return {
    mainThreadMsPerHeavy: responses > 0 ? (Math.max(0, busy) * 1_000) / responses : null,
    longestBlockMs: longestBlockMs(heavy.blocks, recovery.blocks),
    sourceCacheBytes: recovery.cacheBytes,
    busyMeasure: recovery.busyMeasure,
  };
}

/** The light requests' busy seconds in the heavy phase, estimated from the baseline. */
function lightWork(
  baseline: LoopCostSnapshot | undefined,
  heavy: LoopCostSnapshot,
  recovery: LoopCostSnapshot,
): number {
  if (baseline === undefined || heavy.atMs <= baseline.atMs) {
    return 0;
  }
  const baselineBusy = heavy.activeSeconds - baseline.activeSeconds;
  const baselineLight = heavy.lightResponses - baseline.lightResponses;
  if (baselineLight > 0) {
    return (baselineBusy / baselineLight) * (recovery.lightResponses - heavy.lightResponses);
  }
  const rate = baselineBusy / ((heavy.atMs - baseline.atMs) / 1_000);
  return rate * ((recovery.atMs - heavy.atMs) / 1_000);
}

function longestBlockMs(
  before: Map<string, Map<number, number>>,
  after: Map<string, Map<number, number>>,
): number | null {
  let longest: number | null = null;
  for (const [worker, series] of after) {
    const prior = before.get(worker);
    const bounds = [...series.keys()].sort((a, b) => a - b);
    // Cumulative buckets: the first bound whose growth equals the total's holds the longest block.
    const grew = (le: number) => (series.get(le) ?? 0) - (prior?.get(le) ?? 0);
    const total = grew(Number.POSITIVE_INFINITY);
    if (total <= 0) {
      continue;
    }
    const index = bounds.findIndex((le) => grew(le) >= total);
    const bound = bounds[index] as number;
    const ms =
      bound === Number.POSITIVE_INFINITY ? (bounds[index - 1] ?? 0) * 1_000 : bound * 1_000;
    longest = Math.max(longest ?? 0, ms);
  }
  return longest;
}
