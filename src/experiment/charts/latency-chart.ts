import { formatMs } from "../report-format.js";
import { cellLabel } from "../report-table.js";
import type { CellSummary } from "../summary-schema.js";
import { renderBarChart } from "./bar-chart.js";
import { finiteOr, maxOf, minOf } from "./chart-scales.js";
import { chartColors } from "./svg-primitives.js";

/**
 * Probe p99 latency per cell during the heavy phase and in the baseline, on a
 * log scale because starvation moves it by orders of magnitude.
 */
export function renderLatencyChart(cells: CellSummary[]): string {
  const values = cells
    .flatMap((c) => [c.probe.stats.p99DuringMs, c.probe.stats.p99BaselineMs])
    .flatMap((s) => [s.min, s.max])
    .filter((v) => Number.isFinite(v) && v > 0);
  const lowExp = Math.floor(Math.log10(minOf(values, 1)));
  const highExp = Math.max(lowExp + 1, Math.ceil(Math.log10(maxOf(values, 10))));
  const floor = 10 ** lowExp;
  const scale = (v: number) =>
    (Math.log10(Math.max(floor, finiteOr(v, floor))) - lowExp) / (highExp - lowExp);
  const ticks = [];
  for (let e = lowExp; e <= highExp; e += 1) {
    ticks.push({ value: 10 ** e, label: e < 3 ? `${10 ** e} ms` : `${10 ** (e - 3)} s` });
  }
  return renderBarChart(
    {
      title:
        "Probe p99 latency per cell, heavy phase vs baseline (median, whiskers min–max; log scale)",
      rows: cells.map((c) => ({
        label: cellLabel(c),
        bars: [
          {
            stat: c.probe.stats.p99DuringMs,
            color: chartColors.heavy,
            text: formatMs(c.probe.stats.p99DuringMs.median),
          },
          {
            stat: c.probe.stats.p99BaselineMs,
            color: chartColors.probe,
            text: formatMs(c.probe.stats.p99BaselineMs.median),
          },
        ],
      })),
      scale,
      ticks,
      legend: [
        { color: chartColors.heavy, text: "p99 during heavy phase", kind: "box" },
        { color: chartColors.probe, text: "p99 baseline", kind: "box" },
      ],
    },
    "bar-chart latency-chart",
  );
}
