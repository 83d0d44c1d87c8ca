import { readFile } from "node:fs/promises";
import { arch, availableParallelism, cpus, platform } from "node:os";
import { join } from "node:path";
import { defaultShape, type ResolvedShape } from "../contract/shape.js";
import { type Format, formats, type Source, type Strategy, strategies } from "../contract/wire.js";
import { type Launcher, startServerProcess } from "../launcher/server-process.js";
import { defaultKubeletSettings, type KubeletSettings } from "../load/kubelet.js";
import { runLoad } from "../load/load-run.js";
import {
  defaultHeavySettings,
  defaultPhaseSettings,
  defaultProbeSettings,
  type HeavySettings,
  type LoadOptions,
  type LoadPhase,
  type LoadResult,
  type PhaseSettings,
  type ProbeSettings,
} from "../load/load-settings.js";
import { rawGet } from "../load/raw-client.js";
import { formatTimelineLine } from "../load/timeline.js";
import { projectRoot } from "../runtime/entry.js";
import { type RepeatResult, retentionOf, summarizeCell } from "./cell-summary.js";
import { type Pinning, pinThisProcess, planPinning } from "./cpu-pinning.js";
import { type MatrixCell, matrixCells, quickCell, warmUpPath } from "./experiment-matrix.js";
import { runK6Load } from "./k6-engine.js";
import { checkK6Options } from "./k6-run-args.js";
import { requireK6 } from "./k6-version.js";
import { type LoopCostSnapshot, loopCostOf, scrapeLoopCost } from "./loop-cost-scrape.js";
import { type DelaySnapshot, delayQuantileMs, scrapeDelay } from "./metrics-scrape.js";
import type { PeersResults } from "./report-peers.js";
import { writeReports } from "./report-writer.js";
import type { CellSummary, ExperimentSummary } from "./summary-schema.js";

export interface ExperimentOptions {
  /** Formats of the heavy request. Default all five (quick: connect-proto, connect-json). */
  formats: Format[];
  /** Server worker counts. Default 1 and 2. */
  workers: number[];
  /** Server strategies. Default all. */
  strategies: Strategy[];
  /** Data sources (the server's `SOURCE`). Default build and memory. */
  sources: Source[];
  /** Keeps only the cells it accepts; the quick preset sets one when no axis is given. */
  cellFilter?: (cell: MatrixCell) => boolean;
  /** Runs per cell. Default 3 (quick: 1). */
  repeats: number;
  /** Whether the quick preset chose the defaults (recorded in the summary). */
  quick: boolean;
  /** Load engine. Default `embedded`; `k6` needs k6 on PATH. */
  engine: "embedded" | "k6";
  /** How the server is started. Default `cluster`. */
  launcher: Launcher;
  /** The probe; its `connections` default to max(4, 2 × the most workers). */
  probe: ProbeSettings;
  heavy: HeavySettings;
  phases: PhaseSettings;
  /** The heavy response's shape. Default 40,000 clients, 1 account each, 3 strings set. */
  shape: ResolvedShape;
  /** Output directory. Default `results/<timestamp>/`. */
  outDir: string;
  /** Also print the server's output (each run's timeline is always printed). Default false. */
  verbose: boolean;
  /** `npm run bench:peers` results to show beside the cells (`--peers`). Default none. */
  peers?: PeersResults;
  /** The kubelet probes simulated from each run's probe calls. Default: Kubernetes' defaults. */
  kubelet?: KubeletSettings;
  /** Run the server and the load generator on disjoint CPUs (`--pin`). Default false. */
  pin?: boolean;
  /**
   * Load this already-running server instead of starting one per run
   * (`--target`); its workers and strategy are its own, and `/metrics` is
   * read only if it answers. Default: none.
   */
  target?: string;
}

/** Where the experiment reports progress. */
export interface ExperimentIo {
  log(line: string): void;
  /** Cancels the run; the cells finished so far are still written. */
  signal?: AbortSignal;
}

/**
 * The `--quick` preset: 2 formats, 1 repeat, phases 2 s / 4 s / 2 s, and
 * (when no axis is given) the cells of {@link quickCell}: `build` × 1 and 2
 * workers × inline, offload, stream, fast, and `memory` × 1 worker × inline,
 * offload-clone, offload-replica, slice. About 24 runs of ~10 s (server
 * start included), so about 4–5 minutes on 2 cores.
 */
export const quickPreset = {
  formats: ["connect-proto", "connect-json"] as Format[],
  repeats: 1,
  phases: { baselineS: 2, heavyS: 4, recoveryS: 2 },
  cellFilter: quickCell,
};

/** The experiment's defaults (the full matrix). */
export function defaultExperimentOptions(): ExperimentOptions {
  return {
    formats: [...formats],
    workers: [1, 2],
    strategies: [...strategies],
    sources: ["build", "memory"],
    repeats: 3,
    quick: false,
    engine: "embedded",
    launcher: "cluster",
    probe: { ...defaultProbeSettings },
    heavy: { ...defaultHeavySettings },
    phases: { ...defaultPhaseSettings },
    shape: { ...defaultShape },
    outDir: join(projectRoot, "results", new Date().toISOString().replace(/[:.]/g, "-")),
    verbose: false,
  };
}

