/**
 * The experiment's k6 engine (`--engine k6`): one run is one
 * `k6 run loadtest/concurrency.ts`, whose handleSummary writes a JSON result
 * (RESULT_OUT, built by loadtest/lib/cell-result.ts); this module turns it
 * into the embedded engine's LoadResult, so the cell summary and the reports
 * stay the same.
 *
 * What differs from the embedded engine:
 * - k6's probe is closed-loop only (one sequential caller per VU, PROBE_VUS =
 *   the probe connections), and calls the format's own `Live`: Connect and
 *   gRPC-Web formats over HTTP/1.1 (k6/http cannot do h2c), `grpc` with
 *   k6/net/grpc, `rest-json` with `GET /.well-known/live`. `--probe-target`,
 *   `--heavy-connections`, `--heavy-window` and `--verify` do not apply.
 * - It needs k6 v0.57 or later ({@link requireK6} checks `k6 version`):
 *   k6 strips the scripts' TypeScript types by default only from v0.57.
 * - Heavy calls still running when the heavy phase ends are cut then, as
 *   the embedded engine cancels them: concurrency.ts's gracefulStop is 0
 *   (src/contract/run-limits.ts) and it counts them as `cancelled`.
 * - `workerSpread` is `{}`: k6 cannot tally `x-worker` pids (see
 *   cell-result.ts).
 * - Heavy bytes are Content-Length bodies or, for gRPC-Web and Connect
 *   streams (read whole for their trailer / end-of-stream status), the body
 *   length; for gRPC, which has neither, the bytes k6 received in the heavy
 *   scenario, headers and framing included. `responseBytes` is their mean
 *   per call.
 * - `loadgenCpuPercent` is k6's process CPU (utime + stime from
 *   /proc/<pid>/stat, polled every 500 ms; the last reading before exit
 *   counts, so up to 500 ms of CPU, mostly writing the summary, is missed)
 *   over the wall time from spawn to exit, k6's start-up included.
 * - The `/metrics` scrapes are timed from the `loopstall-start <ms>` line the
 *   script's setup() logs; without it, the server's event-loop delay is not
 *   reported for that run.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import type { Phase } from "../contract/phases.js";
import {
  describePhaseLimits,
  k6GracefulStopSeconds,
  k6VuLimits,
  minK6Version,
  phaseLimits,
} from "../contract/run-limits.js";
import type { LoadOptions, LoadResult } from "../load/load-run.js";
import { checkLocalTarget } from "../load/local-target.js";
import { projectRoot } from "../runtime/entry.js";
import { k6CellResultSchema } from "./k6-cell-schema.js";
import { expectedPhrase, issueMessage, issuePath } from "./schema-issue.js";

export interface K6EngineSettings {
  /** The k6 executable. Default `k6` (looked up on PATH). */
  command?: string;
  /** The script. Default `loadtest/concurrency.ts` (relative to `cwd`). */
  script?: string;
  /** Where k6 runs. Default the project root. */
  cwd?: string;
  /** Hard limit on one run; past it k6 is killed. Default: {@link k6RunTimeoutMs}. */
  timeoutMs?: number;
}

const cpuPollMs = 500;
/** Headroom past the phases (and concurrency.ts's gracefulStop) before k6 is killed. */
const timeoutSlackS = 60;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const clockTicksPerSecond = 100;
const killGraceMs = 10_000;
const outputTailChars = 2_000;

/** Throws a clear error for settings the k6 script cannot honour. */
export function checkK6Options(options: Pick<LoadOptions, "probe" | "heavy" | "phases">): void {
  if (options.probe.mode !== "closed") {
    throw new Error("--engine k6 runs a closed-loop probe only; leave out --probe-mode open");
  }
  for (const [name, value] of Object.entries(options.phases)) {
    if (!Number.isInteger(value)) {
      throw new Error(`--engine k6 needs whole-second phases, got ${name} ${value}`);
    }
    // The limits concurrency.ts reads its phases with (src/contract/run-limits.ts).
    const limits = phaseLimits[name as keyof typeof phaseLimits];
    if (limits && (value < limits.min || value > limits.max)) {
      throw new Error(
        `--engine k6: ${name} ${value} is outside what loadtest/concurrency.ts accepts (${describePhaseLimits()})`,
      );
    }
  }
  if (
    options.probe.connections < 1 ||
    options.probe.connections > k6VuLimits.probe ||
    options.heavy.concurrency < 1 ||
    options.heavy.concurrency > k6VuLimits.heavy
  ) {
    throw new Error(
      `--engine k6: 1 to ${k6VuLimits.probe} probe VUs and 1 to ${k6VuLimits.heavy} heavy VUs`,
    );
  }
}

