import { checkLocalTarget } from "../load/local-target.js";
import { rawGet } from "../load/raw-client.js";

/** The event-loop delay histogram the server's `/metrics` exposes (seconds, per `worker`). */
const delayBucket = "loopstall_event_loop_delay_seconds_bucket";
/** The largest delay since the process started (seconds, per `worker`). */
const delayMax = "loopstall_event_loop_delay_max_seconds";

/** The largest `/metrics` body read. */
const maxScrapeBytes = 8 * 1024 * 1024;

/** One scrape's event-loop delay series, by worker pid. */
export interface DelaySnapshot {
  /** `le` (seconds; Infinity for +Inf) → cumulative count, per worker. */
  buckets: Map<string, Map<number, number>>;
  /** Max delay since start, seconds, per worker. */
  maxSeconds: Map<string, number>;
}

/**
 * Fetches `/metrics` and extracts the event-loop delay series; undefined when
 * the server has no such endpoint or it fails (the experiment then reports null).
 */
export async function scrapeDelay(
  baseUrl: string,
  timeoutMs = 5_000,
): Promise<DelaySnapshot | undefined> {
  checkLocalTarget(baseUrl);
  try {
    const res = await rawGet(`${baseUrl}/metrics`, {
      timeoutMs: timeoutMs,
      maxBytes: maxScrapeBytes,
    });
    if (res.status !== 200) {
      return undefined;
    }
    const snapshot = parseDelayMetrics(res.body);
    return snapshot.buckets.size > 0 || snapshot.maxSeconds.size > 0 ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

/** Parses the delay series out of Prometheus text exposition. */
export function parseDelayMetrics(text: string): DelaySnapshot {
  const snapshot: DelaySnapshot = { buckets: new Map(), maxSeconds: new Map() };
  for (const line of text.split("\n")) {
    if (!line.startsWith(delayBucket) && !line.startsWith(delayMax)) {
      continue;
    }
    const match = /^([a-z_]+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (match === null) {
      continue;
    }
    const [, name, labelText = "", valueText = ""] = match;
    const labels = parseLabels(labelText);
    const worker = labels.get("worker") ?? "unknown";
    const value = Number(valueText);
    if (!Number.isFinite(value)) {
      continue;
    }
    if (name === delayBucket) {
      const le = labels.get("le");
      if (le === undefined) {
        continue;
      }
      let series = snapshot.buckets.get(worker);
      if (series === undefined) {
        series = new Map();
        snapshot.buckets.set(worker, series);
      }
      series.set(le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), value);
    } else if (name === delayMax) {
      snapshot.maxSeconds.set(worker, value);
    }
  }
  return snapshot;
}

/** The labels of one Prometheus text line's `{...}`. */
export function parseLabels(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const m of text.matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) {
    labels.set(m[1] as string, m[2] as string);
  }
  return labels;
}

/**
 * The p-quantile (0..1) of the delays observed between two scrapes, in ms,
 * for each worker, interpolated linearly within a bucket like Prometheus's
 * `histogram_quantile`. Workers with no observations are left out.
 */
export function delayQuantileMs(
  before: DelaySnapshot | undefined,
  after: DelaySnapshot,
  q: number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [worker, series] of after.buckets) {
    const prior = before?.buckets.get(worker);
    const bounds = [...series.keys()].sort((a, b) => a - b);
    const counts = bounds.map((le) => (series.get(le) ?? 0) - (prior?.get(le) ?? 0));
    const total = counts[counts.length - 1] ?? 0;
    if (total <= 0) {
      continue;
    }
    const rank = q * total;
    for (let i = 0; i < bounds.length; i++) {
      if ((counts[i] as number) >= rank) {
        const upper = bounds[i] as number;
        const lower = i === 0 ? 0 : (bounds[i - 1] as number);
        const below = i === 0 ? 0 : (counts[i - 1] as number);
        const inBucket = (counts[i] as number) - below;
        // The +Inf bucket has no upper bound: report its lower one.
        const seconds =
          upper === Number.POSITIVE_INFINITY || inBucket <= 0
            ? lower
            : lower + ((upper - lower) * (rank - below)) / inBucket;
        out.set(worker, seconds * 1000);
        break;
      }
    }
  }
  return out;
}
