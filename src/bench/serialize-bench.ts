/**
 * `npm run bench:serialize`: how much each serialization strategy blocks the
 * server's event loop, per wire format, on the default request (40,000
 * clients).
 *
 * For every format (connect-proto, connect-json, grpc, grpc-web, rest-json)
 * and strategy (inline, offload, stream) it measures, against one server
 * child process (see bench-server.ts):
 * - the server's event-loop delay (max, p99) while it serves one heavy request;
 * - the bytes of the response body;
 * - heavy requests per second at concurrency 2 (bounded by --requests and
 *   --max-seconds);
 * - the p99 of a `Live` probe (calls on a few connections, from a child
 *   process of its own; see live-probe.ts) while those heavy requests run.
 *
 * `stream` means `StreamClients` for the RPC formats and chunked JSON for REST.
 * All traffic is HTTP/2 (h2c) to 127.0.0.1, sent and counted raw, so the
 * bench never decodes the heavy responses. Flags (see --help): --quick,
 * --formats, --strategies, --requests, --max-seconds, --pool-size,
 * --probe-connections, --probe-interval-ms, --probe-mode.
 */

import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { type ClientHttp2Session, connect } from "node:http2";
import { availableParallelism, cpus, loadavg } from "node:os";
import { Command, Option } from "commander";
import { packageVersion } from "../package-version.js";
import { type Strategy, strategies, strategyHeader } from "../strategy/strategy.js";
import { type BenchServerMessage, delayResolutionMs } from "./bench-messages.js";
import type { LiveProbeMode, LiveProbeOptions, LiveProbeSummary } from "./live-probe.js";
import { type RawCall, rawH2Call } from "./raw-h2-call.js";

const formats = ["connect-proto", "connect-json", "grpc", "grpc-web", "rest-json"] as const;
type Format = (typeof formats)[number];

interface BenchOptions {
  formats: Format[];
  strategies: Strategy[];
  requests: number;
  maxSeconds: number;
  poolSize: number;
  probeConnections: number;
  probeIntervalMs: number;
  probeMode: LiveProbeMode;
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
  loadRequests: number;
  failed: number;
  live: LiveProbeSummary;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const server = await startBenchServer(options.poolSize);
  const probe = startLiveProbe();
  // One connection per load lane, as a load generator with two clients would have.
  const sessions = [connect(server.url), connect(server.url)];
  for (const session of sessions) {
    session.on("error", () => {});
  }
  try {
    printSettings(options, server.pid);
    await probe.run(probeOptions(server, options), () => sleep(500)); // Warm-up.
    const idle = await probe.run(probeOptions(server, options), () => sleep(1_000));
    console.log(`idle Live probe: p99 ${fmt(idle.p99Ms)} ms over ${idle.calls} calls\n`);
    const rows: Row[] = [];
    for (const format of options.formats) {
      for (const strategy of options.strategies) {
        const row = await measure(format, strategy, options, server, probe, sessions);
        rows.push(row);
        console.error(
          `  ${format}/${strategy}: loop max ${fmt(row.loopMaxMs)} ms, Live p99 ${fmt(row.live.p99Ms)} ms`,
        );
      }
    }
    printTable(rows);
  } finally {
    for (const session of sessions) {
      session.close();
    }
    for (const child of [probe.child, server.child]) {
      if (child.connected) {
        child.disconnect();
      }
    }
    await Promise.all([probe.child, server.child].map((child) => exited(child)));
  }
}

