/**
 * A ghz config file's content (`--config`: JSON, TOML or YAML with ghz's
 * long flag names as keys and Go duration strings such as "10s"): which
 * keys loopstall takes, and how each value is checked. Pure and dependency-free, so the k6
 * script `loadtest/ghz.ts` can import it directly (siblings only, with `.ts`
 * specifiers).
 */
import { type GhzOverrides, parseFormat } from "./ghz-settings.ts";
import { parseGoDuration } from "./go-duration.ts";

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
