/** The charts' shared drawing pieces: colours, the font, number rendering and the legend. */
import { escapeHtml } from "../report-escape.js";

/** Series colours, shared with the page's legend styles. */
export const chartColors = {
  probe: "#2b6cb0",
  heavy: "#dd6b20",
  heavyPhase: "#fbd38d",
  warmupPhase: "#cbd5e0",
  grid: "#e2e8f0",
  axis: "#4a5568",
  text: "#1a202c",
} as const;

/** Text attributes in the chart font, filled with `color`. */
export function font(color: string = chartColors.text): string {
  return `font-family="system-ui, sans-serif" font-size="11" fill="${color}"`;
}

/** Rounds for SVG coordinates: two decimals are plenty and keep the file small. */
export function r(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export interface LegendEntry {
  color: string;
  text: string;
  kind: "line" | "box";
}

export function legend(x: number, y: number, entries: LegendEntry[]): string {
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
