/**
 * `npm run bench:serialize`: how much each serialization strategy blocks the
 * server's event loop, per wire format, on the default request (40,000
 * clients).
 *
 * It starts one server (the shared launcher) and, for every format
 * (connect-proto, connect-json, grpc, grpc-web, rest-json) and strategy
 * (inline, offload, stream, fast), measures with the embedded load engine:
 * - the server's event-loop delay (max, p99, from its own `/metrics`) while
 *   it serves one heavy request alone, and that request's time and bytes;
 * - heavy requests per second at concurrency 2 for `--max-seconds`;
 * - the p99 of a `Live` probe (its own thread, open model by default) during
 *   that load, and the server's loop delay max meanwhile.
 *
 * `stream` means `StreamClients` for the RPC formats and chunked JSON for
 * REST. Heavy responses are drained and status-checked, never decoded.
 * Flags (see --help): --quick, --formats, --strategies, --max-seconds,
 * --pool-size, --probe-connections, --probe-rate, --probe-mode.
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { Command, Option } from "commander";
import { defaultShape } from "../contract/shape.js";
import { type Format, formats, type Strategy, strategies } from "../contract/wire.js";
import { type DelaySnapshot, delayQuantileMs, scrapeDelay } from "../experiment/metrics-scrape.js";
import { startServerProcess } from "../launcher/server-process.js";
import { createHeavyCaller } from "../load/heavy-call.js";
import { listParser } from "../load/load-flags.js";
import { runLoad } from "../load/load-run.js";
import { defaultHeavySettings, defaultProbeSettings } from "../load/load-settings.js";
import { packageVersion } from "../runtime/package-version.js";

interface BenchOptions {
  formats: Format[];
  strategies: Strategy[];
  maxSeconds: number;
  poolSize: number;
  probeConnections: number;
  probeRate: number;
  probeMode: "open" | "closed";
}

interface Row {
  format: Format;
  strategy: Strategy;
  bytes: number;
  singleMs: number;
  loopMaxMs: number;
  loopP99Ms: number;
  loadLoopMaxMs: number;
  reqPerSec: number;
  failed: number;
  probeP99Ms: number;
  probeMaxMs: number;
  probeCalls: number;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const server = await startServerProcess({
    env: { POOL_SIZE: String(options.poolSize), STRATEGY: "inline" },
  });
  try {
    printSettings(options, server.child?.pid ?? 0);
    const rows: Row[] = [];
    for (const format of options.formats) {
      for (const strategy of options.strategies) {
        const row = await measure(format, strategy, options, server.baseUrl);
        rows.push(row);
        console.error(
          `  ${format}/${strategy}: loop max ${fmt(row.loopMaxMs)} ms, Live p99 ${fmt(row.probeP99Ms)} ms`,
        );
      }
    }
    printTable(rows);
  } finally {
    await server.stop();
  }
}

/** One format × strategy: a warm-up, one request alone, then load at concurrency 2. */
async function measure(
  format: Format,
  strategy: Strategy,
  options: BenchOptions,
  baseUrl: string,
): Promise<Row> {
  const heavy = createHeavyCaller({
    format,
    strategy,
    shape: defaultShape,
    baseUrl,
    connections: 1,
  });
  let single: { ms: number; bytes: number; before?: DelaySnapshot; after?: DelaySnapshot };
  try {
    await checkedCall(heavy.call(0, AbortSignal.timeout(60_000))); // Warm-up; starts pool threads.
    await sleep(200);
    const before = await scrapeDelay(baseUrl);
    const start = performance.now();
    const bytes = await checkedCall(heavy.call(0, AbortSignal.timeout(60_000)));
    const ms = performance.now() - start;
    // The delay timer records a stall once the loop is free again: let one tick land.
    await sleep(50);
    single = { ms, bytes, before, after: await scrapeDelay(baseUrl) };
  } finally {
    heavy.close();
  }

  let loadBefore: Promise<DelaySnapshot | undefined> | undefined;
  let loadAfter: Promise<DelaySnapshot | undefined> | undefined;
  const result = await runLoad({
    baseUrl,
    format,
    strategy,
    shape: defaultShape,
    probe: {
      ...defaultProbeSettings,
      mode: options.probeMode,
      rate: options.probeRate,
      connections: options.probeConnections,
    },
    heavy: { ...defaultHeavySettings, concurrency: 2, connections: 2 },
    phases: { baselineS: 1, heavyS: options.maxSeconds, recoveryS: 1 },
    onPhase(phase) {
      if (phase === "heavy") {
        loadBefore = scrapeDelay(baseUrl);
      } else if (phase === "recovery") {
        loadAfter = scrapeDelay(baseUrl);
      }
    },
  });
  const after = await loadAfter;
  return {
    format,
    strategy,
    bytes: single.bytes,
    singleMs: single.ms,
    loopMaxMs: worst(single.before, single.after, 1),
    loopP99Ms: worst(single.before, single.after, 0.99),
    loadLoopMaxMs: after === undefined ? Number.NaN : worst(await loadBefore, after, 1),
    reqPerSec: result.heavy.rps,
    failed: result.heavy.errors,
    probeP99Ms: result.probe.heavy.p99Ms,
    probeMaxMs: result.probe.heavy.maxMs,
    probeCalls: result.probe.heavy.completed,
  };
}

