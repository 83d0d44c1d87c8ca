/**
 * ghz's human-readable summary (`-O summary`, the default), rendered the way
 * ghz v0.121's `printer/template.go` and `printer/printer.go` render it.
 * Pure and dependency-free, like report-builder.ts. Where ghz iterates a Go
 * map (random order), this prints keys sorted.
 */
import type { GhzBucket, GhzReport } from "./report-types.js";

/** Renders the summary text of a report. */
export function formatGhzSummary(report: GhzReport): string {
  let out = "\nSummary:\n";
  if (report.name) {
    out += `  Name:\t\t${report.name}\n`;
  }
  out += `  Count:\t${report.count}\n`;
  out += `  Total:\t${formatNanoUnit(report.total)}\n`;
  out += `  Slowest:\t${formatNanoUnit(report.slowest)}\n`;
  out += `  Fastest:\t${formatNanoUnit(report.fastest)}\n`;
  out += `  Average:\t${formatNanoUnit(report.average)}\n`;
  out += `  Requests/sec:\t${goFixed(report.rps, 2, 4)}\n`;
  out += "\nResponse time histogram:\n";
  out += formatHistogram(report.histogram ?? []);
  out += "\nLatency distribution:";
  for (const point of report.latencyDistribution ?? []) {
    out += `\n  ${point.percentage} % in ${formatNanoUnit(point.latency)} `;
  }
  out += "\n\n";
  const statuses = sortedEntries(report.statusCodeDistribution);
  if (statuses.length > 0) {
    out += "Status code distribution:\n";
    out += tabulate(statuses.map(([status, count]) => [`  [${status}]`, `${count} responses`]));
  }
  out += "\n";
  const errors = sortedEntries(report.errorDistribution);
  if (errors.length > 0) {
    out += "Error distribution:\n";
    out += tabulate(errors.map(([error, count]) => [`  [${count}]`, error]));
  }
  out += "\n";
  return out;
}

/** ghz's `formatNanoUnit`: ns below 10 µs, else ms below 1 s, else s. */
export function formatNanoUnit(ns: number): string {
  if (ns < 10_000) {
    return `${ns} ns`;
  }
  const ms = ns / 1e6;
  if (ms < 1000) {
    return `${goFixed(ms, 2, 4)} ms`;
  }
  return `${goFixed(ms / 1000, 2, 4)} s`;
}

/** ghz's text histogram: mark in ms, count, and a bar of up to 40 "∎". */
export function formatHistogram(buckets: readonly GhzBucket[]): string {
  let maxMark = 0;
  let maxCount = 0;
  for (const b of buckets) {
    maxMark = Math.max(maxMark, b.mark);
    maxCount = Math.max(maxCount, b.count);
  }
  const mark = (m: number) => (m * 1000).toFixed(3);
  const markWidth = mark(maxMark).length;
  const countWidth = String(maxCount).length;
  let out = "";
  for (const b of buckets) {
    // Go's integer division: (count*40 + max/2) / max.
    const bar = maxCount > 0 ? Math.trunc((b.count * 40 + Math.trunc(maxCount / 2)) / maxCount) : 0;
    const markText = mark(b.mark);
    const countText = String(b.count);
    out += `  ${markText}${" ".repeat(markWidth - markText.length)} [${countText}]`;
    out += `${" ".repeat(countWidth - countText.length)} |${"∎".repeat(bar)}\n`;
  }
  return out;
}

/** Go's `%W.Pf`: fixed point, left-padded with spaces to at least W. */
function goFixed(value: number, precision: number, width: number): string {
  return value.toFixed(precision).padStart(width, " ");
}

/**
 * Go's tabwriter (minwidth 0, padding 3, pad with spaces), for rows whose
 * every cell ends with a tab: each column is as wide as its widest cell + 3.
 */
function tabulate(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = (s: string) => [...s].length;
  const w0 = Math.max(...rows.map((r) => width(r[0]))) + 3;
  const w1 = Math.max(...rows.map((r) => width(r[1]))) + 3;
  return rows
    .map(([a, b]) => `${a}${" ".repeat(w0 - width(a))}${b}${" ".repeat(w1 - width(b))}\n`)
    .join("");
}

function sortedEntries(map: Record<string, number> | null): Array<[string, number]> {
  return Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