/** One format × strategy: a warm-up, one request alone, then load at concurrency 2. */
async function measure(
  format: Format,
  strategy: Strategy,
  options: BenchOptions,
  server: BenchServer,
  probe: LiveProbe,
  sessions: ClientHttp2Session[],
): Promise<Row> {
  const session = sessions[0];
  if (session === undefined) {
    throw new Error("no connection to measure on");
  }
  const call = heavyCall(format, strategy);
  await checked(session, call); // Warm-up (and starts the pool's threads).
  await sleep(200);

  server.child.send({ type: "reset" });
  await sleep(100);
  const start = performance.now();
  const bytes = await checked(session, call);
  const singleMs = performance.now() - start;
  await sleep(50);
  const loop = await server.report();

  let done = 0;
  let failed = 0;
  let elapsedMs = 0;
  server.child.send({ type: "reset" });
  const live = await probe.run(probeOptions(server, options), async () => {
    const loadStart = performance.now();
    const deadline = loadStart + options.maxSeconds * 1_000;
    let issued = 0;
    const lanes = sessions.map(async (lane) => {
      while (issued < options.requests && performance.now() < deadline) {
        issued++;
        try {
          await checked(lane, call);
          done++;
        } catch (error) {
          failed++;
          if (failed === 1) {
            console.error(`  ${format}/${strategy}: ${String(error)}`);
          }
        }
      }
    });
    await Promise.all(lanes);
    elapsedMs = performance.now() - loadStart;
  });
  const loadLoop = await server.report();
  return {
    format,
    strategy,
    bytes,
    singleMs,
    loopMaxMs: loop.maxMs,
    loopP99Ms: loop.p99Ms,
    loadLoopMaxMs: loadLoop.maxMs,
    reqPerSec: done / (elapsedMs / 1_000),
    loadRequests: done,
    failed,
    live,
  };
}

/** The raw HTTP/2 request of a format; `stream` calls StreamClients (or chunked REST). */
function heavyCall(format: Format, strategy: Strategy): RawCall {
  const emptyEnvelope = new Uint8Array(5);
  const rpc = strategy === "stream" ? "StreamClients" : "ListClients";
  const path = `/bank.v1.BankService/${rpc}`;
  const headers = { [strategyHeader]: strategy };
  switch (format) {
    case "connect-proto":
      return strategy === "stream"
        ? post(path, { ...headers, "content-type": "application/connect+proto" }, emptyEnvelope)
        : post(path, { ...headers, "content-type": "application/proto" }, new Uint8Array(0));
    case "connect-json": {
      const json = new TextEncoder().encode("{}");
      if (strategy !== "stream") {
        return post(path, { ...headers, "content-type": "application/json" }, json);
      }
      const envelope = new Uint8Array(5 + json.byteLength);
      new DataView(envelope.buffer).setUint32(1, json.byteLength);
      envelope.set(json, 5);
      return post(path, { ...headers, "content-type": "application/connect+json" }, envelope);
    }
    case "grpc":
      return post(
        path,
        { ...headers, "content-type": "application/grpc", te: "trailers" },
        emptyEnvelope,
      );
    case "grpc-web":
      return post(
        path,
        { ...headers, "content-type": "application/grpc-web+proto" },
        emptyEnvelope,
      );
    case "rest-json":
      return { method: "GET", path: `/v1/clients?strategy=${strategy}`, headers: {} };
  }
}

function post(path: string, headers: Record<string, string>, body: Uint8Array): RawCall {
  return { method: "POST", path, headers, body };
}

/** Sends a call and returns its body size; throws unless it succeeded. */
async function checked(session: ClientHttp2Session, call: RawCall): Promise<number> {
  const result = await rawH2Call(session, call);
  if (result.status !== 200 || (result.grpcStatus !== undefined && result.grpcStatus !== "0")) {
    throw new Error(`${call.path}: HTTP ${result.status}, grpc-status ${result.grpcStatus ?? "-"}`);
  }
  return result.bytes;
}

function probeOptions(server: BenchServer, options: BenchOptions): LiveProbeOptions {
  return {
    url: server.url,
    connections: options.probeConnections,
    intervalMs: options.probeIntervalMs,
    mode: options.probeMode,
  };
}

/** The Live probe child process (see live-probe.ts). */
interface LiveProbe {
  child: ChildProcess;
  /** Probes `url` for as long as `during` takes. */
  run(options: LiveProbeOptions, during: () => Promise<void>): Promise<LiveProbeSummary>;
}

function startLiveProbe(): LiveProbe {
  const child = fork(new URL(`./live-probe${extension()}`, import.meta.url), [], {
    execArgv: process.execArgv,
  });
  return {
    child,
    async run(options, during) {
      child.send({ type: "start", ...options });
      try {
        await sleep(300); // Let the probe connect and settle.
        await during();
      } finally {
        child.send({ type: "stop" });
      }
      const [summary] = (await once(child, "message")) as [LiveProbeSummary];
      return summary;
    },
  };
}

interface BenchServer {
  child: ChildProcess;
  url: string;
  pid: number;
  report(): Promise<{ maxMs: number; p99Ms: number }>;
}

