/** The horizontal bar chart with min–max whiskers that the retention and latency charts share. */

import { escapeHtml } from "../report-escape.js";
import type { Stat } from "../summary-schema.js";
import { finiteOr, maxOf } from "./chart-scales.js";
import { chartColors, font, type LegendEntry, legend, r } from "./svg-primitives.js";

/** One horizontal bar with a min–max whisker. */
interface Bar {
  stat: Stat;
  color: string;
  text: string;
}

interface BarChartOptions {
  title: string;
  rows: { label: string; bars: Bar[] }[];
  /** maps a value to 0..1 along the x axis; bars start at the axis' low end */
  scale: (v: number) => number;
  ticks: { value: number; label: string }[];
  /** x of a dashed reference line, if any */
  reference?: number;
  legend?: LegendEntry[];
}

const barChartLayout = {
  width: 1100,
  labelW: 250,
  valueW: 130,
  top: 34,
  bottom: 30,
  barH: 14,
  gap: 12,
};

export function renderBarChart(o: BarChartOptions, className: string): string {
  const { width, labelW, valueW, top, bottom, barH, gap } = barChartLayout;
  const plotW = width - labelW - valueW;
  const rowH =
    maxOf(
      o.rows.map((row) => row.bars.length),
      1,
    ) *
      barH +
    gap;
  const plotH = o.rows.length * rowH;
  const height = top + plotH + bottom;
  const x = (v: number) => labelW + Math.min(1, Math.max(0, finiteOr(o.scale(v), 0))) * plotW;
  const parts = [
    `<svg class="${className}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(o.title)}"><title>${escapeHtml(o.title)}</title>`,
  ];
  for (const tick of o.ticks) {
    const tx = x(tick.value);
    parts.push(
      `<line x1="${r(tx)}" x2="${r(tx)}" y1="${top}" y2="${top + plotH}" stroke="${chartColors.grid}"/>`,
      `<text x="${r(tx)}" y="${top + plotH + 16}" text-anchor="middle" ${font()}>${escapeHtml(tick.label)}</text>`,
    );
  }
  if (o.reference !== undefined) {
    const rx = x(o.reference);
    parts.push(
      `<line x1="${r(rx)}" x2="${r(rx)}" y1="${top - 4}" y2="${top + plotH}" stroke="${chartColors.axis}" stroke-dasharray="4 3"/>`,
    );
  }
  o.rows.forEach((row, i) => {
    const rowTop = top + i * rowH + gap / 2;
    const rowMid = rowTop + (row.bars.length * barH) / 2;
    parts.push(
      `<text x="${labelW - 8}" y="${r(rowMid + 4)}" text-anchor="end" ${font()}>${escapeHtml(row.label)}</text>`,
    );
    row.bars.forEach((bar, j) => {
      const y = rowTop + j * barH;
      const xm = x(bar.stat.median);
      const xmin = x(bar.stat.min);
      const xmax = x(bar.stat.max);
      const mid = y + barH / 2;
      parts.push(
        `<rect x="${labelW}" y="${r(y + 1)}" width="${r(xm - labelW)}" height="${barH - 2}" fill="${bar.color}" fill-opacity="0.8"/>`,
        `<path d="M${r(xmin)} ${r(mid)}H${r(xmax)}M${r(xmin)} ${r(y + 1)}V${r(y + barH - 1)}M${r(xmax)} ${r(y + 1)}V${r(y + barH - 1)}" stroke="${chartColors.text}" stroke-width="1.25" fill="none"/>`,
        `<text x="${r(Math.max(xm, xmax) + 6)}" y="${r(mid + 4)}" ${font()}>${escapeHtml(bar.text)}</text>`,
      );
    });
  });
  parts.push(
    `<line x1="${labelW}" x2="${labelW}" y1="${top}" y2="${top + plotH}" stroke="${chartColors.axis}"/>`,
  );
  if (o.legend) parts.push(legend(labelW, 16, o.legend));
  parts.push("</svg>");
  return parts.join("");
}
