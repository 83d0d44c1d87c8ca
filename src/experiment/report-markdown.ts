import { escapeMarkdownCell } from "./report-escape.js";
import { buildLoopCostTable, hasLoopCost, loopCostNotes } from "./report-loop-cost.js";
import { buildMeasureTable, measureFacts, measureHowToRead } from "./report-measure.js";
import { type PeersResults, peersMarkdownSection } from "./report-peers.js";
import {
  buildCellTable,
  environmentFacts,
  howToRead,
  type ReportFact,
  type ReportTable,
  settingsFacts,
} from "./report-table.js";
import type { ExperimentSummary } from "./summary-schema.js";

/**
 * Renders the summary as report.md: environment, settings, one table row per
 * cell, the peers' section when `npm run bench:peers` results are given, how
 * to read it.
 */
export function renderMarkdown(summary: ExperimentSummary, peers?: PeersResults): string {
  const lines = [
    "# loopstall experiment report",
    "",
    "## Environment",
    "",
    ...factList(environmentFacts(summary)),
    "",
    "## Settings",
    "",
    ...factList(settingsFacts(summary)),
    "",
    "## Results",
    "",
    ...(summary.cells.length > 0 ? markdownTable(buildCellTable(summary)) : ["No cells were run."]),
    "",
    ...(hasLoopCost(summary)
      ? [
          "## Event-loop cost per heavy response, by strategy and data source",
          "",
          ...markdownTable(buildLoopCostTable(summary)),
          "",
          ...loopCostNotes.flatMap((paragraph) => [escapeMarkdownCell(paragraph), ""]),
        ]
      : []),
    ...measureMarkdownSection(summary),
    ...peersMarkdownSection(peers),
    "## How to read this",
    "",
    ...howToRead.flatMap((paragraph) => [escapeMarkdownCell(paragraph), ""]),
  ];
  return lines.join("\n");
}

function factList(facts: ReportFact[]): string[] {
  return facts.map((f) => `- **${escapeMarkdownCell(f.label)}**: ${escapeMarkdownCell(f.value)}`);
}

/** A GitHub-flavoured Markdown table; numeric-looking columns are right-aligned. */
export function markdownTable(table: ReportTable): string[] {
  const row = (cells: string[]) => `| ${cells.map(escapeMarkdownCell).join(" | ")} |`;
  const alignments = table.headers.map((_, i) =>
    table.rows.length > 0 && table.rows.every((r) => /^[\d.,]/.test(r[i] ?? "")) ? "---:" : "---",
  );
  return [row(table.headers), `| ${alignments.join(" | ")} |`, ...table.rows.map(row)];
}

/** The placement, noise and Kubernetes section (src/experiment/report-measure.ts). */
function measureMarkdownSection(summary: ExperimentSummary): string[] {
  if (summary.cells.length === 0) {
    return [];
  }
  return [
    "## Placement, noise and the Kubernetes verdict",
    "",
    ...factList(measureFacts(summary)),
    "",
    ...markdownTable(buildMeasureTable(summary)),
    "",
    escapeMarkdownCell(measureHowToRead),
    "",
  ];
}