async function startBenchServer(poolSize: number): Promise<BenchServer> {
  const child = fork(new URL(`./bench-server${extension()}`, import.meta.url), [], {
    env: { ...process.env, POOL_SIZE: String(poolSize), STRATEGY: "inline" },
    execArgv: process.execArgv,
  });
  const [ready] = (await once(child, "message")) as [BenchServerMessage];
  if (ready.type !== "ready") {
    throw new Error(`unexpected message from the bench server: ${JSON.stringify(ready)}`);
  }
  return {
    child,
    url: ready.url,
    pid: ready.pid,
    async report() {
      child.send({ type: "report" });
      const [message] = (await once(child, "message")) as [BenchServerMessage];
      if (message.type !== "report") {
        throw new Error(`unexpected message from the bench server: ${JSON.stringify(message)}`);
      }
      return message;
    },
  };
}

function parseOptions(argv: string[]): BenchOptions {
  const list = <T extends string>(allowed: readonly T[]) => {
    return (value: string): T[] =>
      value.split(",").map((item) => {
        const found = allowed.find((a) => a === item.trim());
        if (found === undefined) {
          throw new Error(`"${item}" is not one of ${allowed.join(", ")}`);
        }
        return found;
      });
  };
  const positive = (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`expected a positive integer, got "${value}"`);
    }
    return n;
  };
  const o = new Command("bench:serialize")
    .description("Event-loop blocking of each serialization strategy, per wire format.")
    .version(packageVersion)
    .addOption(new Option("--quick", "4 requests per load phase and at most 6 s"))
    .addOption(
      new Option("--formats <list>", "comma-separated formats")
        .argParser(list(formats))
        .default([...formats], formats.join(",")),
    )
    .addOption(
      new Option("--strategies <list>", "comma-separated strategies")
        .argParser(list(strategies))
        .default([...strategies], strategies.join(",")),
    )
    .addOption(
      new Option("--requests <n>", "heavy requests per load phase").argParser(positive).default(10),
    )
    .addOption(
      new Option("--max-seconds <n>", "time cap of a load phase").argParser(positive).default(15),
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
      new Option("--probe-interval-ms <n>", "Live calls are due every n ms on each connection")
        .argParser(positive)
        .default(50),
    )
    .addOption(
      new Option(
        "--probe-mode <mode>",
        "open: calls sent on schedule; closed: one call at a time per connection",
      )
        .choices(["open", "closed"])
        .default("open"),
    )
    .parse(argv, { from: "user" })
    .opts<BenchOptions & { quick?: boolean }>();
  if (o.quick) {
    o.requests = Math.min(o.requests, 4);
    o.maxSeconds = Math.min(o.maxSeconds, 6);
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
    `load: concurrency 2, ${options.requests} requests or ${options.maxSeconds} s per phase; Live probe (${options.probeMode}): ${options.probeConnections} h2c connections, one call due every ${options.probeIntervalMs} ms on each; loop delay sampled every ${delayResolutionMs} ms`,
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
      `| ${r.format} | ${r.strategy} | ${r.bytes.toLocaleString("en-US")} | ${fmt(r.singleMs)} | ${fmt(r.loopMaxMs)} | ${fmt(r.loopP99Ms)} | ${fmt(r.loadLoopMaxMs)} | ${r.reqPerSec.toFixed(2)}${failed} | ${fmt(r.live.p99Ms)} | ${fmt(r.live.maxMs)} | ${r.live.calls} |`,
    );
  }
  console.log(`\nload average at the end: ${loadAverage()}`);
  console.log(
    "loop max/p99: the server's monitorEventLoopDelay while it serves one request alone; (load): its max during the concurrency-2 phase. Live: the probe's latencies during that phase.",
  );
}

/** The 1-minute load average: other work on the machine skews every number. */
function loadAverage(): string {
  return (loadavg()[0] ?? 0).toFixed(2);
}

function fmt(ms: number): string {
  return Number.isNaN(ms) ? "-" : ms < 10 ? ms.toFixed(1) : ms.toFixed(0);
}

/** This module's extension: .ts under tsx, .js once compiled. */
function extension(): string {
  return import.meta.url.slice(import.meta.url.lastIndexOf("."));
}

function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : once(child, "exit");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
