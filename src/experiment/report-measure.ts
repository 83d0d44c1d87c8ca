/**
 * The report's section on how far each cell's numbers can be trusted:
 * where the heavy and probe calls landed in each repeat, whether a cell's
 * retention range overlaps the cell it is compared with (then the
 * difference is within the noise of the repeats), and what a kubelet
 * would have done. Plain text; report.md and report.html render it.
 */
import { describePlacement } from "../load/placement.js";
import { formatCount, formatSeconds, formatStat, percentNumber } from "./report-format.js";
import { cellLabel, type ReportFact, type ReportTable } from "./report-table.js";
import type { CellSummary, ExperimentSummary } from "./summary-schema.js";

/** The measurement settings worth stating beside the results. */
export function measureFacts(summary: ExperimentSummary): ReportFact[] {
  const s = summary.settings;
  const facts: ReportFact[] = [
    {
      label: "warm-up",
      value:
        (s.phases.warmupS ?? 0) > 0
          ? `${formatSeconds(s.phases.warmupS ?? 0)} of probe alone before the baseline, discarded (shaded grey on the timelines, in no statistic)`
          : "none",
    },
    {
      label: "CPU pinning",
      value:
        s.pinning === undefined
          ? "not recorded"
          : s.pinning === null
            ? "not pinned: server and load generator shared every core"
            : `server on CPUs ${s.pinning.serverCpus}, load generator on CPUs ${s.pinning.loadgenCpus} (taskset)`,
    },
  ];
  if (s.target) {
    facts.push({ label: "target", value: `${s.target} (a server the experiment did not start)` });
  }
  if (s.placementPlan) {
    facts.push({ label: "heavy connection placement", value: s.placementPlan });
  }
  if (s.kubernetes) {
    const k = s.kubernetes;
    facts.push({
      label: "simulated kubelet",
      value: `liveness period ${k.liveness.periodS} s, timeout ${k.liveness.timeoutS} s, ${k.liveness.failureThreshold} failures; readiness period ${k.readiness.periodS} s, timeout ${k.readiness.timeoutS} s, ${k.readiness.failureThreshold} failures, ${k.readiness.successThreshold} success(es)`,
    });
  }
  return facts;
}

export const measureColumns = [
  "cell",
  "compared with",
  "retention",
  "heavy and probe calls per worker, each repeat",
  "liveness: failed checks / restarts",
  "readiness: out of endpoints",
] as const;

/** One row per cell. */
export function buildMeasureTable(summary: ExperimentSummary): ReportTable {
  return {
    headers: [...measureColumns],
    rows: summary.cells.map((cell) => measureRow(cell, comparedWith(cell, summary.cells))),
  };
}

/**
 * The cell a cell is compared with: a strategy against `inline` of the same
 * format and workers (the fix against the problem), and `inline` with more
 * workers against `inline` with one. Undefined for the reference cells.
 */
export function comparedWith(
  cell: CellSummary,
  cells: readonly CellSummary[],
): CellSummary | undefined {
  const find = (workers: number) =>
    cells.find((c) => c.format === cell.format && c.workers === workers && c.strategy === "inline");
  if (cell.strategy !== "inline") {
    return find(cell.workers);
  }
  if (cell.workers !== 1) {
    return find(1);
  }
  return undefined;
}

/** Whether two cells' retention min–max ranges overlap. */
export function retentionOverlaps(a: CellSummary, b: CellSummary): boolean {
  const x = a.probe.stats.retention;
  const y = b.probe.stats.retention;
  return x.min <= y.max && y.min <= x.max;
}

function measureRow(cell: CellSummary, reference: CellSummary | undefined): string[] {
  const retention = formatStat(cell.probe.stats.retention, percentNumber, "%");
  const overlap =
    reference === undefined
      ? ""
      : retentionOverlaps(cell, reference)
        ? ` ⚠ overlaps ${formatStat(reference.probe.stats.retention, percentNumber, "%")}: within the repeats' noise`
        : ` (vs ${formatStat(reference.probe.stats.retention, percentNumber, "%")}: apart)`;
  const placement =
    cell.placement === undefined || cell.placement.length === 0
      ? "not recorded"
      : cell.placement.map((p, i) => `#${i + 1} ${describePlacement(p)}`).join(" | ");
  const k = cell.kubernetes;
  return [
    cellLabel(cell),
    reference === undefined ? "–" : cellLabel(reference),
    `${retention}${overlap}`,
    placement,
    k === undefined || k === null
      ? "not recorded"
      : `${formatStat(k.liveness.failedChecks, formatCount)} of ${k.liveness.checks} / ${
          k.liveness.repeatsRestarted === 0
            ? "no restart"
            : `restarted in ${k.liveness.repeatsRestarted} of ${cell.repeats} repeat(s)${k.liveness.firstRestartAtS === null ? "" : `, first at t=${k.liveness.firstRestartAtS} s`}`
        }`,
    k === undefined || k === null
      ? "not recorded"
      : k.readiness.repeatsUnready === 0
        ? "never"
        : `${formatStat(k.readiness.unreadyS, (n) => n.toFixed(0), " s")} in ${k.readiness.repeatsUnready} of ${cell.repeats} repeat(s)${k.readiness.firstUnreadyAtS === null ? "" : `, from t=${k.readiness.firstUnreadyAtS} s`}`,
  ];
}

/** What the section's columns mean. */
export const measureHowToRead =
  "Placement lists, for each repeat, how many heavy and probe calls each server process (x-worker pid) answered: with node:cluster a connection stays on the worker that accepted it, so a cell whose heavy calls all landed on the probe's worker starves more than one where they landed elsewhere. ⚠ marks a cell whose retention range (min–max over its repeats) overlaps the cell it is compared with: the difference may be noise. The kubelet columns replay each run's probe calls through a simulated kubelet: a check every period fails if no answer came within its timeout; failures in a row restart the container (liveness) or take the pod out of the Service's endpoints (readiness).";
