/**
 * Go duration strings (`10s`, `1m30s`, `250ms`), as ghz's flags and config
 * files write them. Pure and dependency-free, so the k6
 * script `loadtest/ghz.ts` can import it directly (siblings only, with `.ts`
 * specifiers).
 */

const ns = 1;
const goUnits: Record<string, number> = {
  ns,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3_600e9,
};

/**
 * Parses a Go duration ("300ms", "1m30s", "1.5h", "0") into integer ns.
 * Throws a clear error on anything else.
 */
export function parseGoDuration(text: string): number {
  const input = text.trim();
  if (input === "0" || input === "+0" || input === "-0") {
    return 0;
  }
  const match = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(input);
  if (!match) {
    throw new Error(
      `invalid duration "${text}": use a number with a unit (ns, us, ms, s, m, h), e.g. "10s" or "1m30s"`,
    );
  }
  let total = 0;
  // An exec loop rather than matchAll: k6's JavaScript runtime runs this too.
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  for (let m = part.exec(match[2] as string); m !== null; m = part.exec(match[2] as string)) {
    total += Number(m[1]) * (goUnits[m[2] as string] as number);
  }
  return Math.trunc(match[1] === "-" ? -total : total);
}
