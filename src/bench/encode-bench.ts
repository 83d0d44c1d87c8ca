/**
 * `npm run bench:encode`: protobuf-es, protobufjs and the generated codec
 * (src/codec) encoding the same tree in one process, alternating run by run.
 *
 * Each round builds the tree three ways (protobuf-es `create()`, plain init
 * objects, protobufjs `fromObject`), then encodes it to binary and to JSON
 * with each library, from messages and from init shapes, with build and
 * encode timed apart; `JSON.stringify` of the init objects (the same text as
 * proto3 JSON here) is the JSON peer. Each step's wall time and the
 * process's CPU time are both reported, with speed-ups taken round by round. It then times the main-thread stall of
 * one inline response, build included: protobuf-es' message path (what
 * `inline` does) against the codec from init shapes (what `fast` does). The
 * order of the steps rotates every round; with `--expose-gc` (the npm script
 * passes it) a GC runs before each timed step so one step's garbage is not
 * collected in the next. The first round checks that every codec output
 * equals protobuf-es'.
 *
 * Flags (see --help): --rounds, --warmup, --count, --accounts-per-client,
 * --filled-strings.
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { create, toBinary, toJsonString } from "@bufbuild/protobuf";
import { Command, Option } from "commander";
import { codecFor } from "../codec/index.js";
import type { ResolvedShape } from "../contract/shape.js";
import { toStat } from "../experiment/repeat-stat.js";
import { ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import { buildClientInits } from "../model/client-inits.js";
import { packageVersion } from "../runtime/package-version.js";
import { loadProtobufjs } from "./encode-peers.js";

interface Options {
  rounds: number;
  warmup: number;
  shape: ResolvedShape;
}

/** One timed step: its group in the table, its label, and the bytes it produces (for MB/s). */
interface Step {
  group: "build" | "binary" | "json" | "stall";
  label: string;
  /** The step it is compared with (the protobuf-es one of its group). */
  baseline?: string;
  run: () => number;
}

const codec = codecFor(ListClientsResponseSchema);
const textEncoder = new TextEncoder();
const gc = (globalThis as { gc?: () => void }).gc;

