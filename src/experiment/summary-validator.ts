import { stat as fileStat, readFile } from "node:fs/promises";
import { formats, strategies } from "../contract/wire.js";
import type { ExperimentSummary } from "./summary.js";

/** Thrown by {@link validateSummary}; `path` names the first bad field, e.g. `cells[2].probe.retention`. */
export class SummaryValidationError extends Error {
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`invalid experiment summary: ${path} ${problem}`);
    this.name = "SummaryValidationError";
    this.path = path;
  }
}

/** Upper bounds that keep a hostile or corrupt summary from making the report writer do unbounded work. */
export const summaryLimits = {
  /** cells in one summary */
  maxCells: 10_000,
  /** points in one cell's timeline (a day of seconds) */
  maxTimelinePoints: 86_400,
  /** worker pids in one cell's spread */
  maxWorkers: 1_024,
  /** characters in any string field */
  maxStringLength: 1_000,
  /** bytes of a summary.json that {@link readSummary} will read */
  maxFileBytes: 256 * 1024 * 1024,
} as const;

/**
 * Checks that `value` (for example the parsed contents of summary.json) is an
 * {@link ExperimentSummary} and returns a copy holding only the known fields.
 * Throws a {@link SummaryValidationError} naming the first bad field.
 */
export function validateSummary(value: unknown): ExperimentSummary {
  return checkSummary(value, "summary");
}

/**
 * Reads and validates a summary.json. Throws a {@link SummaryValidationError}
 * (path `summary`) when the file is too big or not JSON, and the validation
 * error when a field is wrong.
 */