/**
 * Runs the matrix and writes summary.json, report.md and report.html to
 * `outDir`. A failed run is logged and left out; `failures` counts them.
 */
export async function runExperiment(
  options: ExperimentOptions,
  io: ExperimentIo,
): Promise<{ summary: ExperimentSummary; outDir: string; failures: number }> {
  await checkEngine(options);
  const pinning = options.pin ? planPinning() : undefined;
  if (pinning !== undefined) {
    pinThisProcess(pinning.loadgenCpus);
    io.log(
      `pinned: server on CPUs ${pinning.serverCpus}, load generator on CPUs ${pinning.loadgenCpus}`,
    );
  }
  const startedAt = new Date();
  const cells: CellSummary[] = [];
  const matrix = matrixCells(options);
  const runs = matrix.length * options.repeats;
  let run = 0;
  let failures = 0;
  for (const cell of matrix) {
    const repeats: RepeatResult[] = [];
    for (let repeat = 1; repeat <= options.repeats; repeat++) {
      if (io.signal?.aborted) {
        break;
      }
      run++;
      const label = `[${run}/${runs}] ${cell.format} workers=${cell.workers} strategy=${cell.strategy} source=${cell.source} repeat ${repeat}/${options.repeats}`;
      io.log(`${label}: starting`);
      try {
        const result = await runRepeat(options, cell, io, pinning);
        repeats.push(result);
        io.log(`${label}: ${describeRepeat(result)}`);
      } catch (error) {
        // One broken run (a server that won't start, a crashed thread) must
        // not lose the rest of the matrix: report it and go on.
        failures++;
        io.log(`${label}: failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (repeats.length > 0) {
      cells.push(summarizeCell(cell, repeats));
    }
    if (io.signal?.aborted) {
      io.log("cancelled: writing the cells finished so far");
      break;
    }
  }
  const summary = await buildSummary(options, startedAt, cells, pinning);
  await writeReports(summary, options.outDir, options.peers);
  return { summary, outDir: options.outDir, failures };
}

async function runRepeat(
  options: ExperimentOptions,
  cell: MatrixCell,
  io: ExperimentIo,
  pinning: Pinning | undefined,
): Promise<RepeatResult> {
  const server =
    options.target !== undefined
      ? externalServer(options.target)
      : await startServerProcess({
          launcher: options.launcher,
          workers: cell.workers,
          ...(pinning && { cpus: pinning.serverCpus }),
          env: {
            STRATEGY: cell.strategy,
            SOURCE: cell.source,
            // Heavy calls cancelled at the end of a run may still be encoding; don't wait long for them.
            SHUTDOWN_TIMEOUT_MS: "3000",
          },
          ...(options.verbose && { onOutput: (line: string) => io.log(`  server: ${line}`) }),
        });
  try {
    if (cell.source === "memory") {
      await warmUp(server.baseUrl, cell, options);
    }
    let before: Promise<DelaySnapshot | undefined> | undefined;
    let after: Promise<DelaySnapshot | undefined> | undefined;
    const costs: Partial<Record<LoadPhase, Promise<LoopCostSnapshot | undefined>>> = {};
    let shownPhase: LoadPhase | undefined;
    const loadOptions: LoadOptions = {
      baseUrl: server.baseUrl,
      format: cell.format,
      strategy: cell.strategy,
      shape: options.shape,
      probe: options.probe,
      heavy: options.heavy,
      // k6 runs no warm-up (the script's phases are fixed); the summary says so.
      phases: options.engine === "k6" ? withoutWarmup(options.phases) : options.phases,
      ...(options.kubelet && { kubelet: options.kubelet }),
      workers: cell.workers,
      onPlacement: (description) => io.log(`  # placement: ${description}`),
      ...(io.signal && { signal: io.signal }),
      onPhase(phase) {
        costs[phase] = scrapeLoopCost(server.baseUrl);
        // Scrape at the heavy phase's edges; the diff is the phase's delays.
        if (phase === "heavy") {
          before = scrapeDelay(server.baseUrl);
        } else if (phase === "recovery") {
          after = scrapeDelay(server.baseUrl);
        }
      },
      // The seed's per-second timeline, each row under the phase it lies in.
      onSecond(point, phase) {
        if (phase !== shownPhase) {
          shownPhase = phase;
          io.log(`  # ${phase}`);
        }
        io.log(`  ${formatTimelineLine(point)}`);
      },
    };
    const load: LoadResult =
      options.engine === "k6" ? await runK6Load(loadOptions) : await runLoad(loadOptions);
    const [b, a] = await Promise.all([before, after]);
    let p99: number | null = null;
    let max: number | null = null;
    if (a !== undefined) {
      const quantiles = [...delayQuantileMs(b, a, 0.99).values()];
      p99 = quantiles.length > 0 ? Math.max(...quantiles) : null;
      const maxes = [...a.maxSeconds.values()];
      max = maxes.length > 0 ? Math.max(...maxes) * 1000 : null;
    }
    const [baselineCost, heavyCost, recoveryCost] = await Promise.all([
      costs.baseline,
      costs.heavy,
      costs.recovery,
    ]);
    const loopCost =
      heavyCost === undefined || recoveryCost === undefined
        ? null
        : loopCostOf(baselineCost, heavyCost, recoveryCost);
    return { load, eventLoopDelayP99Ms: p99, eventLoopDelayMaxMs: max, loopCost };
  } finally {
    await server.stop();
  }
}

/**
 * Fills a `memory` cell's caches before its load, so its heavy phase serves
 * data already in memory rather than building it once: two requests per
 * worker, each on its own connection (node:cluster spreads connections), so
 * each worker's cache and, for offload-replica, its pool thread's replica
 * is filled.
 */
async function warmUp(
  baseUrl: string,
  cell: MatrixCell,
  options: ExperimentOptions,
): Promise<void> {
  for (let i = 0; i < 2 * cell.workers; i++) {
    const res = await rawGet(`${baseUrl}${warmUpPath(cell, options.shape)}`, {
      timeoutMs: 60_000,
      maxBytes: 512 * 1024 * 1024,
    });
    if (res.status !== 200) {
      throw new Error(`warm-up of the memory source answered ${res.status}`);
    }
  }
}

function describeRepeat(r: RepeatResult): string {
  const { probe, heavy } = r.load;
  const pct = (retentionOf(r.load) * 100).toFixed(0);
  const loop =
    r.eventLoopDelayP99Ms === null ? "" : `, loop delay p99 ${r.eventLoopDelayP99Ms.toFixed(0)} ms`;
  const cost =
    r.loopCost === null || r.loopCost === undefined
      ? ""
      : `, main thread ${r.loopCost.mainThreadMsPerHeavy?.toFixed(0) ?? "n/a"} ms/response, longest block ≤${r.loopCost.longestBlockMs?.toFixed(0) ?? "n/a"} ms`;
  return (
    `probe ${probe.baseline.rps.toFixed(0)} → ${probe.heavy.rps.toFixed(0)} req/s (${pct}%), ` +
    `p99 ${probe.baseline.p99Ms.toFixed(1)} → ${probe.heavy.p99Ms.toFixed(1)} ms, ` +
    `heavy ${heavy.rps.toFixed(2)} req/s ${heavy.mbPerS.toFixed(1)} MB/s` +
    `${heavy.errors > 0 ? ` (${heavy.errors} errors)` : ""}${loop}${cost}`
  );
}

/** How cells with more than one worker place their heavy connections (src/load/connection-placement.ts). */
const placementPlanText =
  "with 2 or more workers, each heavy connection asks which worker serves it (x-worker of a Live call) and is re-opened until the heavy connections are spread evenly, at most ⌈connections ÷ workers⌉ per worker: node:cluster's round-robin alone is not deterministic, because the probe's connections, opened at the same moment, interleave with them";

/** A server the experiment did not start: nothing to stop. */
function externalServer(baseUrl: string): { baseUrl: string; stop(): Promise<void> } {
  return { baseUrl: baseUrl.replace(/\/+$/, ""), stop: async () => {} };
}

function withoutWarmup(phases: PhaseSettings): PhaseSettings {
  const { warmupS: _, ...rest } = phases;
  return rest;
}

async function buildSummary(
  options: ExperimentOptions,
  startedAt: Date,
  cells: CellSummary[],
  pinning: Pinning | undefined,
): Promise<ExperimentSummary> {
  const pkg = JSON.parse(await readFile(join(projectRoot, "package.json"), "utf8")) as {
    version?: string;
  };
  return {
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      platform: platform(),
      arch: arch(),
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      availableParallelism: availableParallelism(),
      loopstallVersion: pkg.version ?? "unknown",
    },
    settings: {
      engine: options.engine,
      launcher: options.launcher,
      repeats: options.repeats,
      quick: options.quick,
      probe: {
        mode: options.probe.mode,
        connections: options.probe.connections,
        rate: options.probe.mode === "open" ? options.probe.rate : null,
        timeoutMs: options.probe.timeoutMs,
      },
      heavy: {
        concurrency: options.heavy.concurrency,
        connections: options.heavy.connections,
        shape: options.shape,
      },
      phases: {
        ...withoutWarmup(options.phases),
        warmupS: options.engine === "k6" ? 0 : (options.phases.warmupS ?? 0),
      },
      matrix: {
        formats: options.formats,
        workers: options.workers,
        strategies: options.strategies,
        sources: options.sources,
      },
      kubernetes: options.kubelet ?? defaultKubeletSettings,
      pinning: pinning ?? null,
      placementPlan: options.workers.some((w) => w > 1) ? placementPlanText : null,
      target: options.target ?? null,
    },
    cells,
  };
}

/** Throws a clear error unless the chosen engine can run these options (k6: on PATH, closed probe). */
export async function checkEngine(
  options: Pick<ExperimentOptions, "engine" | "probe" | "heavy" | "phases">,
): Promise<void> {
  if (options.engine === "k6") {
    checkK6Options({ ...options, phases: withoutWarmup(options.phases) });
    await requireK6();
  }
}
