/**
 * `npm run bench:engine`: loopstall's load engine (`loopstall ghz`) next to
 * the real ghz, on the same loopstall server and the same calls (`Live` at
 * -c 8 over 2 connections, `ListClients` at -c 2), alternating tool by tool
 * within each round and rotating who goes first, so machine noise hits both
 * alike. Prints each tool's req/s, p50 and p99 (medians over rounds, with
 * min–max), the engine ÷ ghz ratios, and each tool's own CPU.
 *
 * `--pin` runs the server on core 0 and the tools on the other cores
 * (taskset); `--before <bin/loopstall.js>` adds another checkout's engine
 * as `engine-before`, measured in the same rounds.
 */
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { projectRoot } from "../runtime/entry.js";
import { positiveInteger } from "./bench-flags.js";
import { createWorkDir, type LoadSettings, removeWorkDir, runTool } from "./peers/load-runs.js";
import { startPeer } from "./peers/peer-processes.js";
import { bankProtoPath } from "./peers/peer-ready.js";

interface Options {
  rounds: number;
  liveTotal: number;
  listTotal: number;
  listCount: number;
  pin: boolean;
  ghz: string | undefined;
  before: string | undefined;
}

const root = projectRoot;

/** One call the tools run, with ghz's flags. */
interface Scenario {
  id: string;
  call: string;
  data: string;
  concurrency: number;
  connections: number;
  total: number;
}

/** One tool's run of a scenario. */
interface Measured {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  failed: number;
  /** The tool's own CPU ÷ its wall time, 100 = one core. */
  cpuPercent: number | undefined;
}

type Tool = "ghz" | "engine" | "engine-before";

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (o.ghz === undefined) {
    throw new Error("ghz not found: run `npm run install:ghz` (scripts/install-ghz.sh) first");
  }
  const cores = availableParallelism();
  const pinned = o.pin && cores >= 2;
  const toolCpus = pinned ? `1-${cores - 1}` : undefined;
  const workDir = createWorkDir(1);
  const settings: LoadSettings = { cpus: toolCpus, workDir, killAfterMs: 300_000 };
  const scenarios: Scenario[] = [
    {
      id: "Live -c 8 --connections 2",
      call: "bank.v1.BankService/Live",
      data: "{}",
      concurrency: 8,
      connections: 2,
      total: o.liveTotal,
    },
    {
      id: `ListClients(count=${o.listCount}) -c 2 --connections 2`,
      call: "bank.v1.BankService/ListClients",
      data: JSON.stringify({ shape: { count: o.listCount } }),
      concurrency: 2,
      connections: 2,
      total: o.listTotal,
    },
  ];
  const tools: Tool[] =
    o.before === undefined ? ["ghz", "engine"] : ["ghz", "engine", "engine-before"];
  const server = await startPeer("loopstall", root, pinned ? "0" : undefined);
  const target = `127.0.0.1:${server.ports.h2c ?? server.ports.http1}`;
  const results = new Map<string, Measured[]>();
  try {
    console.log(
      `bench:engine: Node ${process.version}, ${cores} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(
          " ",
        )}, ${o.rounds} rounds, ${pinned ? "server on core 0, tools on the rest" : "not pinned"}`,
    );
    console.log("warm-up pass (not recorded)");
    for (const scenario of scenarios) {
      for (const tool of tools) {
        await measure(
          tool,
          { ...scenario, total: Math.min(scenario.total, 2_000) },
          target,
          o,
          settings,
        );
      }
    }
    for (let round = 0; round < o.rounds; round++) {
      for (const scenario of scenarios) {
        const order = tools.map((_, i) => tools[(i + round) % tools.length] as Tool);
        for (const tool of order) {
          const m = await measure(tool, scenario, target, o, settings);
          const key = `${scenario.id}|${tool}`;
          results.set(key, [...(results.get(key) ?? []), m]);
          console.log(
            `round ${round + 1} ${scenario.id} ${tool}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms, ${m.failed} failed, CPU ${m.cpuPercent?.toFixed(0) ?? "?"}%`,
          );
        }
      }
    }
  } finally {
    await server.stop();
    removeWorkDir(workDir);
  }
  console.log("");
  console.log(
    "| call | tool | req/s | p50 ms | p99 ms | tool CPU % | rps ÷ ghz | p50 ÷ ghz | p99 ÷ ghz |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const scenario of scenarios) {
    const ghz = results.get(`${scenario.id}|ghz`) ?? [];
    for (const tool of tools) {
      const runs = results.get(`${scenario.id}|${tool}`) ?? [];
      // Ratios per round (each tool's run beside ghz's in the same round).
      const ratio = (pick: (m: Measured) => number) =>
        tool === "ghz"
          ? "1"
          : spread(
              runs.map((m, i) => pick(m) / pick(ghz[i] ?? m)),
              (r) => r.toFixed(2),
            );
      console.log(
        `| ${scenario.id} | ${tool} | ${spread(
          runs.map((m) => m.rps),
          (v) => v.toFixed(0),
        )} | ${spread(
          runs.map((m) => m.p50Ms),
          (v) => v.toFixed(2),
        )} | ${spread(
          runs.map((m) => m.p99Ms),
          (v) => v.toFixed(2),
        )} | ${spread(
          runs.flatMap((m) => (m.cpuPercent === undefined ? [] : [m.cpuPercent])),
          (v) => v.toFixed(0),
        )} | ${ratio((m) => m.rps)} | ${ratio((m) => m.p50Ms)} | ${ratio((m) => m.p99Ms)} |`,
      );
    }
  }
  console.log(
    "\nMedians over rounds, min–max in brackets; ratios are per round (tool ÷ ghz in the same round). Tool CPU is the load tool's own CPU time ÷ its wall time (100 = one core), process start included.",
  );
}