function main(): void {
  const options = parseOptions(process.argv);
  const { shape } = options;
  const protobufjs = loadProtobufjs(
    fileURLToPath(new URL("../../proto/bank/v1/bank.proto", import.meta.url)),
  );
  // The trees of the current round, rebuilt by the build steps.
  let message = create(ListClientsResponseSchema, { clients: buildClients(shape) });
  let inits = { clients: buildClientInits(shape) };
  let pbjs = protobufjs.fromObject(inits);

  checkIdentity(message, inits);
  const binaryBytes = toBinary(ListClientsResponseSchema, message).byteLength;
  const jsonBytes = textEncoder.encode(toJsonString(ListClientsResponseSchema, message)).byteLength;
  const pbjsSame =
    Buffer.compare(protobufjs.encode(pbjs), toBinary(ListClientsResponseSchema, message)) === 0;

  const steps: Step[] = [
    {
      group: "build",
      label: "protobuf-es create() of the tree",
      run: () => {
        message = create(ListClientsResponseSchema, { clients: buildClients(shape) });
        return 0;
      },
    },
    {
      group: "build",
      label: "init shapes (plain objects)",
      baseline: "protobuf-es create() of the tree",
      run: () => {
        inits = { clients: buildClientInits(shape) };
        return 0;
      },
    },
    {
      group: "build",
      label: "protobufjs fromObject(init shapes)",
      baseline: "protobuf-es create() of the tree",
      run: () => {
        pbjs = protobufjs.fromObject(inits);
        return 0;
      },
    },
    {
      group: "binary",
      label: "protobuf-es toBinary(message)",
      run: () => toBinary(ListClientsResponseSchema, message).byteLength,
    },
    {
      group: "binary",
      label: "protobufjs encode(message)",
      baseline: "protobuf-es toBinary(message)",
      run: () => protobufjs.encode(pbjs).byteLength,
    },
    {
      group: "binary",
      label: "protobufjs encode(init shapes)",
      baseline: "protobuf-es toBinary(message)",
      run: () => protobufjs.encode(inits).byteLength,
    },
    {
      group: "binary",
      label: "codec toBinary(message)",
      baseline: "protobuf-es toBinary(message)",
      run: () => codec.toBinary(message).byteLength,
    },
    {
      group: "binary",
      label: "codec toBinary(init shapes)",
      baseline: "protobuf-es toBinary(message)",
      run: () => codec.toBinary(inits).byteLength,
    },
    {
      group: "json",
      label: "protobuf-es toJsonString(message)",
      run: () => toJsonString(ListClientsResponseSchema, message).length,
    },
    {
      group: "json",
      label: "protobufjs JSON of message",
      baseline: "protobuf-es toJsonString(message)",
      run: () => protobufjs.toJsonString(pbjs).length,
    },
    {
      group: "json",
      label: "JSON.stringify(init shapes)",
      baseline: "protobuf-es toJsonString(message)",
      run: () => JSON.stringify(inits).length,
    },
    {
      group: "json",
      label: "codec toJsonString(message)",
      baseline: "protobuf-es toJsonString(message)",
      run: () => codec.toJsonString(message).length,
    },
    {
      group: "json",
      label: "codec toJsonString(init shapes)",
      baseline: "protobuf-es toJsonString(message)",
      run: () => codec.toJsonString(inits).length,
    },
    {
      group: "json",
      label: "codec toJsonBytes(init shapes)",
      baseline: "protobuf-es toJsonString(message)",
      run: () => codec.toJsonBytes(inits).byteLength,
    },
    {
      group: "stall",
      label: "binary: create() + toBinary (inline)",
      run: () =>
        toBinary(
          ListClientsResponseSchema,
          create(ListClientsResponseSchema, { clients: buildClients(shape) }),
        ).byteLength,
    },
    {
      group: "stall",
      label: "binary: init shapes + codec (fast)",
      baseline: "binary: create() + toBinary (inline)",
      run: () => codec.toBinary({ clients: buildClientInits(shape) }).byteLength,
    },
    {
      group: "stall",
      label: "JSON: create() + toJsonString + encode (inline)",
      run: () =>
        textEncoder.encode(
          toJsonString(
            ListClientsResponseSchema,
            create(ListClientsResponseSchema, { clients: buildClients(shape) }),
          ),
        ).byteLength,
    },
    {
      group: "stall",
      label: "JSON: init shapes + codec toJsonBytes (fast)",
      baseline: "JSON: create() + toJsonString + encode (inline)",
      run: () => codec.toJsonBytes({ clients: buildClientInits(shape) }).byteLength,
    },
  ];

  console.log(
    `# bench:encode  node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown CPU"}), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}, ${gc ? "GC before each step" : "no --expose-gc"}`,
  );
  console.log(
    `# tree: ${shape.count} clients, ${shape.accountsPerClient} account(s) each, ${shape.filledStrings} strings per model: ${mb(binaryBytes)} MB binary, ${mb(jsonBytes)} MB JSON; ${options.rounds} rounds after ${options.warmup} warm-up, steps rotating each round`,
  );
  console.log(
    `# every codec output equals protobuf-es' (checked); protobufjs binary ${pbjsSame ? "equals" : "differs from"} protobuf-es'`,
  );

  const times = new Map<string, number[]>(steps.map((s) => [s.label, []]));
  // CPU time of the process per step: on a shared machine it moves less than wall time.
  const cpuTimes = new Map<string, number[]>(steps.map((s) => [s.label, []]));
  // The build steps go first (the encode steps read their trees), rotated among themselves.
  const builds = steps.filter((s) => s.group === "build");
  const others = steps.filter((s) => s.group !== "build");
  for (let round = 0; round < options.warmup + options.rounds; round++) {
    const order = [...rotate(builds, round), ...rotate(others, round)];
    for (const step of order) {
      gc?.();
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      step.run();
      const ms = performance.now() - start;
      const cpu = process.cpuUsage(cpuStart);
      if (round >= options.warmup) {
        times.get(step.label)?.push(ms);
        cpuTimes.get(step.label)?.push((cpu.user + cpu.system) / 1000);
      }
    }
  }
  printTable(steps, times, cpuTimes, { binary: binaryBytes, json: jsonBytes });
}

