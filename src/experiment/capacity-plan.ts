/**
 * `loopstall plan`'s model: from one experiment summary, how many pods (one
 * process each, WORKERS=1) serve a target heavy request rate, and whether a
 * Kubernetes liveness probe still passes at that load. Pure functions; the
 * command (plan-cli.ts) reads the summary and prints {@link formatPlan}.
 *
 * The model, printed with every plan ({@link planAssumptions}):
 * - Linear scaling per pod: a pod serves what one measured process served,
 *   `heavy.rps ÷ workers` of the cell, and N pods serve N times that.
 * - One heavy stream per event loop: an event loop works through its heavy
 *   responses one at a time, so a pod's heavy capacity is that per-process
 *   rate whatever the concurrency, and the probe's latency at full heavy
 *   load is the cell's measured p99 during the heavy phase.
 * - A probe is judged by that p99 (the worst repeat's) against the probe
 *   timeout (and as over it when measuring probes timed out at no more than
 *   that timeout, which cut their latency short): under it, fewer
 *   than 1% of probes time out and the kubelet, which needs
 *   `failureThreshold` consecutive failures, keeps the pod. Over it, the
 *   loop is blocked a share b = u × (1 − retention) of the time (u: the
 *   pods' utilization at the target rate; 1 − retention: the share of the
 *   probe's throughput the heavy load took at full load), in stalls of S =
 *   (1 − retention) ÷ the per-pod heavy rate (the blocked time per heavy
 *   response), at least the p99. A probe arriving at a random moment fails
 *   when more than the timeout T of its stall remains: q = b × (S − T) ÷ S
 *   (or u × the share of measuring probes that timed out, when that is more).
 *   Probes fail independently, and the kubelet restarts a pod after
 *   k = failureThreshold failures in a row: on average once every
 *   period ÷ q^k seconds.
 */
import type { Source } from "../contract/wire.js";
import type { CellSummary, ExperimentSummary } from "./summary-schema.js";

/** What to plan for, and the liveness probe to judge. */
export interface PlanOptions {
  /** Heavy requests per second the fleet must serve. */
  heavyRps: number;
  /** The probe's periodSeconds. */
  probePeriodS: number;
  /** The probe's timeoutSeconds. */
  probeTimeoutS: number;
  /** The probe's failureThreshold: consecutive failures before a restart. Default 3, Kubernetes' own. */
  failureThreshold: number;
}

export type LivenessVerdict =
  /** The measured p99 during heavy load is under the probe timeout. */
  | "passes"
  /** Over the timeout, but restarts are rarer than once a day per pod. */
  | "rarely fails"
  /** Over the timeout, and the kubelet is expected to restart pods at least daily. */
  | "fails";

export interface CellPlan {
  format: CellSummary["format"];
  workers: number;
  strategy: CellSummary["strategy"];
  /** Where the cell's data came from (`build` for summaries from before the source knob). */
  source: Source;
  /** Heavy req/s one process served: the cell's heavy.rps ÷ workers. */
  perPodRps: number;
  /** Pods for the target rate; null when the cell served no heavy request. */
  pods: number | null;
  /** Target rate ÷ (pods × perPodRps): how busy each pod's heavy path is. */
  utilization: number | null;
  /** The worst repeat's probe p99 during heavy load, ms. */
  probeP99DuringMs: number;
  /** That p99 ÷ the probe timeout: at 1 or more the probe fails. */
  timeoutShare: number;
  retention: number;
  /** The loop's blocked time per heavy response, s: (1 − retention) ÷ perPodRps, at least the p99. */
  stallS: number | null;
  /** Probability that one probe times out at this load (0 when it passes). */
  probeFailure: number | null;
  /** Expected seconds between kubelet restarts of one pod; null when none are expected. */
  secondsBetweenRestarts: number | null;
  verdict: LivenessVerdict | null;
  /** Why there is no plan for this cell, when pods is null. */
  note?: string;
}

const secondsPerDay = 86_400;

