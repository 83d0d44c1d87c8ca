import { resolve } from "node:path";
import { Command, Option } from "commander";
import {
  type Format,
  formats,
  type Source,
  type Strategy,
  sources,
  strategies,
} from "../contract/wire.js";
import {
  addLoadFlags,
  checkProbeRate,
  intOption,
  type LoadFlags,
  listParser,
  settingsFromFlags,
} from "../load/load-flags.js";
import { defaultPhaseSettings } from "../load/load-settings.js";
import { matrixCells } from "./experiment-matrix.js";
import {
  checkEngine,
  defaultExperimentOptions,
  type ExperimentOptions,
  quickPreset,
  runExperiment,
} from "./experiment-runner.js";
import { addMeasureFlags, measureOptionsFromFlags } from "./measure-flags.js";
import { readPeersResults } from "./report-peers.js";

/** Where `loopstall experiment` writes; the process's streams by default. */
export interface ExperimentCliIo {
  stdout?: (text: string) => void;
  /** Cancels the run; the cells finished so far are still written. */
  signal?: AbortSignal;
}

interface ExperimentFlags extends LoadFlags {
  formats?: Format[];
  workers?: number[];
  strategies?: Strategy[];
  sources?: Source[];
  repeats?: number;
  quick: boolean;
  engine: "embedded" | "k6";
  pm2: boolean;
  out?: string;
  verbose: boolean;
  peers?: string;
  pin?: boolean;
  target?: string;
  allowRemote?: boolean;
}

/**
 * `loopstall experiment` (`npm run experiment`): the format × workers ×
 * strategy matrix, each cell against a fresh server, repeated, written to
 * summary.json, report.md and report.html.
 */
export function createExperimentCommand(io: ExperimentCliIo = {}): Command {
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  const command = new Command("experiment")
    .description(
      "Run the format × workers × strategy matrix and write summary.json, report.md and report.html.",
    )
    .addOption(
      new Option(
        "--formats <list>",
        `comma-separated formats (default all: ${formats.join(",")})`,
      ).argParser(listParser(formats)),
    )
    .addOption(
      new Option(
        "--workers <list>",
        "comma-separated server worker counts (default 1,2)",
      ).argParser(workerListParser),
    )
    .addOption(
      new Option(
        "--strategies <list>",
        `comma-separated strategies (default all: ${strategies.join(",")})`,
      ).argParser(listParser(strategies)),
    )
    .addOption(
      new Option(
        "--sources <list>",
        `comma-separated data sources (default all: ${sources.join(",")})`,
      ).argParser(listParser(sources)),
    )
    .addOption(intOption("--repeats <n>", "runs per cell (default 3; quick 1)", 1, 100))
    .addOption(
      new Option(
        "--quick",
        "a short run: connect-proto and connect-json, 1 repeat, phases 2/4/2 s; build × 1,2 workers × inline,offload,stream and memory × 1 worker × inline,offload-clone,offload-replica,slice unless an axis is given (about 4 min on 2 cores)",
      ).default(false),
    )
    .addOption(
      new Option(
        "--engine <engine>",
        "load engine: embedded, or k6 (k6 on PATH runs loadtest/concurrency.ts; no worker spread)",
      )
        .choices(["embedded", "k6"])
        .default("embedded"),
    )
    .addOption(
      new Option("--pm2", "start the server with PM2 instead of node:cluster").default(false),
    )
    .addOption(new Option("--out <dir>", "output directory (default results/<timestamp>/)"))
    .addOption(
      new Option(
        "--verbose",
        "also print the server's output (each run's timeline is always printed)",
      ).default(false),
    )
    .addOption(
      new Option(
        "--peers <file>",
        "add a peers section from `npm run bench:peers` results (e.g. results/peers.json)",
      ),
    );
  addMeasureFlags(command);
  addLoadFlags(command);
  command.action(async (flags: ExperimentFlags) => {
    checkProbeRate(command, flags);
    const options = experimentOptionsFromFlags(flags, (line) => process.stderr.write(`${line}\n`));
    if (flags.peers !== undefined) {
      // Read before the run: a bad file should fail now, not after the matrix.
      options.peers = await readPeersResults(resolve(flags.peers));
    }
    // Refuse an engine that cannot run before announcing where results go.
    await checkEngine(options);
    const cells = matrixCells(options).length;
    stdout(
      `loopstall experiment: ${cells} cells × ${options.repeats} repeats, phases ${options.phases.baselineS}/${options.phases.heavyS}/${options.phases.recoveryS} s, writing to ${options.outDir}\n`,
    );
    const { outDir, failures } = await runExperiment(options, {
      log: (line) => stdout(`${line}\n`),
      ...(io.signal && { signal: io.signal }),
    });
    stdout(`wrote ${outDir}/summary.json, report.md and report.html\n`);
    if (failures > 0) {
      throw new Error(`${failures} run(s) failed; see the log above`);
    }
  });
  return command;
}

/** Turns parsed flags into options, applying the quick preset where a flag is absent. */
export function experimentOptionsFromFlags(
  flags: ExperimentFlags,
  warn: (line: string) => void = () => {},
): ExperimentOptions {
  const defaults = defaultExperimentOptions();
  const workers = flags.workers ?? defaults.workers;
  const settings = settingsFromFlags(
    flags,
    Math.max(...workers),
    flags.quick ? quickPreset.phases : defaultPhaseSettings,
  );
  return {
    ...defaults,
    ...settings,
    formats: flags.formats ?? (flags.quick ? quickPreset.formats : defaults.formats),
    workers,
    strategies: flags.strategies ?? defaults.strategies,
    // A running server (--target) serves its own source: SOURCE is set only on servers the run starts.
    sources: flags.sources ?? (flags.target !== undefined ? ["build"] : defaults.sources),
    // The quick preset picks its cells only when no axis is named.
    ...(flags.quick &&
      flags.workers === undefined &&
      flags.strategies === undefined &&
      flags.sources === undefined && { cellFilter: quickPreset.cellFilter }),
    repeats: flags.repeats ?? (flags.quick ? quickPreset.repeats : defaults.repeats),
    quick: flags.quick,
    engine: flags.engine,
    launcher: flags.pm2 ? "pm2" : "cluster",
    outDir: flags.out === undefined ? defaults.outDir : resolve(flags.out),
    verbose: flags.verbose,
    ...measureOptionsFromFlags(flags, warn),
  };
}

function workerListParser(value: string): number[] {
  const items = value.split(",").map((s) => s.trim());
  const counts = items.map(Number);
  if (items.length > 8 || counts.some((n, i) => !/^\d+$/.test(items[i] ?? "") || n < 1 || n > 64)) {
    throw new Error(
      `--workers expects up to 8 comma-separated integers from 1 to 64, got "${value}"`,
    );
  }
  return [...new Set(counts)];
}
