/**
 * The shapes of ghz's JSON report (`ghz -O json`, ghz v0.121
 * `runner/reporter.go`) and of what it is built from. Pure and dependency-free: the k6 script `loadtest/ghz.ts` imports
 * these files directly, so they import only each other (with `.ts`
 * specifiers, which k6 resolves literally) and no `node:` module.
 */

/** One finished call, as ghz's reporter sees it. */
export interface GhzCallRecord {
  /** When the call ended, epoch ms (fractional ms keep sub-ms precision). */
  endMs: number;
  /** Call latency in integer nanoseconds. */
  latencyNs: number;
  /** gRPC code name as Go prints it: "OK", "Unavailable", ... */
  status: string;
  /** Go's error string (`rpc error: code = X desc = Y`); "" for success. */
  error: string;
}

/**
 * The run settings that ghz echoes in `options`. Every field is optional;
 * the always-present keys get ghz's defaults.
 */
export interface GhzOptionsInput {
  call?: string;
  host?: string;
  proto?: string;
  protoset?: string;
  importPaths?: string[];
  enableCompression?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  cname?: string;
  skipTLS?: boolean;
  /** Always written. Default false. */
  insecure?: boolean;
  authority?: string;
  rps?: number;
  /** Always written. Default "const". */
  loadSchedule?: string;
  loadStart?: number;
  loadEnd?: number;
  loadStep?: number;
  loadStepDurationNs?: number;
  loadMaxDurationNs?: number;
  concurrency?: number;
  /** Always written. Default "const". */
  concurrencySchedule?: string;
  concurrencyStart?: number;
  concurrencyEnd?: number;
  /** Always written. Default 1 (ghz's flag default). */
  concurrencyStep?: number;
  concurrencyStepDurationNs?: number;
  concurrencyMaxDurationNs?: number;
  total?: number;
  async?: boolean;
  connections?: number;
  durationNs?: number;
  timeoutNs?: number;
  dialTimeoutNs?: number;
  keepaliveNs?: number;
  /** The request data as parsed JSON; omitted when undefined. */
  data?: unknown;
  /** Always written. Default false. */
  binary?: boolean;
  metadata?: Record<string, string>;
  /** Always written. Default 0. */
  cpus?: number;
  name?: string;
  skipFirst?: number;
  countErrors?: boolean;
}

/** `latencyDistribution` entry. */
export interface GhzLatencyPoint {
  percentage: number;
  latency: number;
}

/** `histogram` entry. */
export interface GhzBucket {
  /** Bucket upper bound in seconds. */
  mark: number;
  count: number;
  frequency: number;
}

/** `details` entry. */
export interface GhzDetail {
  timestamp: string;
  latency: number;
  error: string;
  status: string;
}

/** The report, with keys in ghz's order. Durations are integer ns. */
export interface GhzReport {
  date: string;
  name?: string;
  endReason?: string;
  options: Record<string, unknown>;
  count: number;
  total: number;
  average: number;
  fastest: number;
  slowest: number;
  rps: number;
  errorDistribution: Record<string, number>;
  statusCodeDistribution: Record<string, number>;
  latencyDistribution: GhzLatencyPoint[] | null;
  histogram: GhzBucket[] | null;
  details: GhzDetail[] | null;
  tags?: Record<string, string>;
}

/** What every report needs besides the calls. */
export interface GhzReportMeta {
  /** Run name (`--name`); omitted when empty. */
  name?: string;
  /** "normal", "cancel" or "timeout". */
  endReason: string;
  /** When the report was finalized (ghz uses the end of the run), epoch ms. */
  dateMs: number;
  /** Whole run duration in ns. */
  totalNs: number;
  options: GhzOptionsInput;
  /** `--tags`; omitted when empty. */
  tags?: Record<string, string>;
  /**
   * Minutes east of UTC for rendered dates. Default: this process's local
   * zone, as Go's `time.Now()` uses.
   */
  utcOffsetMinutes?: number;
}

/**
 * Aggregates where individual calls are not available (k6's
 * `handleSummary` sees only aggregated metrics). Latencies in ms.
 */
export interface GhzAggregates {
  /** Calls per gRPC code name. */
  statusCounts: Record<string, number>;
  /** Calls per error string; may be coarser than ghz's (k6 keeps no messages). */
  errorCounts: Record<string, number>;
  /** Mean latency of all calls, ms. */
  averageMs: number;
  /** Latency statistics of the counted (successful) calls; undefined when none. */
  counted?: {
    count: number;
    minMs: number;
    maxMs: number;
    /** Latency at each of `ghzPercentiles`, ms, same order. */
    percentilesMs: readonly number[];
  };
}
