/**
 * `loopstall k6-merge`: one result from the per-runner results of a
 * distributed k6 run (the k6-operator's TestRun, deploy/kubernetes/loadtest).
 * Each runner runs its share of concurrency.ts's VUs (the operator gives
 * each an execution segment) and prints its own handleSummary result on
 * stdout (RESULT_OUT=-); {@link extractK6Results} finds them in the runners'
 * logs and {@link mergeK6Results} adds them up.
 *
 * How they combine: the runners ran at the same time against the same
 * Service, so counts and rates add up (completions per second on the
 * timeline, by epoch second; probe completions and req/s per phase; heavy
 * completions, errors, cancelled calls, bytes and req/s). Percentiles do not
 * add up, and a runner's summary keeps no histogram: the merged p50, p99 and
 * max are the largest runner's, an upper bound of the fleet's.
 */
import { k6ResultMarker } from "../contract/k6-result-marker.js";
import type { K6CellResult, K6PhaseStats } from "./k6-cell-schema.js";
import { checkK6CellResult } from "./k6-result.js";

/** Bounds on what k6-merge reads. */
export const k6MergeLimits = {
  /** runner results in one merge */
  maxRunners: 1_000,
  /** bytes of one input file */
  maxFileBytes: 64 * 1024 * 1024,
} as const;

/**
 * The results in one input: a RESULT_OUT file (the JSON itself) or a log
 * holding marker lines (`kubectl logs` of one runner, or of all of them with
 * or without `--prefix`). `source` names the input in errors.
 */
export function extractK6Results(text: string, source: string): K6CellResult[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    return [checkK6CellResult(parseJson(trimmed, source), source)];
  }
  const results: K6CellResult[] = [];
  text.split("\n").forEach((line, index) => {
    const at = line.indexOf(k6ResultMarker);
    if (at < 0) {
      return;
    }
    const where = `${source}:${index + 1}`;
    const json = parseJson(line.slice(at + k6ResultMarker.length), where);
    results.push(checkK6CellResult(json, where));
  });
  if (results.length === 0) {
    throw new Error(
      `${source}: no "${k6ResultMarker.trim()}" line; did the runners run with RESULT_OUT=- (deploy/kubernetes/loadtest)?`,
    );
  }
  return results;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${where}: not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

export interface MergedK6Result {
  /** The fleet's result, in the runners' own schema. */
  result: K6CellResult;
  runners: number;
  /** Latest start minus earliest start of the runners' setup(), ms. */
  startSkewMs: number;
}