/** A delay quantile between two scrapes, the worst over the server's processes. */
function worst(before: DelaySnapshot | undefined, after: DelaySnapshot | undefined, q: number) {
  if (after === undefined) {
    return Number.NaN;
  }
  const perProcess = [...delayQuantileMs(before, after, q).values()];
  return perProcess.length === 0 ? Number.NaN : Math.max(...perProcess);
}

async function checkedCall(
  outcome: Promise<{ status: string; error?: string; bytes?: number }>,
): Promise<number> {
  const { status, error, bytes } = await outcome;
  if (status !== "OK") {
    throw new Error(`heavy call failed: ${status} ${error ?? ""}`);
  }
  return bytes ?? 0;
}

function parseOptions(argv: string[]): BenchOptions {
  const positive = (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 3_600) {
      throw new Error(`expected an integer from 1 to 3,600, got "${value}"`);
    }
    return n;
  };
  const o = new Command("bench:serialize")
    .description("Event-loop blocking of each serialization strategy, per wire format.")
    .version(packageVersion)
    .addOption(new Option("--quick", "4 s of load per format and strategy"))
    .addOption(
      new Option("--formats <list>", "comma-separated formats")
        .argParser(listParser(formats))
        .default([...formats], "all"),
    )
    .addOption(
      new Option("--strategies <list>", "comma-separated strategies")
        .argParser(listParser(strategies))
        .default([...strategies], "all"),
    )
    .addOption(
      new Option("--max-seconds <n>", "seconds of concurrency-2 load per format and strategy")
        .argParser(positive)
        .default(10),
    )
    .addOption(
      new Option("--pool-size <n>", "offload pool threads")
        .argParser(positive)
        .default(Math.max(1, availableParallelism() - 1), "cores - 1, at least 1"),
    )
    .addOption(
      new Option("--probe-connections <n>", "Live probe connections")
        .argParser(positive)
        .default(4),
    )
    .addOption(
      new Option("--probe-rate <n>", "open-model Live calls per second")
        .argParser(positive)
        .default(80),
    )
    .addOption(
      new Option("--probe-mode <mode>", "open: calls arrive on schedule; closed: one at a time")
        .choices(["open", "closed"])
        .default("open"),
    )
    .parse(argv, { from: "user" })
    .opts<BenchOptions & { quick?: boolean }>();
  if (o.quick) {
    o.maxSeconds = Math.min(o.maxSeconds, 4);
  }
  return o;
}

function printSettings(options: BenchOptions, serverPid: number): void {
  console.log("# bench:serialize");
  console.log(
    `node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown CPU"}), load average ${loadAverage()}`,
  );
  console.log(
    `request: default shape (40,000 clients, 1 account each, 3 strings filled); server pid ${serverPid}, offload pool ${options.poolSize} threads`,
  );
  console.log(
    `load: concurrency 2 on 2 connections for ${options.maxSeconds} s; Live probe (${options.probeMode}${options.probeMode === "open" ? `, ${options.probeRate}/s` : ""}) on ${options.probeConnections} h2c connections, in its own thread; loop delay from the server's /metrics`,
  );
}

function printTable(rows: Row[]): void {
  console.log(
    "\n| format | strategy | body bytes | 1 req ms | loop max ms | loop p99 ms | loop max ms (load) | heavy req/s (c=2) | Live p99 ms | Live max ms | Live calls |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const failed = r.failed > 0 ? ` (${r.failed} failed)` : "";
    console.log(
      `| ${r.format} | ${r.strategy} | ${r.bytes.toLocaleString("en-US")} | ${fmt(r.singleMs)} | ${fmt(r.loopMaxMs)} | ${fmt(r.loopP99Ms)} | ${fmt(r.loadLoopMaxMs)} | ${r.reqPerSec.toFixed(2)}${failed} | ${fmt(r.probeP99Ms)} | ${fmt(r.probeMaxMs)} | ${r.probeCalls} |`,
    );
  }
  console.log(`\nload average at the end: ${loadAverage()}`);
  console.log(
    "loop max/p99: the server's event-loop delay (its /metrics histogram, 1 ms to 10 s buckets) while it serves one request alone; (load): its max during the concurrency-2 phase. Live: the probe's latencies during that phase.",
  );
}

/** The 1-minute load average: other work on the machine skews every number. */
function loadAverage(): string {
  return (loadavg()[0] ?? 0).toFixed(2);
}

function fmt(ms: number): string {
  return Number.isNaN(ms) ? "-" : ms < 10 ? ms.toFixed(1) : ms.toFixed(0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
