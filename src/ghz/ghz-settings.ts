/**
 * ghz's run settings for `loopstall ghz`: their defaults, limits, and how
 * defaults, a config file and the command line merge (each layer wins over
 * the one before). Pure and dependency-free, so the k6
 * script `loadtest/ghz.ts` can import it directly (siblings only, with `.ts`
 * specifiers).
 */
import type { GhzOptionsInput } from "./report-types.ts";

/** Output formats loopstall writes. */
export type GhzFormat = "summary" | "json" | "pretty";

export const ghzFormats: readonly GhzFormat[] = ["summary", "json", "pretty"];

/** A fully resolved run. */
export interface GhzSettings {
  /** `pkg.Service.Method` or `pkg.Service/Method`. Required. */
  call: string;
  /** `host:port`. Required. */
  host: string;
  /** `--proto` (accepted and echoed; the service's proto is compiled in). */
  proto?: string;
  /** Request data: a JSON object, or an array of objects used round-robin. */
  data?: unknown;
  /** `-D`: file the data is read from (the caller reads it). */
  dataFile?: string;
  /** `-c`. Default 50. */
  concurrency: number;
  /** `-n`. Default 200. */
  total: number;
  /** `-z`, ns; overrides `total` when above 0. Default 0. */
  durationNs: number;
  /** `-r`, calls/s; 0 = as fast as possible. Default 0. */
  rps: number;
  /** `--connections`. Default 1. */
  connections: number;
  /** `--insecure`: plain-text h2c. loopstall only speaks plain text. */
  insecure: boolean;
  /** `-t`, ns; 0 = no timeout (loopstall caps it at one hour). Default 20s. */
  timeoutNs: number;
  /** `--connect-timeout`, ns (echoed as `dial-timeout`). Default 10s. */
  dialTimeoutNs: number;
  /** `-O`. Default "summary". */
  format: GhzFormat;
  /** `-o`; stdout when undefined. */
  output?: string;
  /** `--name`. */
  name?: string;
  /** `--tags`. */
  tags?: Record<string, string>;
  /** `--skipFirst`: results left out of the tally. Default 0. */
  skipFirst: number;
  /** `--count-errors`: latency statistics include failed calls. Default false. */
  countErrors: boolean;
  /** `--cpus` (echoed as `CPUs`). Default: the machine's CPU count. */
  cpus: number;
}

/** Largest values loopstall accepts (every count a user controls has a cap). */
export const ghzLimits = {
  concurrency: 10_000,
  connections: 10_000,
  total: 100_000_000,
  rps: 1_000_000,
  /** 24 h. */
  durationNs: 86_400e9,
  /** 1 h; also what `-t 0` (no timeout) becomes. */
  timeoutNs: 3_600e9,
};

/** Values a config or the command line may give; unset keys stay undefined. */
export type GhzOverrides = Partial<GhzSettings>;

export function defaultGhzSettings(cpus: number): Omit<GhzSettings, "call" | "host"> {
  return {
    concurrency: 50,
    total: 200,
    durationNs: 0,
    rps: 0,
    connections: 1,
    insecure: false,
    timeoutNs: 20e9,
    dialTimeoutNs: 10e9,
    format: "summary",
    skipFirst: 0,
    countErrors: false,
    cpus,
  };
}

/**
 * Merges defaults, then the config file, then the command line (each layer
 * overrides the one before), and checks the result against ghz's rules and
 * loopstall's limits.
 */
export function resolveGhzSettings(cpus: number, ...layers: readonly GhzOverrides[]): GhzSettings {
  const merged: Partial<GhzSettings> = { ...defaultGhzSettings(cpus) };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) {
        (merged as Record<string, unknown>)[key] = value;
      }
    }
  }
  if (!merged.call) {
    throw new Error("missing --call (e.g. --call bank.v1.BankService.Live)");
  }
  if (!merged.host) {
    throw new Error("missing the host:port argument (e.g. 127.0.0.1:8080)");
  }
  const s = merged as GhzSettings;
  checkRange("concurrency (-c)", s.concurrency, 1, ghzLimits.concurrency);
  checkRange("connections", s.connections, 1, ghzLimits.connections);
  checkRange("total (-n)", s.total, 1, ghzLimits.total);
  checkRange("rps (-r)", s.rps, 0, ghzLimits.rps);
  checkRange("duration (-z)", s.durationNs, 0, ghzLimits.durationNs);
  checkRange("timeout (-t)", s.timeoutNs, 0, ghzLimits.timeoutNs);
  checkRange("skipFirst", s.skipFirst, 0, ghzLimits.total);
  if (s.connections > s.concurrency) {
    // ghz's own rule: every connection needs at least one worker.
    throw new Error(
      `connections (${s.connections}) must not exceed concurrency (${s.concurrency})`,
    );
  }
  if (s.durationNs === 0 && s.skipFirst > s.total) {
    throw new Error("you cannot skip more requests than those run (skipFirst > total)");
  }
  return s;
}

/** The report's `options` for a run. */
export function ghzReportOptions(s: GhzSettings): GhzOptionsInput {
  const options: GhzOptionsInput = {
    call: s.call,
    host: s.host,
    insecure: s.insecure,
    rps: s.rps,
    concurrency: s.concurrency,
    total: s.total,
    connections: s.connections,
    durationNs: s.durationNs,
    timeoutNs: s.timeoutNs,
    dialTimeoutNs: s.dialTimeoutNs,
    data: s.data,
    cpus: s.cpus,
    skipFirst: s.skipFirst,
    countErrors: s.countErrors,
  };
  if (s.proto) {
    options.proto = s.proto;
    // ghz adds the proto's directory (unless ".") and "." to the import paths.
    const slash = s.proto.lastIndexOf("/");
    const dir = slash > 0 ? s.proto.slice(0, slash) : slash === 0 ? "/" : ".";
    options.importPaths = dir === "." ? ["."] : [dir, "."];
  }
  if (s.name) {
    options.name = s.name;
  }
  return options;
}

/** Parses `-O`/`format`. */
export function parseFormat(text: string): GhzFormat {
  if ((ghzFormats as readonly string[]).includes(text)) {
    return text as GhzFormat;
  }
  throw new Error(`format "${text}" is not supported: use one of ${ghzFormats.join(", ")}`);
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be from ${min} to ${max}, got ${value}`);
  }
}