/** Adds up the runners' results; they must share a format, strategy and phase lengths. */
export function mergeK6Results(results: readonly K6CellResult[]): MergedK6Result {
  const [first] = results;
  if (first === undefined) {
    throw new Error("no runner result to merge");
  }
  if (results.length > k6MergeLimits.maxRunners) {
    throw new Error(
      `${results.length} runner results, over the limit of ${k6MergeLimits.maxRunners}`,
    );
  }
  const heavyLength = first.phases.heavyEnd - first.phases.heavyStart;
  results.forEach((r, i) => {
    if (r.format !== first.format || r.strategy !== first.strategy) {
      throw new Error(
        `runner ${i + 1} ran ${r.format} ${r.strategy}, runner 1 ${first.format} ${first.strategy}: merge one TestRun at a time`,
      );
    }
    if (Math.abs(r.phases.heavyEnd - r.phases.heavyStart - heavyLength) > 1) {
      throw new Error(`runner ${i + 1}'s heavy phase differs in length from runner 1's`);
    }
  });
  const startedAt = Math.min(...results.map((r) => r.startedAt));
  const origin = Math.floor(startedAt / 1000);
  const byEpoch = new Map<number, { probe: number; heavy: number }>();
  for (const r of results) {
    for (const point of r.timeline) {
      const sum = byEpoch.get(point.epoch) ?? { probe: 0, heavy: 0 };
      sum.probe += point.probe;
      sum.heavy += point.heavy;
      byEpoch.set(point.epoch, sum);
    }
  }
  const timeline = [...byEpoch.entries()]
    .sort(([a], [b]) => a - b)
    .map(([epoch, sum]) => ({ t: epoch - origin, epoch, ...sum }));
  // Each runner's phase bounds on the merged t axis: the heavy phase is where any ran it.
  const shifted = results.map((r) => Math.floor(r.startedAt / 1000) - origin);
  const heavyStart = Math.min(...results.map((r, i) => r.phases.heavyStart + (shifted[i] ?? 0)));
  const heavyEnd = Math.max(...results.map((r, i) => r.phases.heavyEnd + (shifted[i] ?? 0)));
  const sum = (pick: (r: K6CellResult) => number) => results.reduce((s, r) => s + pick(r), 0);
  const max = (pick: (r: K6CellResult) => number) => Math.max(...results.map(pick));
  const phase = (pick: (r: K6CellResult) => K6PhaseStats): K6PhaseStats => ({
    completed: sum((r) => pick(r).completed),
    rps: sum((r) => pick(r).rps),
    p50Ms: max((r) => pick(r).p50Ms),
    p99Ms: max((r) => pick(r).p99Ms),
    maxMs: max((r) => pick(r).maxMs),
  });
  const completed = sum((r) => r.heavy.completed);
  const totalBytes = sum((r) => r.heavy.totalBytes);
  return {
    runners: results.length,
    startSkewMs: max((r) => r.startedAt) - startedAt,
    result: {
      kind: "loopstall-k6-result",
      version: 1,
      format: first.format,
      strategy: first.strategy,
      startedAt,
      endedAt: max((r) => r.endedAt),
      timeline,
      phases: { heavyStart, heavyEnd },
      probe: {
        baseline: phase((r) => r.probe.baseline),
        heavy: phase((r) => r.probe.heavy),
        recovery: phase((r) => r.probe.recovery),
        errors: sum((r) => r.probe.errors),
      },
      heavy: {
        completed,
        errors: sum((r) => r.heavy.errors),
        cancelled: sum((r) => r.heavy.cancelled),
        responseBytes: completed > 0 ? Math.round(totalBytes / completed) : 0,
        totalBytes,
        rps: sum((r) => r.heavy.rps),
        mbPerS: sum((r) => r.heavy.mbPerS),
      },
      workerSpread: {},
      errorSamples: results.flatMap((r) => r.errorSamples).slice(0, 100),
    },
  };
}

/** The merged run for a reader: the seed's timeline, then the phase figures. */
export function formatMerged(merged: MergedK6Result): string {
  const r = merged.result;
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const retention = r.probe.baseline.rps > 0 ? r.probe.heavy.rps / r.probe.baseline.rps : 0;
  const lines = [
    `# ${r.format} ${r.strategy}: ${merged.runners} runner(s), starts ${merged.startSkewMs} ms apart; <epoch> <probe> <heavy>`,
    ...r.timeline.map((p) => `${p.epoch} ${p.probe} ${p.heavy}`),
    `probe req/s: baseline ${r.probe.baseline.rps.toFixed(1)}, heavy ${r.probe.heavy.rps.toFixed(1)}, recovery ${r.probe.recovery.rps.toFixed(1)}; retention ${(retention * 100).toFixed(1)}%`,
    `probe p99 (the largest runner's): baseline ${ms(r.probe.baseline.p99Ms)}, heavy ${ms(r.probe.heavy.p99Ms)}, recovery ${ms(r.probe.recovery.p99Ms)}; errors ${r.probe.errors}`,
    `heavy: ${r.heavy.completed} completed (${r.heavy.rps.toFixed(2)} req/s, ${r.heavy.mbPerS.toFixed(1)} MB/s), ${r.heavy.errors} errors, ${r.heavy.cancelled} cancelled`,
  ];
  return `${lines.join("\n")}\n`;
}
