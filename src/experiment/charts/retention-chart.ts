import { formatPercent } from "../report-format.js";
import { cellLabel } from "../report-table.js";
import type { CellSummary } from "../summary-schema.js";
import { renderBarChart } from "./bar-chart.js";
import { linearTicks, maxOf } from "./chart-scales.js";
import { chartColors } from "./svg-primitives.js";

/** Probe retention per cell: the median as a bar, min–max over repeats as a whisker, 100% dashed. */
export function renderRetentionChart(cells: CellSummary[]): string {
  const top = maxOf(
    cells.map((c) => c.probe.stats.retention.max),
    1,
  );
  const ticks = linearTicks(top, 5).map((v) => ({ value: v, label: formatPercent(v) }));
  const max = ticks.at(-1)?.value ?? 1;
  return renderBarChart(
    {
      title: "Probe retention per cell (median, whiskers min–max over repeats)",
      rows: cells.map((c) => ({
        label: cellLabel(c),
        bars: [
          {
            stat: c.probe.stats.retention,
            color: chartColors.probe,
            text: formatPercent(c.probe.stats.retention.median),
          },
        ],
      })),
      scale: (v) => v / max,
      ticks,
      reference: 1,
    },
    "bar-chart retention-chart",
  );
}