/** The model's assumptions, as printed next to the plan. */
export function planAssumptions(options: PlanOptions): string[] {
  return [
    "linear scaling per pod: a pod serves what one measured process served (heavy req/s ÷ workers), N pods N times that",
    "one heavy stream per event loop: a pod works through its heavy responses one at a time, so the probe sees the cell's measured p99 during heavy load (the worst repeat's)",
    "the kubelet's probe opens a new connection each period, which takes more loop turns than the measured probe's kept-alive calls: read a p99 near the timeout as a failure",
    `a probe passes when that p99 is under the timeout (${options.probeTimeoutS} s) and no measuring probe timed out at a shorter timeout; over it, the loop is blocked a share b = utilization × (1 − retention) of the time, in stalls of S = (1 − retention) ÷ (heavy req/s per pod), at least the p99, and a probe fails when more than the timeout of its stall remains: q = b × (S − timeout) ÷ S (at least utilization × the share of measuring probes that timed out), independently; the kubelet restarts a pod after ${options.failureThreshold} failures in a row (every ${options.probePeriodS} s ÷ q^${options.failureThreshold} on average)`,
    "pods run WORKERS=1 on as many cores as the measured process had; the run's cores and load generator are the measurement's, not your cluster's",
  ];
}

/** What the plan needs of the run's settings. */
export interface MeasuringRun {
  /** The measuring probe's own timeout (settings.probe.timeoutMs). */
  probeTimeoutMs: number;
  /** Seconds of heavy load per repeat (settings.phases.heavyS). */
  heavyS: number;
}

/**
 * Plans one cell. When the measuring probe's timeout is no longer than the
 * liveness timeout and probes failed, those calls were cut before their
 * latency could count: the p99 understates the stall, so the cell is judged
 * as over the timeout, and the share of probe calls that failed at full load
 * is a floor under q.
 */
export function planCell(
  cell: CellSummary,
  options: PlanOptions,
  run: MeasuringRun = { probeTimeoutMs: Number.POSITIVE_INFINITY, heavyS: 0 },
): CellPlan {
  const perPodRps = cell.heavy.rps / cell.workers;
  const p99 = Math.max(cell.probe.p99DuringMs, cell.probe.stats.p99DuringMs.max);
  const base = {
    format: cell.format,
    workers: cell.workers,
    strategy: cell.strategy,
    source: cell.source ?? "build",
    perPodRps,
    probeP99DuringMs: p99,
    timeoutShare: p99 / (options.probeTimeoutS * 1000),
    retention: cell.probe.retention,
  };
  if (!(perPodRps > 0)) {
    return {
      ...base,
      pods: null,
      utilization: null,
      stallS: null,
      probeFailure: null,
      secondsBetweenRestarts: null,
      verdict: null,
      note: "no heavy request completed in this cell, so there is no rate to scale",
    };
  }
  const pods = Math.max(1, Math.ceil(options.heavyRps / perPodRps - 1e-9));
  const utilization = options.heavyRps / (pods * perPodRps);
  const probesCut = cell.probe.errors > 0 && run.probeTimeoutMs <= options.probeTimeoutS * 1000;
  if (base.timeoutShare < 1 && !probesCut) {
    return {
      ...base,
      pods,
      utilization,
      stallS: null,
      probeFailure: 0,
      secondsBetweenRestarts: null,
      verdict: "passes",
    };
  }
  const blocked = Math.min(1, Math.max(0, 1 - cell.probe.retention));
  const timeoutS = options.probeTimeoutS;
  const stallS = Math.max(blocked / perPodRps, p99 / 1000);
  const modelled = blocked * Math.max(0, (stallS - timeoutS) / stallS);
  const calls = cell.probe.errors + cell.probe.duringRps * run.heavyS * cell.repeats;
  const cutShare = probesCut && calls > 0 ? cell.probe.errors / calls : 0;
  const q = Math.min(1, utilization * Math.max(modelled, cutShare));
  const restartPerProbe = q ** options.failureThreshold;
  const secondsBetweenRestarts =
    restartPerProbe > 0 ? options.probePeriodS / restartPerProbe : null;
  const verdict: LivenessVerdict =
    secondsBetweenRestarts !== null && secondsBetweenRestarts <= secondsPerDay
      ? "fails"
      : "rarely fails";
  return { ...base, pods, utilization, stallS, probeFailure: q, secondsBetweenRestarts, verdict };
}

