import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixtureSummary } from "../../test/support/report-fixture.js";
import { renderHtml } from "./report-html.js";
import { loopCostColumns } from "./report-loop-cost.js";
import { renderMarkdown } from "./report-markdown.js";
import type { ExperimentSummary } from "./summary-schema.js";
import { validateSummary } from "./summary-validator.js";

const stat = (median: number) => ({ median, min: median * 0.9, max: median * 1.1 });

/** The fixture with sources and loop costs, as a run of this version writes it. */
function withLoopCost(): ExperimentSummary {
  const summary = fixtureSummary();
  summary.settings.matrix.sources = ["build", "memory"];
  summary.cells.forEach((cell, i) => {
    cell.source = i === 0 ? "memory" : "build";
    cell.loopCost = {
      mainThreadMsPerHeavy: stat(300 / (i + 1)),
      longestBlockMs: i === 2 ? null : stat(400 / (i + 1)),
      sourceCacheBytes: i === 0 ? stat(42_000_000) : null,
      busyMeasure: "cpu",
    };
  });
  return summary;
}

describe("the event-loop cost section", () => {
  it("is valid summary.json, and older summaries without it still are", () => {
    assert.deepEqual(validateSummary(withLoopCost()), withLoopCost());
    assert.deepEqual(validateSummary(fixtureSummary()), fixtureSummary());
    const bad = withLoopCost() as unknown as { cells: Array<{ source: string }> };
    (bad.cells[0] as { source: string }).source = "disk";
    assert.throws(() => validateSummary(bad), /source/);
  });

  it("renders one row per cell in report.md, with the source and the costs", () => {
    const markdown = renderMarkdown(withLoopCost());
    const section =
      markdown.split("## Event-loop cost per heavy response")[1]?.split("\n## ")[0] ?? "";
    const rows = section
      .split("\n")
      .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"));
    assert.equal(rows[0], `| ${loopCostColumns.join(" | ")} |`);
    assert.equal(rows.length, 1 + fixtureSummary().cells.length);
    assert.match(
      rows[1] ?? "",
      /\| inline \| memory \| .* \| 300\.0 ms \(270\.0–330\.0 ms\) \| 400\.0 ms/,
    );
    assert.match(rows[1] ?? "", /42\.0 MB/);
    assert.match(rows[3] ?? "", /\| stream \| build \| .* \| n\/a \| n\/a \|$/);
    // The results table names the source too.
    assert.match(markdown.split("## Results")[1] ?? "", /\| inline \| memory \|/);
  });

  it("renders the same table in report.html, and neither report has it for older summaries", () => {
    const html = renderHtml(withLoopCost());
    assert.match(html, /<h2>Event-loop cost per heavy response, by strategy and data source<\/h2>/);
    assert.match(html, /<td class="key">memory<\/td>/);
    assert.doesNotMatch(renderHtml(fixtureSummary()), /Event-loop cost per heavy response/);
    assert.doesNotMatch(renderMarkdown(fixtureSummary()), /Event-loop cost per heavy response/);
  });
});
