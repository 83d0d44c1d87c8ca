/**
 * `npm run bench:peers`: loopstall next to the servers a reader would
 * otherwise pick — bare connect-node, @grpc/grpc-js, fastify — and Node's raw
 * http2/http as the ceiling, on the same proto and deterministic tree,
 * measured with external load tools (h2load, wrk, ghz), servers alternated
 * round by round so that machine noise hits them alike. Every load targets
 * 127.0.0.1 and is bounded in time. Writes `<out>.json` and `<out>.md`.
 *
 * `--pin` puts the servers on one core and the load tools on the others
 * (taskset), as grpc_bench does; `--smoke` is the CI form: one short round
 * that fails if any server does not answer, and says nothing about speed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { projectRoot } from "../runtime/entry.js";
import { positiveInteger } from "./bench-flags.js";
import {
  createWorkDir,
  type LoadSettings,
  type RunLength,
  removeWorkDir,
  runGhz,
  runH2load,
  runWrk,
  type ToolRun,
} from "./peers/load-runs.js";
import { type PeerName, type PeerProcess, peerNames, startPeer } from "./peers/peer-processes.js";
import { bankProtoPath } from "./peers/peer-ready.js";
import { renderPeersMarkdown } from "./peers/peers-markdown.js";
import {
  type PeerCase,
  type PeerRatio,
  type PeersResults,
  type RoundResult,
  type ScenarioId,
  spreadOf,
  summarizeCase,
} from "./peers/peers-results.js";

interface Options {
  rounds: number;
  seconds: number;
  heavyCount: number;
  heavyCalls: number;
  out: string;
  pin: boolean;
  smoke: boolean;
  ghz: string | undefined;
  baseline: string | undefined;
}

const root = projectRoot;

function parseOptions(argv: string[]): Options {
  const program = new Command("bench:peers")
    .option("--rounds <n>", "rounds; each runs every server once per scenario", positiveInteger, 3)
    .option("--seconds <n>", "length of each timed run", positiveInteger, 3)
    .option("--heavy-count <n>", "clients per heavy ListClients call", positiveInteger, 20_000)
    .option(
      "--heavy-calls <n>",
      "heavy calls per server and round, one at a time",
      positiveInteger,
      4,
    )
    .option("--out <path>", "output path without extension", "results/peers")
    .option("--pin", "pin servers to core 0 and load tools to the others (taskset)", false)
    .option("--smoke", "one short round that only checks every server answers (CI)", false)
    .option("--ghz <path>", "ghz binary (default: ghz on PATH or in $(go env GOPATH)/bin)")
    .option(
      "--baseline <main.js>",
      "another loopstall build's dist/server/main.js, measured as loopstall-before next to loopstall",
    )
    .parse(argv, { from: "user" });
  const o = program.opts<Options>();
  return { ...o, ghz: o.ghz ?? findGhz() };
}

function findGhz(): string | undefined {
  const candidates = ["ghz"];
  try {
    const gopath = execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim();
    candidates.push(join(gopath, "bin", "ghz"));
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

function toolVersion(command: string, args: string[]): string {
  // Some print their version on stderr (ghz), some exit non-zero (wrk -v).
  const result = spawnSync(command, args, { encoding: "utf8" });
  const text = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.trim();
  return result.error ? "missing" : (text.split("\n")[0]?.trim() ?? "?");
}

/** One measurement: which servers take part and how one server is measured. */
interface Scenario {
  id: ScenarioId;
  tool: PeerCase["tool"];
  servers: Array<{ server: PeerName; variant: string }>;
  measure(peer: PeerProcess, variant: string): Promise<RoundResult>;
}

const grpcHeaders = { "content-type": "application/grpc", te: "trailers" };
const live = "/bank.v1.BankService/Live";
const listClients = "/bank.v1.BankService/ListClients";
const both = (server: PeerName) => ({ server, variant: "" });