/** `k6 run` arguments for one run (the script last). */
export function k6RunArgs(
  options: Pick<
    LoadOptions,
    "baseUrl" | "format" | "strategy" | "shape" | "probe" | "heavy" | "phases"
  >,
  files: { resultOut: string; timelineOut: string },
  script = "loadtest/concurrency.ts",
): string[] {
  const env: Record<string, string | number> = {
    BASE_URL: options.baseUrl.replace(/\/+$/, ""),
    GRPC_ADDR: grpcAddress(options.baseUrl),
    FORMAT: options.format,
    STRATEGY: options.strategy,
    BASELINE_SECONDS: options.phases.baselineS,
    HEAVY_SECONDS: options.phases.heavyS,
    COOLDOWN_SECONDS: options.phases.recoveryS,
    COUNT: options.shape.count,
    ACCOUNTS_PER_CLIENT: options.shape.accountsPerClient,
    FILLED_STRINGS: options.shape.filledStrings,
    PROBE_VUS: options.probe.connections,
    HEAVY_VUS: options.heavy.concurrency,
    PROBE_TIMEOUT: `${options.probe.timeoutMs}ms`,
    TIMEOUT: `${options.heavy.timeoutMs}ms`,
    RESULT_OUT: files.resultOut,
    TIMELINE_OUT: files.timelineOut,
  };
  return [
    "run",
    "--quiet",
    ...Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]),
    script,
  ];
}

/**
 * `host:port` for k6/net/grpc's dial from a base URL. The port is always
 * written out: `URL.host` drops it when it is the scheme's default, and
 * Go's dialer then fails with "missing port in address".
 */
export function grpcAddress(baseUrl: string): string {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  // IPv6 hostnames keep their brackets ("[::1]"), as the dialer wants them.
  return `${url.hostname}:${port}`;
}

/** A k6 release number, from `k6 version`. */
export interface K6Version {
  major: number;
  minor: number;
  patch: number;
  /** Everything after `vX.Y.Z` on the first line, e.g. ` (go1.24.1, linux/amd64)`. */
  rest: string;
}

/**
 * Reads `k6 version`'s output: `k6 v<semver> (<build details>, go…, os/arch)`
 * (k6's cmd/version.go prints `k6 v%s` with consts.FullVersion()),
 * possibly followed by an `Extensions:` list. Undefined if it is not that.
 */
export function parseK6Version(output: string): K6Version | undefined {
  const match = /^k6 v(\d+)\.(\d+)\.(\d+)(.*)$/m.exec(output.trim());
  if (!match) {
    return undefined;
  }
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    rest: match[4] ?? "",
  };
}

/** Throws a clear error unless `output` names a k6 of at least {@link minK6Version}. */
export function checkK6Version(output: string): K6Version {
  const min = `v${minK6Version.major}.${minK6Version.minor}.${minK6Version.patch}`;
  const version = parseK6Version(output);
  if (version === undefined) {
    const first = output.trim().split("\n")[0] ?? "";
    throw new Error(
      `--engine k6: cannot read the k6 version from \`k6 version\` (got "${first.slice(0, 200)}"); loopstall needs k6 ${min} or later`,
    );
  }
  const order = (v: { major: number; minor: number; patch: number }) =>
    v.major * 1e6 + v.minor * 1e3 + v.patch;
  // A pre-release of the minimum (v0.57.0-rc1) sorts before it, as in semver.
  const pre = /^-/.test(version.rest);
  if (order(version) < order(minK6Version) || (order(version) === order(minK6Version) && pre)) {
    throw new Error(
      `--engine k6: k6 v${version.major}.${version.minor}.${version.patch}${pre ? version.rest.split(" ")[0] : ""} is too old; loopstall's k6 scripts need k6 ${min} or later (TypeScript support by default); install a newer k6, or use the default --engine embedded`,
    );
  }
  return version;
}