function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function checkIdentity(
  message: ReturnType<typeof create<typeof ListClientsResponseSchema>>,
  inits: { clients: ReturnType<typeof buildClientInits> },
): void {
  const binary = toBinary(ListClientsResponseSchema, message);
  const json = toJsonString(ListClientsResponseSchema, message);
  const checks: Array<[string, boolean]> = [
    ["codec toBinary(message)", Buffer.compare(codec.toBinary(message), binary) === 0],
    ["codec toBinary(init shapes)", Buffer.compare(codec.toBinary(inits), binary) === 0],
    ["codec toJsonString(message)", codec.toJsonString(message) === json],
    ["codec toJsonString(init shapes)", codec.toJsonString(inits) === json],
    ["JSON.stringify(init shapes)", JSON.stringify(inits) === json],
  ];
  const failed = checks.filter(([, ok]) => !ok).map(([name]) => name);
  if (failed.length > 0) {
    throw new Error(`output differs from protobuf-es: ${failed.join(", ")}`);
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function printTable(
  steps: Step[],
  times: Map<string, number[]>,
  cpuTimes: Map<string, number[]>,
  bytes: { binary: number; json: number },
): void {
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  console.log("");
  console.log(
    "| step | wall ms, median (min–max) | MB/s | speed-up vs protobuf-es, per round: median (min–max) | CPU ms, median (min–max) | CPU speed-up, per round |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  let group = "";
  for (const step of steps) {
    if (step.group !== group) {
      group = step.group;
      const title = {
        build: "**build** (the tree of one response)",
        binary: "**binary encode**",
        json: "**JSON encode**",
        stall: "**main-thread stall of one inline response, build included**",
      }[step.group];
      console.log(`| ${title} | | | | | |`);
    }
    const own = times.get(step.label) ?? [];
    const stat = toStat(own);
    const size =
      step.group === "binary" || (step.group === "stall" && step.label.startsWith("binary"))
        ? bytes.binary
        : step.group === "build"
          ? 0
          : bytes.json;
    const rate = size > 0 ? (size / 1e6 / (stat.median / 1000)).toFixed(0) : "";
    const ratio = (series: Map<string, number[]>) => {
      if (step.baseline === undefined) {
        return "(baseline)";
      }
      const base = series.get(step.baseline) ?? [];
      const mine = series.get(step.label) ?? [];
      const r = toStat(mine.map((ms, i) => (base[i] ?? Number.NaN) / ms));
      return `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;
    };
    const cpu = toStat(cpuTimes.get(step.label) ?? []);
    console.log(
      `| ${step.label} | ${fmt(stat.median)} (${fmt(stat.min)}–${fmt(stat.max)}) | ${rate} | ${ratio(times)} | ${fmt(cpu.median)} (${fmt(cpu.min)}–${fmt(cpu.max)}) | ${ratio(cpuTimes)} |`,
    );
  }
}

function parseOptions(argv: string[]): Options {
  const integer = (min: number, max: number) => (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`expected an integer from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
  const o = new Command("bench:encode")
    .description(
      "protobuf-es vs protobufjs vs the generated codec on the same tree: build, binary, JSON, and the stall of one inline response.",
    )
    .version(packageVersion)
    .addOption(new Option("--rounds <n>", "measured rounds").argParser(integer(1, 100)).default(7))
    .addOption(
      new Option("--warmup <n>", "unmeasured rounds first").argParser(integer(0, 20)).default(2),
    )
    .addOption(
      new Option("--count <n>", "clients in the tree")
        .argParser(integer(1, 200_000))
        .default(40_000),
    )
    .addOption(
      new Option("--accounts-per-client <n>", "accounts per client")
        .argParser(integer(0, 10))
        .default(1),
    )
    .addOption(
      new Option("--filled-strings <n>", "optional strings set on each model")
        .argParser(integer(0, 15))
        .default(3),
    )
    .parse(argv)
    .opts<{
      rounds: number;
      warmup: number;
      count: number;
      accountsPerClient: number;
      filledStrings: number;
    }>();
  return {
    rounds: o.rounds,
    warmup: o.warmup,
    shape: {
      count: o.count,
      accountsPerClient: o.accountsPerClient,
      filledStrings: o.filledStrings,
    },
  };
}

main();