function scenarios(o: Options, settings: LoadSettings, warmUp = false): Scenario[] {
  const mine: PeerName[] =
    o.baseline === undefined ? ["loopstall"] : ["loopstall", "loopstall-before"];
  const short = o.smoke || warmUp;
  const length: RunLength = short ? { requests: o.smoke ? 200 : 2_000 } : { seconds: o.seconds };
  const wrkSeconds = short ? 1 : o.seconds;
  // Counted, not timed: a timed h2load run does not count a call still running at the end.
  const heavyLength: RunLength = { requests: short ? 1 : o.heavyCalls };
  const h2c = (peer: PeerProcess, path: string) => `http://127.0.0.1:${peer.ports.h2c}${path}`;
  const http1 = (peer: PeerProcess, path: string) => `http://127.0.0.1:${peer.ports.http1}${path}`;
  const loopstallHeavy = mine.flatMap((server) => [
    { server, variant: "inline" },
    { server, variant: "offload" },
  ]);
  const heavyHeaders = (variant: string) =>
    variant === "" ? grpcHeaders : { ...grpcHeaders, "loopstall-strategy": variant };
  const restHeavyPath = (variant: string) =>
    `/v1/clients?count=${o.heavyCount}${variant === "" ? "" : `&strategy=${variant}`}`;

  const list: Scenario[] = [
    {
      id: "grpc-live-h2c",
      tool: "h2load",
      servers: [...mine, "connect-node", "grpc-js", "node-raw"].map((s) => both(s as PeerName)),
      measure: (peer) =>
        withServerCpu(peer, () =>
          runH2load(
            {
              url: h2c(peer, live),
              headers: grpcHeaders,
              bodyFile: "empty.grpc",
              clients: 4,
              streamsPerClient: 8,
              length,
            },
            settings,
          ),
        ),
    },
    {
      id: "connect-proto-live-h2c",
      tool: "h2load",
      servers: [...mine, "connect-node", "node-raw"].map((s) => both(s as PeerName)),
      measure: (peer) =>
        withServerCpu(peer, () =>
          runH2load(
            {
              // h2load cannot send an empty POST body; Live takes Connect GET.
              url: h2c(peer, `${live}?connect=v1&encoding=proto&message=`),
              headers: {},
              clients: 4,
              streamsPerClient: 8,
              length,
            },
            settings,
          ),
        ),
    },
    {
      id: "connect-proto-live-http1",
      tool: "wrk",
      servers: [...mine, "connect-node", "node-raw"].map((s) => both(s as PeerName)),
      measure: (peer) =>
        withServerCpu(peer, () =>
          runWrk(
            {
              url: http1(peer, live),
              connections: 16,
              seconds: wrkSeconds,
              script: "connect-proto.lua",
            },
            settings,
          ),
        ),
    },
    {
      id: "rest-live-http1",
      tool: "wrk",
      servers: [...mine, "fastify", "node-raw"].map((s) => both(s as PeerName)),
      measure: (peer) =>
        withServerCpu(peer, () =>
          runWrk(
            { url: http1(peer, "/.well-known/live"), connections: 16, seconds: wrkSeconds },
            settings,
          ),
        ),
    },
    {
      id: "grpc-heavy",
      tool: "h2load",
      servers: [...loopstallHeavy, both("connect-node"), both("grpc-js"), both("node-raw")],
      measure: (peer, variant) =>
        withServerCpu(peer, () =>
          runH2load(
            {
              url: h2c(peer, listClients),
              headers: heavyHeaders(variant),
              bodyFile: "heavy.grpc",
              clients: 1,
              streamsPerClient: 1,
              length: heavyLength,
            },
            settings,
          ),
        ),
    },
    {
      id: "rest-heavy",
      tool: "h2load",
      servers: [...loopstallHeavy, both("fastify"), both("node-raw")],
      measure: (peer, variant) =>
        withServerCpu(peer, () =>
          runH2load(
            {
              url: http1(peer, restHeavyPath(variant)),
              headers: {},
              clients: 1,
              streamsPerClient: 1,
              length: heavyLength,
              h1: true,
            },
            settings,
          ),
        ),
    },
  ];
  if (o.ghz !== undefined) {
    const ghz = o.ghz;
    list.splice(4, 0, {
      id: "grpc-live-ghz",
      tool: "ghz",
      servers: [...mine, "connect-node", "grpc-js", "node-raw"].map((s) => both(s as PeerName)),
      measure: (peer) =>
        withServerCpu(peer, () =>
          runGhz(
            {
              ghz,
              proto: bankProtoPath,
              call: "bank.v1.BankService.Live",
              target: `127.0.0.1:${peer.ports.h2c}`,
              concurrency: 16,
              connections: 4,
              length,
            },
            settings,
          ),
        ),
    });
  }
  if (!short) {
    list.push(
      {
        id: "grpc-retention",
        tool: "h2load",
        servers: [...loopstallHeavy, both("connect-node"), both("grpc-js"), both("node-raw")],
        measure: (peer, variant) =>
          retention(
            () =>
              runH2load(
                {
                  url: h2c(peer, live),
                  headers: grpcHeaders,
                  bodyFile: "empty.grpc",
                  clients: 2,
                  streamsPerClient: 1,
                  length: { seconds: o.seconds },
                },
                settings,
              ),
            () =>
              runH2load(
                {
                  url: h2c(peer, listClients),
                  headers: heavyHeaders(variant),
                  bodyFile: "heavy.grpc",
                  clients: 1,
                  streamsPerClient: 1,
                  length: { seconds: o.seconds },
                },
                settings,
              ),
          ),
      },
      {
        id: "rest-retention",
        tool: "wrk",
        servers: [...loopstallHeavy, both("fastify"), both("node-raw")],
        measure: (peer, variant) =>
          retention(
            () =>
              runWrk(
                { url: http1(peer, "/.well-known/live"), connections: 2, seconds: o.seconds },
                settings,
              ),
            () =>
              runH2load(
                {
                  url: http1(peer, restHeavyPath(variant)),
                  headers: {},
                  clients: 1,
                  streamsPerClient: 1,
                  length: { seconds: o.seconds },
                  h1: true,
                },
                settings,
              ),
          ),
      },
    );
  }
  return list;
}

