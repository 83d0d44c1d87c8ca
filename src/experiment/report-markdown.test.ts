import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixtureSummary } from "../../test/support/report-fixture.js";
import { renderMarkdown } from "./report-markdown.js";
import { cellColumns } from "./report-table.js";
import type { ExperimentSummary } from "./summary-schema.js";

/** Splits a Markdown table row into its cells, honouring `\|` escapes. */
function tableCells(line: string): string[] {
  assert.ok(line.startsWith("| ") && line.endsWith(" |"), `not a table row: ${line}`);
  return line
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((cell) => cell.trim());
}

function resultsTable(markdown: string): string[][] {
  const section =
    markdown
      .split("## Results")[1]
      ?.split(/## Placement|## How to read this|## Event-loop cost/)[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .map(tableCells);
}

function withCells(count: number): ExperimentSummary {
  const summary = fixtureSummary();
  summary.cells = summary.cells.slice(0, count);
  return summary;
}

describe("renderMarkdown", () => {
  for (const count of [1, 2, 3]) {
    it(`renders a valid table with one row per cell (${count} cells)`, () => {
      const summary = withCells(count);
      const [header, separator, ...rows] = resultsTable(renderMarkdown(summary));
      assert.deepEqual(header, [...cellColumns]);
      assert.equal(separator?.length, cellColumns.length);
      assert.ok(separator?.every((cell) => /^-{3,}:?$/.test(cell)));
      assert.equal(rows.length, count);
      rows.forEach((row, i) => {
        const cell = summary.cells[i];
        assert.ok(cell);
        assert.equal(row.length, cellColumns.length);
        assert.deepEqual(row.slice(0, 3), [cell.format, String(cell.workers), cell.strategy]);
      });
    });
  }

  it("formats the fixture's first row", () => {
    const row = resultsTable(renderMarkdown(fixtureSummary()))[2];
    const column = (name: (typeof cellColumns)[number]) => row?.[cellColumns.indexOf(name)];
    assert.equal(column("probe retention"), "0.4% (0.3–0.4%)");
    assert.equal(column("probe p50 during / before"), "370.0 ms / 1.3 ms");
    assert.equal(column("probe p99 during / before"), "1,480.0 ms (1,110.0–1,702.0 ms) / 9.6 ms");
    assert.equal(column("heavy req/s"), "4.20 (3.78–4.45)");
    assert.equal(column("response size"), "6.2 MB");
    assert.equal(column("spread across workers"), "pid 41240: 100%");
    assert.equal(column("server loop delay p99"), "310.0 ms (248.0–347.2 ms)");
    assert.equal(column("load-gen CPU"), "72% (65–76%)");
  });

  it("shows the environment and settings in the header", () => {
    const markdown = renderMarkdown(fixtureSummary());
    for (const expected of [
      "- **Node.js**: v20.20.2",
      "- **CPU**: Intel(R) Xeon(R) CPU @ 2.20GHz (2 cores, available parallelism 2)",
      "- **engine**: embedded",
      "- **launcher**: cluster",
      "- **repeats per cell**: 3",
      "- **probe**: closed loop, 8 connection(s), timeout 2,000 ms",
      "- **phases**: baseline 10 s, heavy 20 s, recovery 10 s",
      "## How to read this",
    ]) {
      assert.ok(markdown.includes(expected), `missing: ${expected}`);
    }
  });

  it("says so when there are no cells", () => {
    const markdown = renderMarkdown(withCells(0));
    assert.deepEqual(resultsTable(markdown), []);
    assert.ok(markdown.includes("No cells were run."));
  });

  it("escapes text that would break the table or inject HTML", () => {
    const summary = fixtureSummary();
    const cell = summary.cells[1];
    assert.ok(cell);
    // A malicious or corrupt summary, as renderers may be handed one that was not validated.
    Object.assign(cell, { format: "<img src=x onerror=alert(1)>|x\ny" });
    summary.environment.cpuModel = "<b>cpu</b> | evil";
    const markdown = renderMarkdown(summary);
    const rows = resultsTable(markdown).slice(2);
    assert.equal(rows.length, 3);
    assert.equal(rows[1]?.[0], "&lt;img src=x onerror=alert(1)&gt;\\|x y");
    assert.equal(rows[1]?.length, cellColumns.length);
    assert.ok(!markdown.includes("<img"));
    assert.ok(!markdown.includes("<b>"));
  });

  it("shows n/a, never NaN, for numbers that are missing", () => {
    const summary = fixtureSummary();
    const cell = summary.cells[0];
    assert.ok(cell);
    cell.probe.p50DuringMs = Number.NaN;
    cell.server.eventLoopDelayP99Ms = null;
    cell.workerSpread = {};
    const markdown = renderMarkdown(summary);
    assert.ok(!markdown.includes("NaN"));
    assert.ok(resultsTable(markdown)[2]?.includes("n/a"));
  });
});