async function measure(
  tool: Tool,
  s: Scenario,
  target: string,
  o: Options,
  settings: LoadSettings,
): Promise<Measured> {
  const out = join(settings.workDir, `report-${process.hrtime.bigint()}.json`);
  const flags = [
    "--insecure",
    "--call",
    s.call,
    "-d",
    s.data,
    "-c",
    String(s.concurrency),
    "--connections",
    String(s.connections),
    "-n",
    String(s.total),
    "--format",
    "json",
    // A file, not stdout: the report is read whole whatever the tool does with pipes.
    "--output",
    out,
    target,
  ];
  const command =
    tool === "ghz"
      ? [o.ghz ?? "ghz", "--proto", bankProtoPath, ...flags]
      : [
          process.execPath,
          tool === "engine" ? join(root, "bin", "loopstall.js") : (o.before ?? ""),
          "ghz",
          ...flags,
        ];
  const run = await runTool(command, settings);
  const report = JSON.parse(await readFile(out, "utf8")) as {
    rps: number;
    count: number;
    statusCodeDistribution: Record<string, number> | null;
    latencyDistribution: Array<{ percentage: number; latency: number }> | null;
  };
  const ok = report.statusCodeDistribution?.OK ?? 0;
  const percentile = (p: number) =>
    (report.latencyDistribution?.find((d) => d.percentage === p)?.latency ?? Number.NaN) / 1e6;
  return {
    rps: report.rps,
    p50Ms: percentile(50),
    p99Ms: percentile(99),
    ok,
    failed: report.count - ok,
    cpuPercent: run.cpuSeconds === undefined ? undefined : (100 * run.cpuSeconds) / run.wallSeconds,
  };
}

/** `median (min–max)` of values. */
function spread(values: number[], format: (v: number) => string): string {
  if (values.length === 0) {
    return "–";
  }
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
  return `${format(median)} (${format(sorted[0] as number)}–${format(sorted[sorted.length - 1] as number)})`;
}

function parseOptions(argv: string[]): Options {
  const program = new Command("bench:engine")
    .option("--rounds <n>", "rounds; each runs every tool once per call", positiveInteger, 3)
    .option("--live-total <n>", "Live calls per run (-n)", positiveInteger, 20_000)
    .option("--list-total <n>", "ListClients calls per run (-n)", positiveInteger, 200)
    .option("--list-count <n>", "clients per ListClients response", positiveInteger, 1_000)
    .option("--pin", "server on core 0, the tools on the others (taskset)", false)
    .option("--ghz <path>", "ghz binary (default: ghz on PATH or in $(go env GOPATH)/bin)")
    .option(
      "--before <loopstall.js>",
      "another checkout's bin/loopstall.js, measured as engine-before",
    )
    .parse(argv, { from: "user" });
  const opts = program.opts<Options>();
  return { ...opts, ghz: opts.ghz ?? findGhz() };
}

function findGhz(): string | undefined {
  const candidates = ["ghz"];
  try {
    candidates.push(
      join(execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim(), "bin", "ghz"),
    );
  } catch {
    // No Go: only PATH.
  }
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // Try the next.
    }
  }
  return undefined;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