/**
 * Runs `k6 version` and throws a clear error unless k6 is on PATH and at
 * least {@link minK6Version}.
 */
export async function requireK6(command = "k6"): Promise<K6Version> {
  const result = await new Promise<{ found: boolean; code: number | null; output: string }>(
    (resolve) => {
      const child = spawn(command, ["version"], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString("utf8")).slice(0, outputTailChars);
      };
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      child.once("error", () => resolve({ found: false, code: null, output }));
      child.once("close", (code) => resolve({ found: true, code, output }));
    },
  );
  if (!result.found) {
    throw new Error(
      "--engine k6: k6 is not on PATH; install k6, or use the default --engine embedded",
    );
  }
  if (result.code !== 0) {
    throw new Error(
      `--engine k6: \`k6 version\` exited with code ${result.code}: ${result.output.trim().slice(0, 500)}`,
    );
  }
  return checkK6Version(result.output);
}

/**
 * The default limit on one run: the phases, concurrency.ts's gracefulStop
 * (the shared setting in src/contract/run-limits.ts) and a minute of slack.
 */
export function k6RunTimeoutMs(phases: LoadOptions["phases"]): number {
  const runS = phases.baselineS + phases.heavyS + phases.recoveryS;
  return (runS + k6GracefulStopSeconds + timeoutSlackS) * 1000;
}

