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
 * - Heavy calls still running when the heavy phase ends finish (k6's
 *   gracefulStop) instead of being cancelled.
 * - `workerSpread` is `{}`: k6 cannot tally `x-worker` pids (see
 *   cell-result.ts).
 * - Heavy bytes are Content-Length bodies, or, where responses have none
 *   (gRPC, streams), the bytes k6 received in the heavy scenario, headers
 *   and framing included; `responseBytes` is their mean per call.
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
import type { LoadOptions, LoadResult, Phase, PhaseStats } from "../load/load-run.js";
import { checkLocalTarget } from "../load/local-target.js";
import { projectRoot } from "./server-process.js";

export interface K6EngineSettings {
  /** The k6 executable. Default `k6` (looked up on PATH). */
  command?: string;
  /** The script. Default `loadtest/concurrency.ts` (relative to `cwd`). */
  script?: string;
  /** Where k6 runs. Default the project root. */
  cwd?: string;
  /** Hard limit on one run; past it k6 is killed. Default: the phases + 120 s. */
  timeoutMs?: number;
}

/** The heavy scenario's gracefulStop in concurrency.ts. */
const gracefulStopS = 60;
const cpuPollMs = 500;
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
  }
  if (options.probe.connections > 1_000 || options.heavy.concurrency > 100) {
    throw new Error("--engine k6: at most 1,000 probe VUs and 100 heavy VUs");
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
  const url = new URL(options.baseUrl);
  const env: Record<string, string | number> = {
    BASE_URL: options.baseUrl.replace(/\/+$/, ""),
    GRPC_ADDR: url.host,
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
      timeoutMs:
        settings.timeoutMs ??
        (phases.baselineS + phases.heavyS + phases.recoveryS + gracefulStopS + 60) * 1000,
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
  const r = object(json, "result");
  if (r.kind !== "loopstall-k6-result" || r.version !== 1) {
    throw new Error("k6 result: not a loopstall-k6-result version 1 (is concurrency.ts current?)");
  }
  const probe = object(r.probe, "probe");
  const heavy = object(r.heavy, "heavy");
  const phases = object(r.phases, "phases");
  const phaseStats = (name: string): PhaseStats => {
    const p = object(probe[name], `probe.${name}`);
    const n = (key: string) => number(p[key], `probe.${name}.${key}`);
    return {
      completed: n("completed"),
      rps: n("rps"),
      p50Ms: n("p50Ms"),
      p99Ms: n("p99Ms"),
      maxMs: n("maxMs"),
    };
  };
  const h = (key: string) => number(heavy[key], `heavy.${key}`);
  if (!Array.isArray(r.timeline)) {
    throw new Error("k6 result: timeline is not an array");
  }
  const spread = object(r.workerSpread, "workerSpread");
  return {
    startedAt: number(r.startedAt, "startedAt"),
    endedAt: number(r.endedAt, "endedAt"),
    timeline: r.timeline.map((value: unknown, i: number) => {
      const p = object(value, `timeline[${i}]`);
      const n = (key: string) => number(p[key], `timeline[${i}].${key}`);
      return { t: n("t"), epoch: n("epoch"), probe: n("probe"), heavy: n("heavy") };
    }),
    phases: {
      heavyStart: number(phases.heavyStart, "phases.heavyStart"),
      heavyEnd: number(phases.heavyEnd, "phases.heavyEnd"),
    },
    probe: {
      baseline: phaseStats("baseline"),
      heavy: phaseStats("heavy"),
      recovery: phaseStats("recovery"),
      errors: number(probe.errors, "probe.errors"),
    },
    heavy: {
      completed: h("completed"),
      errors: h("errors"),
      cancelled: h("cancelled"),
      responseBytes: h("responseBytes"),
      totalBytes: h("totalBytes"),
      rps: h("rps"),
      mbPerS: h("mbPerS"),
    },
    workerSpread: Object.fromEntries(
      Object.entries(spread).map(([worker, n]) => [worker, number(n, `workerSpread.${worker}`)]),
    ),
    loadgenCpuPercent: (cpuTicks / clockTicksPerSecond / (Math.max(1, wallMs) / 1000)) * 100,
    errorSamples: Array.isArray(r.errorSamples)
      ? r.errorSamples.filter((s: unknown): s is string => typeof s === "string").slice(0, 10)
      : [],
  };
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`k6 result: ${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

function number(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`k6 result: ${what} is not a number`);
  }
  return value;
}
