import { escapeHtml } from "./report-escape.js";
import { formatMs, formatPercent } from "./report-format.js";
import { cellLabel } from "./report-table.js";
import type { CellSummary, Stat } from "./summary-schema.js";

/** Series colours, shared with the page's legend styles. */
export const chartColors = {
  probe: "#2b6cb0",
  heavy: "#dd6b20",
  heavyPhase: "#fbd38d",
  grid: "#e2e8f0",
  axis: "#4a5568",
  text: "#1a202c",
} as const;

/** Text attributes in the chart font, filled with `color`. */
function font(color: string = chartColors.text): string {
  return `font-family="system-ui, sans-serif" font-size="11" fill="${color}"`;
}

/** Rounds for SVG coordinates: two decimals are plenty and keep the file small. */
function r(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function finiteOr(n: number, fallback: number): number {
  return Number.isFinite(n) ? n : fallback;
}

/** The largest finite value, or `floor`; a loop, because spreading a day of points into Math.max can overflow the stack. */
function maxOf(values: Iterable<number>, floor: number): number {
  let max = floor;
  for (const v of values) if (Number.isFinite(v) && v > max) max = v;
  return max;
}

function minOf(values: Iterable<number>, ceiling: number): number {
  let min = ceiling;
  for (const v of values) if (Number.isFinite(v) && v < min) min = v;
  return min;
}

/** About `count` evenly spaced round tick values from 0 to at least `max`. */
export function linearTicks(max: number, count = 5): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const rough = top / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  const ticks: number[] = [];
  // toPrecision drops float noise such as 0.6000000000000001.
  for (let i = 0; i * step < top + step * 0.999; i += 1)
    ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Tick labels with as many decimals as the step between ticks needs ("0", "2.5", "5"). */
function tickLabels(ticks: number[]): string[] {
  const step = ticks.length > 1 ? (ticks[1] ?? 1) - (ticks[0] ?? 0) : 1;
  const digits = Number.isInteger(step) ? 0 : step >= 0.1 ? 1 : 2;
  return ticks.map((t) =>
    t.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  );
}

/**
 * A cell's per-second timeline, drawn like the seed's: x is seconds since the
 * run started, the probe's completed requests per second is a line on the
 * left axis, heavy completions per second are bars on the right axis, and the
 * heavy phase is shaded.
 */
export function renderTimelineSvg(cell: CellSummary): string {
  const width = 560;
  const height = 250;
  const m = { left: 56, right: 48, top: 30, bottom: 38 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const points = cell.timeline;
  const label = `Timeline of ${cellLabel(cell)}: probe and heavy requests completed per second`;
  const open = `<svg class="timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(label)}</title>`;
  if (points.length === 0) {
    return `${open}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" ${font()}>no timeline recorded</text></svg>`;
  }

  const ts = points.map((p) => finiteOr(p.t, 0));
  const t0 = minOf(ts, 0);
  // A point at t covers the second [t, t+1), so the axis runs one second past the last point.
  const t1 = Math.max(t0 + 1, maxOf(ts, t0) + 1, finiteOr(cell.phases.heavyEnd, 0));
  const x = (t: number) => m.left + ((t - t0) / (t1 - t0)) * plotW;
  const probeTicks = linearTicks(
    maxOf(
      points.map((p) => p.probe),
      0,
    ),
  );
  // The heavy axis runs to twice its peak so its bars stay in the lower half, under the probe line.
  const heavyTicks = linearTicks(
    2 *
      maxOf(
        points.map((p) => p.heavy),
        0,
      ),
    4,
  );
  const probeTop = probeTicks.at(-1) ?? 1;
  const heavyTop = heavyTicks.at(-1) ?? 1;
  const yProbe = (v: number) => m.top + plotH - (finiteOr(v, 0) / probeTop) * plotH;
  const yHeavy = (v: number) => m.top + plotH - (finiteOr(v, 0) / heavyTop) * plotH;
  const bottom = m.top + plotH;

  const parts: string[] = [open];
  const shadeX0 = x(Math.max(t0, finiteOr(cell.phases.heavyStart, t0)));
  const shadeX1 = x(Math.min(t1, finiteOr(cell.phases.heavyEnd, t0)));
  if (shadeX1 > shadeX0) {
    parts.push(
      `<rect x="${r(shadeX0)}" y="${m.top}" width="${r(shadeX1 - shadeX0)}" height="${plotH}" fill="${chartColors.heavyPhase}" fill-opacity="0.35"/>`,
      `<text x="${r((shadeX0 + shadeX1) / 2)}" y="${m.top + 12}" text-anchor="middle" ${font()} fill-opacity="0.8">heavy phase</text>`,
    );
  }
  const probeLabels = tickLabels(probeTicks);
  const heavyLabels = tickLabels(heavyTicks);
  probeTicks.forEach((tick, i) => {
    const y = yProbe(tick);
    parts.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${r(y)}" y2="${r(y)}" stroke="${chartColors.grid}"/>`,
      `<text x="${m.left - 6}" y="${r(y + 4)}" text-anchor="end" ${font(chartColors.probe)}>${probeLabels[i]}</text>`,
    );
  });
  heavyTicks.forEach((tick, i) => {
    parts.push(
      `<text x="${m.left + plotW + 6}" y="${r(yHeavy(tick) + 4)}" ${font(chartColors.heavy)}>${heavyLabels[i]}</text>`,
    );
  });
  const timeTicks = linearTicks(t1 - t0, 8);
  const timeLabels = tickLabels(timeTicks.map((tick) => t0 + tick));
  timeTicks.forEach((tick, i) => {
    const tx = x(t0 + tick);
    if (tx > m.left + plotW + 0.5) return;
    parts.push(
      `<line x1="${r(tx)}" x2="${r(tx)}" y1="${bottom}" y2="${bottom + 4}" stroke="${chartColors.axis}"/>`,
      `<text x="${r(tx)}" y="${bottom + 16}" text-anchor="middle" ${font()}>${timeLabels[i]}</text>`,
    );
  });

  const secondW = plotW / (t1 - t0);
  const barW = Math.max(1, secondW * 0.6);
  const bars = points
    .filter((p) => finiteOr(p.heavy, 0) > 0)
    .map((p) => {
      const y = yHeavy(p.heavy);
      return `<rect x="${r(x(finiteOr(p.t, 0)) + (secondW - barW) / 2)}" y="${r(y)}" width="${r(barW)}" height="${r(bottom - y)}"/>`;
    });
  parts.push(`<g fill="${chartColors.heavy}" fill-opacity="0.55">${bars.join("")}</g>`);
  // The probe's count for second t is drawn at the middle of that second.
  const line = points
    .map((p) => `${r(x(finiteOr(p.t, 0)) + secondW / 2)},${r(yProbe(p.probe))}`)
    .join(" ");
  parts.push(
    `<polyline points="${line}" fill="none" stroke="${chartColors.probe}" stroke-width="1.75" stroke-linejoin="round"/>`,
    `<line x1="${m.left}" x2="${m.left + plotW}" y1="${bottom}" y2="${bottom}" stroke="${chartColors.axis}"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${bottom}" stroke="${chartColors.axis}"/>`,
    `<text x="${m.left + plotW / 2}" y="${height - 4}" text-anchor="middle" ${font()}>seconds since start</text>`,
    `<text transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" ${font(chartColors.probe)}>probe req/s</text>`,
    `<text transform="translate(${width - 8} ${m.top + plotH / 2}) rotate(90)" text-anchor="middle" ${font(chartColors.heavy)}>heavy req/s</text>`,
    legend(m.left, 14, [
      { color: chartColors.probe, text: "probe completed/s (left axis)", kind: "line" },
      { color: chartColors.heavy, text: "heavy completed/s (right axis)", kind: "box" },
    ]),
    "</svg>",
  );
  return parts.join("");
}

interface LegendEntry {
  color: string;
  text: string;
  kind: "line" | "box";
}

function legend(x: number, y: number, entries: LegendEntry[]): string {
  let offset = x;
  const parts: string[] = [];
  for (const e of entries) {
    parts.push(
      e.kind === "line"
        ? `<line x1="${offset}" x2="${offset + 16}" y1="${y - 4}" y2="${y - 4}" stroke="${e.color}" stroke-width="2"/>`
        : `<rect x="${offset + 3}" y="${y - 9}" width="10" height="10" fill="${e.color}" fill-opacity="0.75"/>`,
      `<text x="${offset + 21}" y="${y}" ${font()}>${escapeHtml(e.text)}</text>`,
    );
    offset += 21 + e.text.length * 5.6 + 18;
  }
  return parts.join("");
}

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

function renderBarChart(o: BarChartOptions, className: string): string {
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
