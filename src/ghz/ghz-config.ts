/**
 * ghz's run settings: the config file (`--config`, JSON with the long flag
 * names as keys and Go duration strings such as "10s"), command-line
 * overrides, defaults and limits. Pure and dependency-free so the k6 script
 * `loadtest/ghz.ts` can import it directly.
 */
import type { GhzOptionsInput } from "./report-types.js";

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

const ns = 1;
const goUnits: Record<string, number> = {
  ns,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3_600e9,
};

/**
 * Parses a Go duration ("300ms", "1m30s", "1.5h", "0") into integer ns.
 * Throws a clear error on anything else.
 */
export function parseGoDuration(text: string): number {
  const input = text.trim();
  if (input === "0" || input === "+0" || input === "-0") {
    return 0;
  }
  const match = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(input);
  if (!match) {
    throw new Error(
      `invalid duration "${text}": use a number with a unit (ns, us, ms, s, m, h), e.g. "10s" or "1m30s"`,
    );
  }
  let total = 0;
  // An exec loop rather than matchAll: k6's JavaScript runtime runs this too.
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  for (let m = part.exec(match[2] as string); m !== null; m = part.exec(match[2] as string)) {
    total += Number(m[1]) * (goUnits[m[2] as string] as number);
  }
  return Math.trunc(match[1] === "-" ? -total : total);
}

/** Every key a ghz config file may hold, and what loopstall does with it. */
const configKeys: Record<string, "use" | "ignore"> = {
  call: "use",
  host: "use",
  proto: "use",
  "import-paths": "ignore",
  insecure: "use",
  concurrency: "use",
  total: "use",
  duration: "use",
  rps: "use",
  connections: "use",
  timeout: "use",
  "connect-timeout": "use",
  data: "use",
  "data-file": "use",
  format: "use",
  output: "use",
  name: "use",
  tags: "use",
  skipFirst: "use",
  "count-errors": "use",
  cpus: "use",
  // Accepted when left at ghz's default; anything else is refused below.
  "load-schedule": "ignore",
  "concurrency-schedule": "ignore",
  "duration-stop": "ignore",
  "disable-template-functions": "ignore",
  "disable-template-data": "ignore",
  debug: "ignore",
};

/** Values a config or the command line may give; unset keys stay undefined. */
export type GhzOverrides = Partial<GhzSettings>;

/**
 * Reads a parsed ghz config file (JSON). Unknown keys and unsupported
 * features (TLS, binary data, metadata, step/line schedules, ...) are
 * refused with an error that names the key.
 */
export function parseGhzConfig(json: unknown): GhzOverrides {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new Error("config: expected a JSON object with ghz's long flag names as keys");
  }
  const raw = json as Record<string, unknown>;
  const out: GhzOverrides = {};
  for (const [key, value] of Object.entries(raw)) {
    const use = configKeys[key];
    if (use === undefined) {
      throw new Error(`config: key "${key}" is unknown or not supported by loopstall ghz`);
    }
    if (use === "ignore") {
      checkDefaultOnly(key, value);
      continue;
    }
    const at = `config: "${key}"`;
    switch (key) {
      case "call":
      case "host":
      case "proto":
      case "data-file":
      case "output":
      case "name":
        out[camel(key) as "call"] = expectString(at, value);
        break;
      case "insecure":
      case "count-errors":
        out[camel(key) as "insecure"] = expectBoolean(at, value);
        break;
      case "concurrency":
      case "total":
      case "rps":
      case "connections":
      case "skipFirst":
      case "cpus":
        out[camel(key) as "total"] = expectCount(at, value);
        break;
      case "duration":
        out.durationNs = expectDuration(at, value);
        break;
      case "timeout":
        out.timeoutNs = expectDuration(at, value);
        break;
      case "connect-timeout":
        out.dialTimeoutNs = expectDuration(at, value);
        break;
      case "data":
        out.data = checkData(at, value);
        break;
      case "format":
        out.format = parseFormat(expectString(at, value));
        break;
      case "tags":
        out.tags = checkTags(at, value);
        break;
    }
  }
  return out;
}

/** ghz's defaults for everything but `call` and `host`. */
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

/** Checks `data`: an object, or a non-empty array of objects (ghz's rule). */
export function checkData(at: string, value: unknown): unknown {
  const isObject = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(value)) {
    return value;
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isObject)) {
    return value;
  }
  throw new Error(`${at}: data must be a JSON object or a non-empty array of objects`);
}

/** Checks `tags`: an object of strings. */
export function checkTags(at: string, value: unknown): Record<string, string> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${at}: tags must be a JSON object of strings`);
  }
  const out: Record<string, string> = {};
  for (const [key, tag] of Object.entries(value as Record<string, unknown>)) {
    if (typeof tag !== "string") {
      throw new Error(`${at}: tag "${key}" must be a string`);
    }
    out[key] = tag;
  }
  return out;
}

function checkDefaultOnly(key: string, value: unknown): void {
  const defaults: Record<string, unknown[]> = {
    "load-schedule": ["const", ""],
    "concurrency-schedule": ["const", ""],
    "duration-stop": ["close", ""],
  };
  const allowed = defaults[key];
  if (allowed && !allowed.includes(value)) {
    throw new Error(`config: "${key}": only ${JSON.stringify(allowed[0])} is supported`);
  }
}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function expectString(at: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new Error(`${at} must be a string`);
  }
  return value;
}

function expectBoolean(at: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new Error(`${at} must be true or false`);
  }
  return value;
}

function expectCount(at: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new Error(`${at} must be a whole number ≥ 0`);
  }
  return value;
}

function expectDuration(at: string, value: unknown): number {
  // Like ghz, a bare number is read as a Go duration string ("0" only).
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string") {
    throw new Error(`${at} must be a duration string such as "10s"`);
  }
  try {
    return parseGoDuration(text);
  } catch (error) {
    throw new Error(`${at}: ${(error as Error).message}`);
  }
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be from ${min} to ${max}, got ${value}`);
  }
}