async function withServerCpu(peer: PeerProcess, run: () => Promise<ToolRun>): Promise<RoundResult> {
  const before = peer.cpuSeconds();
  const result = await run();
  const used = peer.cpuSeconds() - before;
  return result.ok > 0 ? { ...result, serverCpuUsPerRequest: (used * 1e6) / result.ok } : result;
}

/** The probe alone, then the probe with heavy calls beside it; both in this round. */
async function retention(
  probe: () => Promise<ToolRun>,
  heavy: () => Promise<ToolRun>,
): Promise<RoundResult> {
  const idle = await probe();
  const [loaded, heavyRun] = await Promise.all([probe(), heavy()]);
  return {
    ...loaded,
    retention: idle.rps > 0 ? loaded.rps / idle.rps : 0,
    heavyCalls: heavyRun.ok,
  };
}

const targets: Array<Omit<PeerRatio, "perRound" | "spread">> = [
  {
    label: "gRPC Live over h2c: loopstall ÷ grpc-js",
    scenario: "grpc-live-h2c",
    server: "loopstall",
    against: "grpc-js",
    target: 1,
  },
  {
    label: "REST /.well-known/live: loopstall ÷ fastify",
    scenario: "rest-live-http1",
    server: "loopstall",
    against: "fastify",
    target: 1,
  },
  {
    label: "Connect proto Live over HTTP/1.1: loopstall ÷ bare connect-node",
    scenario: "connect-proto-live-http1",
    server: "loopstall",
    against: "connect-node",
    target: 1,
  },
  {
    label: "Connect proto Live over h2c: loopstall ÷ bare connect-node",
    scenario: "connect-proto-live-h2c",
    server: "loopstall",
    against: "connect-node",
    target: 1,
  },
  {
    label: "gRPC Live (ghz): loopstall ÷ grpc-js",
    scenario: "grpc-live-ghz",
    server: "loopstall",
    against: "grpc-js",
    target: 1,
  },
  // With --baseline: the same three targets for the build before.
  ...(
    [
      ["gRPC Live over h2c", "grpc-live-h2c", "grpc-js"],
      ["REST /.well-known/live", "rest-live-http1", "fastify"],
      ["Connect proto Live over HTTP/1.1", "connect-proto-live-http1", "connect-node"],
    ] as const
  ).map(([what, scenario, against]) => ({
    label: `before: ${what}: loopstall-before ÷ ${against}`,
    scenario,
    server: "loopstall-before" as const,
    against,
    target: 1,
  })),
];

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const cores = availableParallelism();
  const pinned = o.pin && cores >= 2;
  const serverCpus = pinned ? "0" : undefined;
  const toolCpus = pinned ? `1-${cores - 1}` : undefined;
  const workDir = createWorkDir(o.heavyCount);
  const settings: LoadSettings = { cpus: toolCpus, workDir, killAfterMs: (o.seconds + 60) * 1_000 };
  const peers = new Map<PeerName, PeerProcess>();
  const notes: string[] = [];
  if (o.pin && !pinned) {
    notes.push("--pin was given on a machine with one core: not pinned.");
  }
  if (o.ghz === undefined) {
    notes.push(
      "ghz not found (bash scripts/install-ghz.sh installs it): its scenario was skipped.",
    );
  }
  let failures = 0;
  try {
    for (const name of peerNames) {
      if (name === "loopstall-before" && o.baseline === undefined) {
        continue;
      }
      peers.set(name, await startPeer(name, root, serverCpus, o.baseline));
    }
    const list = scenarios(o, settings);
    const rounds = o.smoke ? 1 : o.rounds;
    if (!o.smoke) {
      // Warm every server's JIT on every path first, so the first server of
      // round 1 is not measured cold. Not recorded.
      console.log("warm-up pass (not recorded)");
      for (const scenario of scenarios(o, settings, true)) {
        for (const { server, variant } of scenario.servers) {
          const peer = peers.get(server);
          await (peer && scenario.measure(peer, variant).catch(() => undefined));
        }
      }
    }
    const collected = new Map<string, RoundResult[]>();
    for (let round = 0; round < rounds; round += 1) {
      for (const scenario of list) {
        // Rotate the order each round so no server always goes first.
        const order = scenario.servers.map(
          (_, i) => scenario.servers[(i + round) % scenario.servers.length],
        );
        for (const { server, variant } of order) {
          const peer = peers.get(server);
          if (peer === undefined) {
            continue;
          }
          const key = `${scenario.id}|${server}|${variant}`;
          let result: RoundResult;
          try {
            result = await scenario.measure(peer, variant);
          } catch (error) {
            failures += 1;
            console.error(
              `round ${round + 1} ${scenario.id} ${server} ${variant}: ${String(error)}`,
            );
            continue;
          }
          if (result.ok === 0 || (o.smoke && result.failed > 0)) {
            failures += 1;
            console.error(
              `round ${round + 1} ${scenario.id} ${server} ${variant}: ${result.ok} ok, ${result.failed} failed`,
            );
          }
          console.log(
            `round ${round + 1} ${scenario.id.padEnd(24)} ${`${server}${variant ? ` (${variant})` : ""}`.padEnd(22)} ` +
              `${result.rps.toFixed(o.smoke ? 0 : 1).padStart(9)} req/s` +
              (result.p99Ms === undefined ? "" : `  p99 ${result.p99Ms.toFixed(2)} ms`) +
              (result.serverCpuUsPerRequest === undefined
                ? ""
                : `  server ${result.serverCpuUsPerRequest.toFixed(0)} µs/req`) +
              (result.retention === undefined
                ? ""
                : `  retention ${(result.retention * 100).toFixed(0)} %`),
          );
          collected.set(key, [...(collected.get(key) ?? []), { ...result }]);
        }
      }
    }
    const cases: PeerCase[] = [];
    for (const scenario of list) {
      for (const { server, variant } of scenario.servers) {
        const rounds = collected.get(`${scenario.id}|${server}|${variant}`) ?? [];
        cases.push(
          summarizeCase({ scenario: scenario.id, tool: scenario.tool, server, variant, rounds }),
        );
      }
    }
    const ratios: PeerRatio[] = [];
    for (const target of targets) {
      const mine = collected.get(`${target.scenario}|${target.server}|`);
      const theirs = collected.get(`${target.scenario}|${target.against}|`);
      if (!mine || !theirs) {
        continue;
      }
      const perRound = mine
        .map((r, i) => (theirs[i] && theirs[i].rps > 0 ? r.rps / theirs[i].rps : Number.NaN))
        .filter((v) => Number.isFinite(v));
      ratios.push({ ...target, perRound, spread: spreadOf(perRound) });
    }
    notes.push(
      "The machine may be shared: req/s move with whatever else runs. Ratios are taken round by round " +
        "(the servers alternate within each round), which cancels slow drifts but not bursts.",
      "Server CPU per request is read from /proc (10 ms ticks); load tool CPU is bash `times` around the tool.",
      "loopstall (inline|offload): the heavy calls carry `loopstall-strategy` (REST: `?strategy=`); the light calls name none (the server default, inline).",
    );
    const results: PeersResults = {
      kind: "loopstall-peers",
      startedAt: new Date().toISOString(),
      node: process.version,
      cores,
      cpuModel: cpus()[0]?.model ?? "unknown",
      pinned,
      smoke: o.smoke,
      rounds,
      settings: {
        seconds: o.smoke ? 0 : o.seconds,
        heavyCount: o.heavyCount,
        heavyCalls: o.heavyCalls,
        h2loadLight: "-c 4 -m 8 -t 1",
        wrkLight: "-t1 -c16",
        ghz: "-c 16 --connections 4",
        probe: "h2load -c 2 -m 1 / wrk -c2",
        ...(pinned ? { serverCpus: serverCpus ?? "", toolCpus: toolCpus ?? "" } : {}),
      },
      tools: {
        h2load: toolVersion("h2load", ["--version"]),
        wrk: toolVersion("wrk", ["-v"]),
        // A `go install`ed ghz reports "dev"; scripts/install-ghz.sh pins v0.121.0.
        ghz: o.ghz === undefined ? "missing" : toolVersion(o.ghz, ["--version"]),
      },
      cases,
      ratios,
      notes,
    };
    mkdirSync(dirname(o.out), { recursive: true });
    writeFileSync(`${o.out}.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(`${o.out}.md`, `${renderPeersMarkdown(results).join("\n")}\n`);
    console.log(`\nwrote ${o.out}.json and ${o.out}.md`);
    for (const ratio of ratios) {
      console.log(
        `${ratio.label}: ${ratio.spread.median.toFixed(2)}× (${ratio.spread.min.toFixed(2)}–${ratio.spread.max.toFixed(2)})`,
      );
    }
  } finally {
    await Promise.all([...peers.values()].map((peer) => peer.stop()));
    removeWorkDir(workDir);
  }
  if (failures > 0) {
    console.error(`${failures} run(s) failed or got no answer`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
