import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { linearTicks } from "./charts/chart-scales.js";
import { escapeHtml, escapeMarkdownCell } from "./report-escape.js";
import {
  formatBytes,
  formatCount,
  formatMs,
  formatPercent,
  formatRate,
  formatSpread,
  formatStat,
  msNumber,
  percentNumber,
} from "./report-format.js";

const cases: { name: string; actual: () => string; expected: string }[] = [
  { name: "percent", actual: () => formatPercent(0.4812), expected: "48%" },
  { name: "small percent keeps a decimal", actual: () => formatPercent(0.004), expected: "0.4%" },
  { name: "zero percent", actual: () => formatPercent(0), expected: "0%" },
  { name: "percent of NaN", actual: () => formatPercent(Number.NaN), expected: "n/a" },
  { name: "ms", actual: () => formatMs(1480), expected: "1,480.0 ms" },
  { name: "ms of Infinity", actual: () => formatMs(Number.POSITIVE_INFINITY), expected: "n/a" },
  { name: "small rate", actual: () => formatRate(4.2), expected: "4.20" },
  { name: "medium rate", actual: () => formatRate(26.14), expected: "26.1" },
  { name: "large rate", actual: () => formatRate(5512.4), expected: "5,512" },
  { name: "count", actual: () => formatCount(40000), expected: "40,000" },
  { name: "bytes", actual: () => formatBytes(512), expected: "512 B" },
  { name: "kilobytes", actual: () => formatBytes(1500), expected: "1.5 kB" },
  { name: "megabytes", actual: () => formatBytes(6_210_000), expected: "6.2 MB" },
  { name: "hundreds of megabytes", actual: () => formatBytes(164_000_000), expected: "164 MB" },
  { name: "negative bytes", actual: () => formatBytes(-1), expected: "n/a" },
  {
    name: "stat with a range",
    actual: () => formatStat({ median: 0.48, min: 0.38, max: 0.54 }, percentNumber, "%"),
    expected: "48% (38–54%)",
  },
  {
    name: "stat without a range",
    actual: () => formatStat({ median: 12, min: 12, max: 12 }, msNumber, " ms"),
    expected: "12.0 ms",
  },
  { name: "missing stat", actual: () => formatStat(null, msNumber, " ms"), expected: "n/a" },
  {
    name: "spread ordered by pid",
    actual: () => formatSpread({ "124": 49, "123": 51 }),
    expected: "pid 123: 51%, pid 124: 49%",
  },
  { name: "empty spread", actual: () => formatSpread({}), expected: "n/a" },
  { name: "spread of nothing served", actual: () => formatSpread({ "1": 0 }), expected: "n/a" },
  {
    name: "HTML escaping",
    actual: () => escapeHtml(`<a href="x">'&'</a>`),
    expected: "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  },
  {
    name: "Markdown cell escaping",
    actual: () => escapeMarkdownCell("a|b\n<i>c</i> *d*"),
    expected: "a\\|b &lt;i&gt;c&lt;/i&gt; \\*d\\*",
  },
];

describe("report formatting", () => {
  for (const c of cases) {
    it(c.name, () => assert.equal(c.actual(), c.expected));
  }

  const tickCases: { max: number; count?: number; expected: number[] }[] = [
    { max: 5600, expected: [0, 2000, 4000, 6000] },
    { max: 1, expected: [0, 0.2, 0.4, 0.6, 0.8, 1] },
    { max: 0, expected: [0, 0.2, 0.4, 0.6, 0.8, 1] },
    { max: 40, count: 8, expected: [0, 5, 10, 15, 20, 25, 30, 35, 40] },
  ];
  for (const c of tickCases) {
    it(`linear ticks up to ${c.max}`, () =>
      assert.deepEqual(linearTicks(c.max, c.count), c.expected));
  }
});
