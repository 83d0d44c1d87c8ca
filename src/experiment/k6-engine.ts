import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Phase } from "../contract/phases.js";
import type { LoadOptions, LoadResult } from "../load/load-settings.js";
import { checkLocalTarget } from "../load/local-target.js";
import { projectRoot } from "../runtime/entry.js";
import { spawnK6 } from "./k6-process.js";
import { parseK6Result } from "./k6-result.js";
import { checkK6Options, k6RunArgs, k6RunTimeoutMs } from "./k6-run-args.js";

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
