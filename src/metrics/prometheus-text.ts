/** One sample line of the Prometheus text format. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses the sample lines of a Prometheus text exposition (as served by
 * `/metrics`), skipping comments. For the experiment runner and the tests,
 * which scrape before and after a phase and diff the counters and buckets.
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split("\n")) {
    const match = sampleLine.exec(line.trim());
    if (!match?.[1] || match[3] === undefined) {
      continue;
    }
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(labelPair)) {
      if (key !== undefined && value !== undefined) {
        labels[key] = value.replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
      }
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include all of `labels`. */
export function sumSamples(
  samples: PrometheusSample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const sample of samples) {
    if (
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value)
    ) {
      sum += sample.value;
    }
  }
  return sum;
}