export async function readSummary(path: string): Promise<ExperimentSummary> {
  const { size } = await fileStat(path);
  if (size > summaryLimits.maxFileBytes) {
    fail(
      "summary",
      `file ${path} is ${size} bytes, over the ${summaryLimits.maxFileBytes} byte limit`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    fail("summary", `file ${path} is not valid JSON: ${error.message}`);
  }
  return validateSummary(value);
}

type Check<T> = (value: unknown, path: string) => T;

function fail(path: string, problem: string): never {
  throw new SummaryValidationError(path, problem);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "number") return `the number ${value}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

const num: Check<number> = (v, path) => {
  if (typeof v !== "number" || !Number.isFinite(v))
    fail(path, `must be a finite number, got ${describeValue(v)}`);
  return v;
};

const nonNegative: Check<number> = (v, path) => {
  const n = num(v, path);
  if (n < 0) fail(path, `must be >= 0, got ${n}`);
  return n;
};

const count: Check<number> = (v, path) => {
  const n = nonNegative(v, path);
  if (!Number.isInteger(n)) fail(path, `must be an integer, got ${n}`);
  return n;
};

const positiveCount: Check<number> = (v, path) => {
  const n = count(v, path);
  if (n < 1) fail(path, `must be >= 1, got ${n}`);
  return n;
};

const str: Check<string> = (v, path) => {
  if (typeof v !== "string") fail(path, `must be a string, got ${describeValue(v)}`);
  if (v.length > summaryLimits.maxStringLength) {
    fail(path, `must be at most ${summaryLimits.maxStringLength} characters long`);
  }
  return v;
};

const isoDate: Check<string> = (v, path) => {
  const s = str(v, path);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(Date.parse(s))) {
    fail(path, `must be an ISO 8601 date-time, got ${describeValue(s)}`);
  }
  return s;
};

const bool: Check<boolean> = (v, path) => {
  if (typeof v !== "boolean") fail(path, `must be a boolean, got ${describeValue(v)}`);
  return v;
};

function oneOf<const T extends string | number>(allowed: readonly T[]): Check<T> {
  return (v, path) => {
    if (!allowed.includes(v as T)) {
      fail(
        path,
        `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${describeValue(v)}`,
      );
    }
    return v as T;
  };
}

function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, path) => (v === null ? null : check(v, path));
}

function arrayOf<T>(check: Check<T>, maxLength: number, minLength = 0): Check<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) fail(path, `must be an array, got ${describeValue(v)}`);
    if (v.length < minLength) fail(path, `must have at least ${minLength} element(s)`);
    if (v.length > maxLength)
      fail(path, `must have at most ${maxLength} elements, got ${v.length}`);
    return v.map((item, i) => check(item, `${path}[${i}]`));
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

type Shape = Record<string, Check<unknown>>;
type Checked<S extends Shape> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

function object<S extends Shape>(shape: S): Check<Checked<S>> {
  return (v, path) => {
    if (!isPlainObject(v)) fail(path, `must be an object, got ${describeValue(v)}`);
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const fieldPath = `${path}.${key}`;
      if (!Object.hasOwn(v, key)) fail(fieldPath, "is missing");
      out[key] = check(v[key], fieldPath);
    }
    return out as Checked<S>;
  };
}

function recordOf<T>(check: Check<T>, maxKeys: number): Check<Record<string, T>> {
  return (v, path) => {
    if (!isPlainObject(v)) fail(path, `must be an object, got ${describeValue(v)}`);
    const entries = Object.entries(v);
    if (entries.length > maxKeys)
      fail(path, `must have at most ${maxKeys} keys, got ${entries.length}`);
    const out: Record<string, T> = {};
    for (const [key, item] of entries) {
      str(key, `${path} key`);
      out[key] = check(item, `${path}[${JSON.stringify(key)}]`);
    }
    return out;
  };
}

/** Adds a cross-field rule to a check. */
function refine<T>(check: Check<T>, rule: (value: T, path: string) => void): Check<T> {
  return (v, path) => {
    const out = check(v, path);
    rule(out, path);
    return out;
  };
}

const stat = refine(object({ median: num, min: num, max: num }), (s, path) => {
  if (!(s.min <= s.median && s.median <= s.max)) {
    fail(path, `must have min <= median <= max, got ${s.min}, ${s.median}, ${s.max}`);
  }
});

const timelinePoint = object({
  t: num,
  epoch: nonNegative,
  probe: nonNegative,
  heavy: nonNegative,
});

const cell = object({
  format: oneOf(formats),
  workers: positiveCount,
  strategy: oneOf(strategies),
  repeats: positiveCount,
  probe: object({
    baselineRps: nonNegative,
    duringRps: nonNegative,
    retention: nonNegative,
    p50BaselineMs: nonNegative,
    p50DuringMs: nonNegative,
    p99BaselineMs: nonNegative,
    p99DuringMs: nonNegative,
    errors: count,
    stats: object({
      baselineRps: stat,
      duringRps: stat,
      retention: stat,
      p50DuringMs: stat,
      p99BaselineMs: stat,
      p99DuringMs: stat,
    }),
  }),
  heavy: object({
    rps: nonNegative,
    mbPerS: nonNegative,
    bytes: count,
    completed: count,
    errors: count,
    stats: object({ rps: stat, mbPerS: stat }),
  }),
  workerSpread: recordOf(count, summaryLimits.maxWorkers),
  server: object({ eventLoopDelayP99Ms: nullable(stat), eventLoopDelayMaxMs: nullable(stat) }),
  loadgen: object({ cpuPercent: stat }),
  timeline: arrayOf(timelinePoint, summaryLimits.maxTimelinePoints),
  phases: refine(object({ heavyStart: num, heavyEnd: num }), (p, path) => {
    if (p.heavyEnd < p.heavyStart) {
      fail(`${path}.heavyEnd`, `must be >= heavyStart (${p.heavyStart}), got ${p.heavyEnd}`);
    }
  }),
});

const checkSummary: Check<ExperimentSummary> = object({
  schemaVersion: oneOf([1] as const),
  startedAt: isoDate,
  finishedAt: isoDate,
  environment: object({
    node: str,
    platform: str,
    arch: str,
    cpus: positiveCount,
    cpuModel: str,
    availableParallelism: positiveCount,
    loopstallVersion: str,
  }),
  settings: object({
    engine: oneOf(["embedded", "k6"] as const),
    launcher: oneOf(["cluster", "pm2"] as const),
    repeats: positiveCount,
    quick: bool,
    probe: object({
      mode: oneOf(["closed", "open"] as const),
      connections: positiveCount,
      rate: nullable(nonNegative),
      timeoutMs: nonNegative,
    }),
    heavy: object({
      concurrency: count,
      connections: count,
      shape: object({ count: count, accountsPerClient: count, filledStrings: count }),
    }),
    phases: object({ baselineS: nonNegative, heavyS: nonNegative, recoveryS: nonNegative }),
    matrix: object({
      formats: arrayOf(oneOf(formats), formats.length),
      workers: arrayOf(positiveCount, summaryLimits.maxWorkers),
      strategies: arrayOf(oneOf(strategies), strategies.length),
    }),
  }),
  cells: arrayOf(cell, summaryLimits.maxCells),
});
