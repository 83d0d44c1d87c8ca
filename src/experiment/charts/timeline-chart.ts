import { escapeHtml } from "../report-escape.js";
import { cellLabel } from "../report-table.js";
import type { CellSummary } from "../summary-schema.js";
import { finiteOr, linearTicks, maxOf, minOf, tickLabels } from "./chart-scales.js";
import { chartColors, font, legend, r } from "./svg-primitives.js";

/**
 * A cell's per-second timeline, drawn like the seed's: x is seconds since the
 * run started, the probe's completed requests per second is a line on the
 * left axis, heavy completions per second are bars on the right axis, the
 * heavy phase is shaded, and the discarded warm-up is shaded grey.
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
  // The discarded warm-up (negative seconds), shaded grey: on the chart, in no statistic.
  const warmupX0 = x(Math.max(t0, finiteOr(cell.phases.warmupStart ?? 0, 0)));
  const warmupX1 = x(Math.min(t1, 0));
  if (warmupX1 > warmupX0) {
    parts.push(
      `<rect x="${r(warmupX0)}" y="${m.top}" width="${r(warmupX1 - warmupX0)}" height="${plotH}" fill="${chartColors.warmupPhase}" fill-opacity="0.45"/>`,
      `<text x="${r((warmupX0 + warmupX1) / 2)}" y="${m.top + 12}" text-anchor="middle" ${font()} fill-opacity="0.8">warm-up</text>`,
    );
  }
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