/** utime + stime (clock ticks) from the text of /proc/<pid>/stat. */
export function cpuTicksFromStat(stat: string): number | undefined {
  // The command name (field 2) is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/**
 * Runs one cell with k6 and returns what the embedded engine would:
 * `onPhase` fires from k6's start line, `onSecond` for every second once k6
 * has finished (k6 reports nothing while it runs).
 */
export async function runK6Load(
  options: LoadOptions,
  settings: K6EngineSettings = {},
): Promise<LoadResult> {
  checkLocalTarget(options.baseUrl);
  checkK6Options(options);
  const dir = await mkdtemp(join(tmpdir(), "loopstall-k6-"));
  try {
    const resultOut = join(dir, "result.json");
    const args = k6RunArgs(
      options,
      { resultOut, timelineOut: join(dir, "timeline.txt") },
      settings.script,
    );
    const { phases } = options;
    const run = await spawnK6(settings.command ?? "k6", args, {
      cwd: settings.cwd ?? projectRoot,
      timeoutMs: settings.timeoutMs ?? k6RunTimeoutMs(phases),
      ...(options.signal && { signal: options.signal }),
      onStart(startMs) {
        options.onPhase?.("baseline");
        return [
          setTimeout(
            () => options.onPhase?.("heavy"),
            startMs + phases.baselineS * 1000 - Date.now(),
          ),
          setTimeout(
            () => options.onPhase?.("recovery"),
            startMs + (phases.baselineS + phases.heavyS) * 1000 - Date.now(),
          ),
        ];
      },
    });
    let text: string;
    try {
      text = await readFile(resultOut, "utf8");
    } catch {
      throw new Error(`k6 wrote no result (${run.describe()})${run.tail()}`);
    }
    const result = parseK6Result(JSON.parse(text), run.wallMs, run.cpuTicks);
    if (options.onSecond) {
      for (const point of result.timeline) {
        const ms = point.epoch * 1000;
        const origin = (point.epoch - point.t) * 1000;
        const phase: Phase =
          ms < origin + result.phases.heavyStart * 1000
            ? "baseline"
            : ms < origin + result.phases.heavyEnd * 1000
              ? "heavy"
              : "recovery";
        options.onSecond(point, phase);
      }
    }
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface K6Run {
  wallMs: number;
  cpuTicks: number;
  describe(): string;
  /** The end of k6's output, for error messages. */
  tail(): string;
}

/**
 * Spawns k6 and resolves when it exits with 0 or 99 (thresholds crossed:
 * the probe failed more than 1% of its checks, itself a measurement), or
 * with whatever it wrote after a cancellation.
 */
function spawnK6(
  command: string,
  args: string[],
  run: {
    cwd: string;
    timeoutMs: number;
    signal?: AbortSignal;
    onStart(startMs: number): NodeJS.Timeout[];
  },
): Promise<K6Run> {
  return new Promise<K6Run>((resolve, reject) => {
    const spawnedAt = Date.now();
    const child = spawn(command, args, { cwd: run.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stderrLine = "";
    let cpuTicks = 0;
    let started = false;
    let reason: string | undefined;
    const timers: NodeJS.Timeout[] = [];
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-outputTailChars);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (started) {
        return;
      }
      stderrLine += chunk.toString("utf8");
      const match = /loopstall-start (\d+)/.exec(stderrLine);
      if (match) {
        started = true;
        timers.push(...run.onStart(Number(match[1])));
      } else {
        stderrLine = stderrLine.slice(-200);
      }
    });
    const poll = () => {
      if (child.pid === undefined) {
        return;
      }
      try {
        const ticks = cpuTicksFromStat(readFileSync(`/proc/${child.pid}/stat`, "utf8"));
        if (ticks !== undefined) {
          cpuTicks = ticks;
        }
      } catch {
        // Gone, or not Linux: keep the last reading.
      }
    };
    const cpuTimer = setInterval(poll, cpuPollMs);
    const stop = (why: string) => {
      reason ??= why;
      child.kill("SIGINT"); // k6 stops the test and still runs handleSummary.
      timers.push(setTimeout(() => child.kill("SIGKILL"), killGraceMs));
    };
    timers.push(
      setTimeout(() => {
        reason = `k6 did not finish within ${run.timeoutMs} ms`;
        child.kill("SIGKILL");
      }, run.timeoutMs),
    );
    const onAbort = () => stop("cancelled");
    run.signal?.addEventListener("abort", onAbort, { once: true });
    if (run.signal?.aborted) {
      onAbort();
    }
    const finish = () => {
      clearInterval(cpuTimer);
      for (const timer of timers) {
        clearTimeout(timer);
      }
      run.signal?.removeEventListener("abort", onAbort);
    };
    child.once("error", (error) => {
      finish();
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    // "close", not "exit": the output is complete then.
    child.once("close", (code, signal) => {
      finish();
      const describe = () =>
        `k6 exited with ${code === null ? `signal ${signal}` : `code ${code}`}${reason ? `, ${reason}` : ""}`;
      const tail = () => (output.trim() === "" ? "" : `: ${output.trim()}`);
      const ran: K6Run = { wallMs: Date.now() - spawnedAt, cpuTicks, describe, tail };
      if (reason === "cancelled" || ((code === 0 || code === 99) && reason === undefined)) {
        resolve(ran);
      } else {
        reject(new Error(`${describe()}${tail()}`));
      }
    });
    poll();
  });
}

/** Checks RESULT_OUT's JSON and turns it into a LoadResult with k6's CPU. */
export function parseK6Result(json: unknown, wallMs: number, cpuTicks: number): LoadResult {
  if (
    typeof json === "object" &&
    json !== null &&
    ((json as { kind?: unknown }).kind !== "loopstall-k6-result" ||
      (json as { version?: unknown }).version !== 1)
  ) {
    throw new Error("k6 result: not a loopstall-k6-result version 1 (is concurrency.ts current?)");
  }
  const parsed = v.safeParse(k6CellResultSchema, json, { abortEarly: true });
  if (!parsed.success) {
    const [issue] = parsed.issues;
    const where = issuePath("", issue).replace(/^\./, "") || "result";
    const what = issue.kind === "schema" ? `is not ${expectedPhrase(issue)}` : issueMessage(issue);
    throw new Error(`k6 result: ${where} ${what}`);
  }
  const r = parsed.output;
  return {
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    timeline: r.timeline,
    phases: r.phases,
    probe: r.probe,
    heavy: r.heavy,
    workerSpread: r.workerSpread,
    loadgenCpuPercent: (cpuTicks / clockTicksPerSecond / (Math.max(1, wallMs) / 1000)) * 100,
    errorSamples: r.errorSamples.slice(0, 10),
  };
}
