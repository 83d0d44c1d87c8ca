import { escapeHtml } from "./report-escape.js";
import { formatBytes, formatStat, msNumber, percentNumber } from "./report-format.js";
import type { ReportTable } from "./report-table.js";
import type { CellSummary, ExperimentSummary } from "./summary-schema.js";

/** The columns of the event-loop cost table (the strategy × source comparison). */
export const loopCostColumns = [
  "format",
  "workers",
  "strategy",
  "source",
  "probe retention",
  "probe p99 ratio",
  "heavy req/s",
  "main-thread ms / heavy response",
  "longest block",
  "source cache memory",
] as const;

/** What the table's numbers mean, as paragraphs of plain text. */
export const loopCostNotes: readonly string[] = [
  "Main-thread ms per heavy response is the servers' main-thread CPU time during the heavy phase (on Linux; elsewhere event-loop busy time, which also grows while the process waits for a core), less the light requests' share (the baseline's busy time per light request times the light requests answered in the heavy phase), divided by the heavy responses completed: for inline it is the whole build and encode, for slice the whole encode spread over slices, for the offload variants the copy and hand-off (for offload-clone, the structured clone of the tree). The longest block is the longest single stretch the event loop was busy during the heavy phase, to within 2 ms (the upper bound of a 1 ms histogram bucket; a stretch counts the smaller of its wall time and the process's CPU time in it, so time spent waiting for a core on a shared machine is left out unless worker threads were running). The probe p99 ratio is the probe's p99 during the heavy phase divided by its baseline p99.",
  "The source cache memory is what the memory source's caches hold at the end of the heavy phase (estimated heap bytes), summed over workers and copies: the main thread's cache, plus, for offload-replica, one copy per pool thread (its memory cost is the tree's size times the threads).",
];

/** One row per cell: how much each strategy costs the event loop, per data source. */
export function buildLoopCostTable(summary: ExperimentSummary): ReportTable {
  return { headers: [...loopCostColumns], rows: summary.cells.map(loopCostRow) };
}

/** True when some cell has loop-cost figures (summaries from before they existed have none). */
export function hasLoopCost(summary: ExperimentSummary): boolean {
  return summary.cells.some((c) => c.loopCost !== undefined);
}

function loopCostRow(cell: CellSummary): string[] {
  const cost = cell.loopCost;
  const ratio =
    cell.probe.p99BaselineMs > 0
      ? `${(cell.probe.p99DuringMs / cell.probe.p99BaselineMs).toFixed(1)}×`
      : "n/a";
  return [
    cell.format,
    String(cell.workers),
    cell.strategy,
    cell.source ?? "build",
    formatStat(cell.probe.stats.retention, percentNumber, "%"),
    ratio,
    formatStat(cell.heavy.stats.rps, (n) => n.toFixed(2)),
    formatStat(cost?.mainThreadMsPerHeavy ?? null, msNumber, " ms"),
    formatStat(cost?.longestBlockMs ?? null, msNumber, " ms"),
    cost?.sourceCacheBytes === null || cost?.sourceCacheBytes === undefined
      ? "n/a"
      : formatBytes(cost.sourceCacheBytes.median),
  ];
}

/** The section in report.html, or nothing without loop-cost figures. */
export function loopCostHtmlSection(summary: ExperimentSummary): string {
  if (!hasLoopCost(summary)) {
    return "";
  }
  const table = buildLoopCostTable(summary);
  return [
    `<h2>Event-loop cost per heavy response, by strategy and data source</h2>`,
    `<div class="table-wrap"><table><thead><tr>${table.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>`,
    ...table.rows.map(
      (row) =>
        `<tr>${row.map((text, i) => `<td class="${i < 4 ? "key" : "num"}">${escapeHtml(text)}</td>`).join("")}</tr>`,
    ),
    `</tbody></table></div>`,
    ...loopCostNotes.map((note) => `<p class="note">${escapeHtml(note)}</p>`),
  ].join("\n");
}
