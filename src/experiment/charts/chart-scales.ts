/** Axis ranges and tick marks for the report's charts. */
export function finiteOr(n: number, fallback: number): number {
  return Number.isFinite(n) ? n : fallback;
}

/** The largest finite value, or `floor`; a loop, because spreading a day of points into Math.max can overflow the stack. */
export function maxOf(values: Iterable<number>, floor: number): number {
  let max = floor;
  for (const v of values) if (Number.isFinite(v) && v > max) max = v;
  return max;
}

export function minOf(values: Iterable<number>, ceiling: number): number {
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
export function tickLabels(ticks: number[]): string[] {
  const step = ticks.length > 1 ? (ticks[1] ?? 1) - (ticks[0] ?? 0) : 1;
  const digits = Number.isInteger(step) ? 0 : step >= 0.1 ? 1 : 2;
  return ticks.map((t) =>
    t.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  );
}