/** Plans every cell of a summary, in the summary's order. */
export function planSummary(summary: ExperimentSummary, options: PlanOptions): CellPlan[] {
  const run = {
    probeTimeoutMs: summary.settings.probe.timeoutMs,
    heavyS: summary.settings.phases.heavyS,
  };
  return summary.cells.map((cell) => planCell(cell, options, run));
}

/** The plan as text: what was measured, the assumptions, then one row per cell. */
export function formatPlan(
  summary: ExperimentSummary,
  plans: CellPlan[],
  options: PlanOptions,
): string {
  const env = summary.environment;
  const lines = [
    `# capacity plan for ${formatNumber(options.heavyRps)} heavy req/s; liveness probe every ${options.probePeriodS} s, timeout ${options.probeTimeoutS} s, failureThreshold ${options.failureThreshold}`,
    `# measured: ${summary.startedAt}, Node ${env.node}, ${env.cpus} cores (${env.availableParallelism} available), engine ${summary.settings.engine}, ${summary.settings.repeats} repeat(s) a cell, heavy concurrency ${summary.settings.heavy.concurrency}, ${summary.settings.heavy.shape.count} clients a response`,
    "# assumptions:",
    ...planAssumptions(options).map((a) => `#   - ${a}`),
    "",
  ];
  // The source column appears only when it tells rows apart (a run with `memory` cells).
  const bySource = plans.some((p) => p.source !== "build");
  const header = [
    "format",
    "workers",
    "strategy",
    ...(bySource ? ["source"] : []),
    "heavy req/s per pod",
    "pods",
    "utilization",
    "probe p99 during heavy",
    "p99 / timeout",
    "retention",
    "liveness",
  ];
  const rows = plans.map((p) => [
    p.format,
    String(p.workers),
    p.strategy,
    ...(bySource ? [p.source] : []),
    formatNumber(p.perPodRps),
    p.pods === null ? "-" : String(p.pods),
    p.utilization === null ? "-" : `${Math.round(p.utilization * 100)}%`,
    `${formatNumber(p.probeP99DuringMs)} ms`,
    `${Math.round(p.timeoutShare * 100)}%`,
    `${formatNumber(p.retention * 100)}%`,
    describeVerdict(p),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  lines.push(line(header).trimEnd(), ...rows.map((r) => line(r).trimEnd()));
  if (plans.some((p) => p.workers > 1)) {
    lines.push(
      "",
      "# cells with workers > 1 were measured as several processes sharing the run's cores; a pod runs one (WORKERS=1), so prefer the workers = 1 rows",
    );
  }
  return `${lines.join("\n")}\n`;
}

function describeVerdict(p: CellPlan): string {
  if (p.verdict === null) {
    return p.note ?? "-";
  }
  if (p.verdict === "passes") {
    return "passes";
  }
  const q = `${formatNumber((p.probeFailure ?? 0) * 100)}% of probes fail in ${formatNumber(p.stallS ?? 0)} s stalls`;
  if (p.secondsBetweenRestarts === null) {
    return `${p.verdict} (${q}, no restarts expected)`;
  }
  return `${p.verdict} (${q}; a restart every ${formatDuration(p.secondsBetweenRestarts)} per pod)`;
}

function formatNumber(n: number): string {
  if (n >= 100) {
    return Math.round(n).toLocaleString("en-US");
  }
  if (n >= 10) {
    return n.toFixed(1);
  }
  return n.toFixed(2);
}

function formatDuration(s: number): string {
  if (s < 120) {
    return `${formatNumber(s)} s`;
  }
  if (s < 7_200) {
    return `${formatNumber(s / 60)} min`;
  }
  if (s < 2 * secondsPerDay) {
    return `${formatNumber(s / 3_600)} h`;
  }
  return `${formatNumber(s / secondsPerDay)} days`;
}
