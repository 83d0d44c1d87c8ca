import { renderLatencyChart } from "./charts/latency-chart.js";
import { renderRetentionChart } from "./charts/retention-chart.js";
import { chartColors } from "./charts/svg-primitives.js";
import { renderTimelineSvg } from "./charts/timeline-chart.js";
import { escapeHtml } from "./report-escape.js";
import { formatStat, percentNumber } from "./report-format.js";
import { loopCostHtmlSection } from "./report-loop-cost.js";
import { buildMeasureTable, measureFacts, measureHowToRead } from "./report-measure.js";
import { type PeersResults, peersHtmlSection } from "./report-peers.js";
import {
  buildCellTable,
  cellLabel,
  environmentFacts,
  howToRead,
  type ReportFact,
  settingsFacts,
} from "./report-table.js";
import type { ExperimentSummary } from "./summary-schema.js";

// Everything is inline: the page must open offline, from a file, with nothing fetched.
const styles = `
body { font-family: system-ui, sans-serif; color: ${chartColors.text}; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid ${chartColors.grid}; padding-bottom: 0.25rem; }
h3 { font-size: 0.95rem; margin: 0 0 0.25rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem 2rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.78rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid ${chartColors.grid}; padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }
th { background: #f7fafc; }
td.num { text-align: right; }
td.key, td span { white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafbfc; }
.timelines { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 1.5rem 1rem; }
figure { margin: 0; }
figcaption { font-size: 0.8rem; color: ${chartColors.axis}; }
svg { max-width: 100%; height: auto; }
p.note { color: ${chartColors.axis}; font-size: 0.9rem; }
td.warn { background: #fff5e6; }
`;

/** Renders the summary as a self-contained report.html: header, bar charts, the table, one timeline per cell. */
export function renderHtml(summary: ExperimentSummary, peers?: PeersResults): string {
  const table = buildCellTable(summary);
  const cells = summary.cells;
  const results =
    cells.length === 0
      ? `<p>No cells were run.</p>`
      : [
          `<h2>Probe retention</h2>`,
          renderRetentionChart(cells),
          `<h2>Probe p99 latency</h2>`,
          renderLatencyChart(cells),
          `<h2>All cells</h2>`,
          `<div class="table-wrap"><table><thead><tr>${table.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>`,
          ...table.rows.map(
            (row) =>
              `<tr>${row.map((text, i) => `<td${cellClass(text, i)}>${wrappable(text)}</td>`).join("")}</tr>`,
          ),
          `</tbody></table></div>`,
          loopCostHtmlSection(summary),
          measureHtmlSection(summary),
          `<h2>Timelines</h2>`,
          `<p class="note">For each cell, the repeat whose retention was the median: completed requests per second, the heavy phase shaded, the discarded warm-up in grey.</p>`,
          `<div class="timelines">`,
          ...cells.map(
            (cell) =>
              `<figure><h3>${escapeHtml(cellLabel(cell))}</h3>${renderTimelineSvg(cell)}<figcaption>retention ${escapeHtml(formatStat(cell.probe.stats.retention, percentNumber, "%"))}</figcaption></figure>`,
          ),
          `</div>`,
        ].join("\n");
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>loopstall experiment report</title>`,
    `<style>${styles}</style></head><body>`,
    `<h1>loopstall experiment report</h1>`,
    `<div class="columns"><section><h2>Environment</h2>${factList(environmentFacts(summary))}</section>`,
    `<section><h2>Settings</h2>${factList(settingsFacts(summary))}</section></div>`,
    results,
    peersHtmlSection(peers),
    `<h2>How to read this</h2>`,
    ...howToRead.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    "</body></html>",
    "",
  ].join("\n");
}

function factList(facts: ReportFact[]): string {
  const items = facts.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`);
  return `<dl class="facts">${items.join("")}</dl>`;
}

/** The first columns name the cell and must not wrap; numbers are right-aligned. */
function cellClass(text: string, column: number): string {
  if (column < 4) return ' class="key"';
  return /^[\d.,]/.test(text) ? ' class="num"' : "";
}

/**
 * Lets a cell wrap only between its parts ("48%", "(38–54%)", "/ 9.6 ms",
 * "pid 1: 50%,"), never between a number and its unit.
 */
function wrappable(text: string): string {
  const parts = text.split(/ (?=\(|\/ )|(?<=,) /);
  return parts.map((part) => `<span>${escapeHtml(part)}</span>`).join(" ");
}

/** The placement, noise and Kubernetes section (src/experiment/report-measure.ts). */
function measureHtmlSection(summary: ExperimentSummary): string {
  const table = buildMeasureTable(summary);
  return [
    `<h2>Placement, noise and the Kubernetes verdict</h2>`,
    factList(measureFacts(summary)),
    `<div class="table-wrap"><table class="measure"><thead><tr>${table.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>`,
    ...table.rows.map(
      (row) =>
        `<tr>${row.map((text, i) => `<td${i === 0 ? ' class="key"' : ""}${text.includes("⚠") ? ' class="warn"' : ""}>${escapeHtml(text)}</td>`).join("")}</tr>`,
    ),
    `</tbody></table></div>`,
    `<p class="note">${escapeHtml(measureHowToRead)}</p>`,
  ].join("\n");
}
