import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixtureSummary } from "../../test/support/report-fixture.js";
import { renderHtml } from "./report-html.js";
import { cellColumns } from "./report-table.js";
import type { ExperimentSummary } from "./summary-schema.js";

function withCells(count: number): ExperimentSummary {
  const summary = fixtureSummary();
  summary.cells = summary.cells.slice(0, count);
  return summary;
}

function occurrences(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`))?.length ?? 0;
}

/** Anything that would make the page fetch something or run code. */
const externalReferences = [
  /<script/i,
  /\bsrc\s*=/i,
  /<link/i,
  /@import/i,
  /url\(/i,
  /http:\/\//i,
  /https:\/\//i,
  /\/\/[a-z0-9-]+\.[a-z]/i,
];

describe("renderHtml", () => {
  for (const count of [0, 1, 2, 3]) {
    it(`draws one timeline per cell and one table row per cell (${count} cells)`, () => {
      const html = renderHtml(withCells(count));
      assert.equal(occurrences(html, /<svg class="timeline"/), count);
      assert.equal(occurrences(html, /<svg class="bar-chart retention-chart"/), count > 0 ? 1 : 0);
      assert.equal(occurrences(html, /<svg class="bar-chart latency-chart"/), count > 0 ? 1 : 0);
      const body = html.split("<tbody>")[1]?.split("</tbody>")[0] ?? "";
      assert.equal(occurrences(body, /<tr>/), count);
      assert.equal(occurrences(body, /<td/), count * cellColumns.length);
      const head = html.split("<thead>")[1]?.split("</thead>")[0] ?? "";
      assert.equal(occurrences(head, /<th scope="col">/), count > 0 ? cellColumns.length : 0);
      assert.ok(html.startsWith("<!doctype html>"));
      assert.ok(html.trimEnd().endsWith("</html>"));
    });
  }

  it("is self-contained: no scripts and no external references", () => {
    const html = renderHtml(fixtureSummary());
    for (const pattern of externalReferences) {
      assert.equal(pattern.test(html), false, `found ${pattern}`);
    }
    assert.ok(html.includes("<style>"));
  });

  it("never repeats an attribute within a tag", () => {
    const html = renderHtml(fixtureSummary());
    for (const tag of html.match(/<[a-z][^>]*>/g) ?? []) {
      const names = [...tag.matchAll(/\s([a-z-]+)=/g)].map((m) => m[1]);
      assert.equal(new Set(names).size, names.length, `repeated attribute in ${tag}`);
    }
  });

  it("draws each series of a timeline", () => {
    const html = renderHtml(withCells(1));
    const svg = html.split('<svg class="timeline"')[1]?.split("</svg>")[0] ?? "";
    const line = svg.match(/<polyline points="([^"]*)"/)?.[1] ?? "";
    assert.equal(line.split(" ").length, fixtureSummary().cells[0]?.timeline.length);
    const heavySeconds = fixtureSummary().cells[0]?.timeline.filter((p) => p.heavy > 0).length;
    assert.equal(
      occurrences(svg, /<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"\/>/),
      heavySeconds,
    );
    assert.ok(svg.includes("heavy phase"));
  });

  it("draws a placeholder for a cell without a timeline", () => {
    const summary = withCells(1);
    const cell = summary.cells[0];
    assert.ok(cell);
    cell.timeline = [];
    const html = renderHtml(summary);
    assert.equal(occurrences(html, /<svg class="timeline"/), 1);
    assert.ok(html.includes("no timeline recorded"));
  });

  it("escapes every text taken from the summary", () => {
    const summary = fixtureSummary();
    const cell = summary.cells[2];
    assert.ok(cell);
    // A malicious summary, as renderers may be handed one that was not validated.
    Object.assign(cell, { format: "<script>alert(1)</script>" });
    cell.workerSpread = { '"><img onerror=x>': 5 };
    summary.environment.cpuModel = `</style><iframe srcdoc="x">`;
    summary.startedAt = "2026-01-01T00:00:00Z' onload='x";
    const html = renderHtml(summary);
    assert.equal(/<script/i.test(html), false);
    assert.equal(/<img/i.test(html), false);
    assert.equal(/<iframe/i.test(html), false);
    assert.equal(occurrences(html, /<\/style>/), 1);
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.ok(html.includes("&#39; onload=&#39;x"));
    // The label appears in the table, both bar charts and the timeline's heading, title and aria-label.
    assert.ok(occurrences(html, /&lt;script&gt;/) >= 5);
  });

  it("shows n/a, never NaN, for numbers that are missing", () => {
    const summary = fixtureSummary();
    const cell = summary.cells[0];
    assert.ok(cell);
    cell.probe.stats.retention = { median: Number.NaN, min: Number.NaN, max: Number.NaN };
    cell.probe.p50DuringMs = Number.NaN;
    cell.timeline[4] = { t: 4, epoch: 0, probe: Number.NaN, heavy: Number.POSITIVE_INFINITY };
    const html = renderHtml(summary);
    assert.equal(html.includes("NaN"), false);
    assert.equal(html.includes("Infinity"), false);
    assert.ok(html.includes("n/a"));
  });
});
