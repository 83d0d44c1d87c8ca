import {
  formatBytes,
  formatCount,
  formatMs,
  formatRate,
  formatSeconds,
  formatSpread,
  formatStat,
  msNumber,
  notAvailable,
  percentNumber,
} from "./report-format.js";
import type { CellSummary, ExperimentSummary } from "./summary-schema.js";

/** Plain-text table: the renderers escape the text for their own syntax. */
export interface ReportTable {
  headers: string[];
  rows: string[][];
}

/** One label/value pair of the report header. */
export interface ReportFact {
  label: string;
  value: string;
}

/** The per-cell table that report.md and report.html both show. */
export const cellColumns = [
  "format",
  "workers",
  "strategy",
  "source",
  "probe retention",
  "probe p50 during / before",
  "probe p99 during / before",
  "probe errors",
  "heavy req/s",
  "heavy MB/s",
  "response size",
  "heavy done / errors",
  "spread across workers",
  "server loop delay p99",
  "load-gen CPU",
] as const;

export function buildCellTable(summary: ExperimentSummary): ReportTable {
  return { headers: [...cellColumns], rows: summary.cells.map(cellRow) };
}

function cellRow(cell: CellSummary): string[] {
  const { probe, heavy } = cell;
  return [
    cell.format,
    String(cell.workers),
    cell.strategy,
    cell.source ?? "build",
    formatStat(probe.stats.retention, percentNumber, "%"),
    `${formatMs(probe.p50DuringMs)} / ${formatMs(probe.p50BaselineMs)}`,
    `${formatStat(probe.stats.p99DuringMs, msNumber, " ms")} / ${formatMs(probe.p99BaselineMs)}`,
    formatCount(probe.errors),
    formatStat(heavy.stats.rps, formatRate),
    formatStat(heavy.stats.mbPerS, formatRate),
    formatBytes(heavy.bytes),
    `${formatCount(heavy.completed)} / ${formatCount(heavy.errors)}`,
    formatSpread(cell.workerSpread),
    formatStat(cell.server.eventLoopDelayP99Ms, msNumber, " ms"),
    formatStat(cell.loadgen.cpuPercent, (n) => percentNumber(n / 100), "%"),
  ];
}

/** A short label naming a cell, e.g. "grpc · 2 workers · offload". */
export function cellLabel(cell: CellSummary): string {
  return `${cell.format} · ${cell.workers} worker${cell.workers === 1 ? "" : "s"} · ${cell.strategy}${cell.source === "memory" ? " · memory" : ""}`;
}

/** The environment the experiment ran in. */
export function environmentFacts(summary: ExperimentSummary): ReportFact[] {
  const env = summary.environment;
  return [
    { label: "Node.js", value: env.node },
    { label: "platform", value: `${env.platform} ${env.arch}` },
    {
      label: "CPU",
      value: `${env.cpuModel} (${env.cpus} cores, available parallelism ${env.availableParallelism})`,
    },
    { label: "loopstall", value: env.loopstallVersion },
    { label: "started", value: summary.startedAt },
    { label: "finished", value: summary.finishedAt },
  ];
}

/** The settings every cell shared. */
export function settingsFacts(summary: ExperimentSummary): ReportFact[] {
  const s = summary.settings;
  const probeRate = s.probe.mode === "open" ? `, ${s.probe.rate ?? notAvailable} req/s` : "";
  const shape = s.heavy.shape;
  return [
    { label: "engine", value: s.engine },
    { label: "launcher", value: s.launcher },
    { label: "repeats per cell", value: `${s.repeats}${s.quick ? " (quick run)" : ""}` },
    {
      label: "probe",
      value: `${s.probe.mode} loop${probeRate}, ${s.probe.connections} connection(s), timeout ${formatCount(s.probe.timeoutMs)} ms`,
    },
    {
      label: "heavy load",
      value: `${s.heavy.concurrency} concurrent request(s) over ${s.heavy.connections} connection(s); ${formatCount(shape.count)} clients × ${shape.accountsPerClient} account(s), ${shape.filledStrings} filled optional string(s)`,
    },
    {
      label: "phases",
      value: `baseline ${formatSeconds(s.phases.baselineS)}, heavy ${formatSeconds(s.phases.heavyS)}, recovery ${formatSeconds(s.phases.recoveryS)}`,
    },
    {
      label: "matrix",
      value: `formats ${s.matrix.formats.join(", ")}; workers ${s.matrix.workers.join(", ")}; strategies ${s.matrix.strategies.join(", ")}; sources ${(s.matrix.sources ?? ["build"]).join(", ")}`,
    },
  ];
}

/** The "how to read this" text, as paragraphs of plain text. */
export const howToRead: readonly string[] = [
  "Each row is one cell of the matrix: a serialization format, a worker count and a strategy (inline: the whole response is serialized on the event loop; offload: it is built and encoded in a worker thread; stream: it is sent as a server stream, one page per message; fast: inline, but built as plain objects and encoded by the generated codec). A small probe RPC runs throughout; heavy requests for a big response run only during the heavy phase.",
  "Probe retention is the probe's completed requests per second while the heavy load runs, divided by its rate in the baseline phase before it: 100% means the heavy load did not disturb the probe, 0% means the probe starved, as a liveness probe would. Latencies compare the probe during the heavy phase with the baseline. Every number is the median over the cell's repeats; ranges in parentheses are the min–max over those repeats.",
  "The spread shows how requests were shared between worker processes: node:cluster balances connections, not requests, so an uneven spread means some workers did most of the work. The server loop delay is the event-loop delay p99 measured inside the server. A load generator using close to 100% of a core may itself have limited the numbers. MB is 1,000,000 bytes.",
];
