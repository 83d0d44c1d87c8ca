import { access, open, readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { packageVersion } from "../runtime/package-version.js";
import { checkConfigPath, parseConfigText } from "./config-file.js";
import { checkData, checkTags, parseGhzConfig } from "./ghz-config.js";
import { runGhz } from "./ghz-runner.js";
import { type GhzOverrides, parseFormat, resolveGhzSettings } from "./ghz-settings.js";
import { parseGoDuration } from "./go-duration.js";
import { toGhzJson } from "./go-format.js";
import { formatGhzSummary } from "./summary-printer.js";

/** Largest config, data file or stdin data read. */
const maxInputBytes = 16 * 1024 * 1024;

/** Where the command reads and writes; the process's streams by default. */
export interface GhzCliIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Reads all of stdin (for `-d @`). */
  readStdin?: () => Promise<string>;
  /** Cancels the run (e.g. on SIGINT); the report is still written. */
  signal?: AbortSignal;
}

/**
 * `loopstall ghz [flags] host:port`: ghz's command line, run by loopstall's
 * engine, writing ghz's report formats. Returns the exit code (0 on a
 * finished run, whatever its call errors, as ghz does; 1 on bad input).
 */
export async function runGhzCli(argv: string[], io: GhzCliIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  const program = buildProgram(stdout, stderr);
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode;
    }
    throw error;
  }
  try {
    const flags = program.opts<CliFlags>();
    const fileLayer = flags.config ? await readConfig(flags.config) : {};
    const cliLayer = await cliOverrides(flags, program.args[0], io.readStdin ?? readStdin);
    const settings = resolveGhzSettings(availableParallelism(), fileLayer, cliLayer);
    if (!settings.insecure) {
      // Real ghz dials TLS without --insecure; dialling plain text instead
      // would silently measure something else.
      throw new Error(
        "loopstall speaks plain-text h2c only; pass --insecure (or set insecure in --config), as ghz needs for a plain-text server",
      );
    }
    if (settings.proto !== undefined) {
      await checkProto(settings.proto);
    }
    if (settings.data === undefined && settings.dataFile) {
      settings.data = checkData(
        `data file ${settings.dataFile}`,
        parseJson(`data file ${settings.dataFile}`, await readBounded(settings.dataFile)),
      );
    }
    const importPaths = flags.importPaths
      ?.split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    const report = await runGhz(settings, {
      ...(io.signal && { signal: io.signal }),
      ...(importPaths !== undefined && { importPaths }),
    });
    const text =
      settings.format === "summary"
        ? formatGhzSummary(report)
        : toGhzJson(report, settings.format === "pretty");
    if (settings.output) {
      await writeFile(settings.output, text);
    } else {
      stdout(text);
    }
    return 0;
  } catch (error) {
    stderr(`loopstall ghz: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

interface CliFlags {
  config?: string;
  call?: string;
  proto?: string;
  importPaths?: string;
  data?: string;
  dataFile?: string;
  concurrency?: number;
  total?: number;
  duration?: number;
  rps?: number;
  connections?: number;
  insecure?: boolean;
  timeout?: number;
  connectTimeout?: number;
  format?: string;
  output?: string;
  name?: string;
  tags?: string;
  skipFirst?: number;
  countErrors?: boolean;
  cpus?: number;
}

function buildProgram(stdout: (t: string) => void, stderr: (t: string) => void): Command {
  return new Command("loopstall ghz")
    .description(
      "ghz-compatible gRPC load test (h2c) of the loopstall service, or of yours with --proto, with ghz's report formats.",
    )
    .argument("[host]", "host:port to test, e.g. 127.0.0.1:8080")
    .option(
      "--config <path>",
      "config file (.json, .toml, .yaml) with ghz's long flag names as keys",
    )
    .option("--call <method>", "pkg.Service.Method or pkg.Service/Method")
    .option(
      "--proto <path>",
      "the .proto file: bank.v1 and grpc.health.v1 are built in; any other service's is compiled (buf, offline)",
    )
    .option(
      "-i, --import-paths <paths>",
      "comma-separated import paths of a --proto that is not built in",
    )
    .option("-d, --data <json>", "request data as JSON; @ reads it from stdin")
    .option("-D, --data-file <path>", "file holding the request data JSON")
    .option("-c, --concurrency <n>", "concurrent workers (default 50)", count)
    .option("-n, --total <n>", "requests to run (default 200)", count)
    .option("-z, --duration <d>", "run for this long, e.g. 10s (overrides -n)", duration)
    .option("-r, --rps <n>", "requests per second (default 0 = no limit)", count)
    .option("--connections <n>", "connections the workers share (default 1)", count)
    .option("--insecure", "plain-text h2c; required, as loopstall speaks no TLS")
    .option("-t, --timeout <d>", "per-request timeout (default 20s; 0 = none)", duration)
    .option("--connect-timeout <d>", "dial timeout, echoed in the report (default 10s)", duration)
    .option("-O, --format <format>", "summary, json or pretty (default summary)")
    .option("-o, --output <path>", "write the report here instead of stdout")
    .option("--name <name>", "run name")
    .option("--tags <json>", "JSON object of string tags")
    .option("--skipFirst <n>", "leave the first n results out of the tally", count)
    .option("--count-errors", "include failed requests in the latency statistics")
    .option("--cpus <n>", "echoed in the report as CPUs (default: this machine's)", count)
    .version(packageVersion, "-v, --version")
    .exitOverride()
    .configureOutput({ writeOut: stdout, writeErr: stderr });
}

async function cliOverrides(
  flags: CliFlags,
  host: string | undefined,
  stdin: () => Promise<string>,
): Promise<GhzOverrides> {
  const out: GhzOverrides = {};
  const copy = <K extends keyof GhzOverrides>(key: K, value: GhzOverrides[K] | undefined) => {
    if (value !== undefined) {
      out[key] = value;
    }
  };
  copy("host", host);
  copy("call", flags.call);
  copy("proto", flags.proto);
  copy("concurrency", flags.concurrency);
  copy("total", flags.total);
  copy("durationNs", flags.duration);
  copy("rps", flags.rps);
  copy("connections", flags.connections);
  copy("insecure", flags.insecure);
  copy("timeoutNs", flags.timeout);
  copy("dialTimeoutNs", flags.connectTimeout);
  copy("output", flags.output);
  copy("name", flags.name);
  copy("skipFirst", flags.skipFirst);
  copy("countErrors", flags.countErrors);
  copy("cpus", flags.cpus);
  copy("dataFile", flags.dataFile);
  if (flags.format !== undefined) {
    out.format = parseFormat(flags.format);
  }
  if (flags.tags !== undefined) {
    out.tags = checkTags("--tags", parseJson("--tags", flags.tags));
  }
  if (flags.data !== undefined) {
    const text = flags.data === "@" ? await stdin() : flags.data;
    out.data = checkData("--data", parseJson("--data", text));
  } else if (flags.dataFile !== undefined) {
    // A data file on the command line beats `data` from the config file.
    out.data = checkData(
      `data file ${flags.dataFile}`,
      parseJson(`data file ${flags.dataFile}`, await readBounded(flags.dataFile)),
    );
  }
  return out;
}

/**
 * `--proto` is only echoed (the service's proto is compiled in), but a path
 * ghz would refuse is refused here too.
 */
async function checkProto(path: string): Promise<void> {
  if (!path.endsWith(".proto")) {
    throw new Error(`proto ${path}: must have .proto extension`);
  }
  await access(path).catch(() => {
    throw new Error(`proto ${path}: file not found`);
  });
}

async function readConfig(path: string): Promise<GhzOverrides> {
  checkConfigPath(path);
  return parseGhzConfig(parseConfigText(path, await readBounded(path)));
}

/** Reads a file, refusing anything over `maxInputBytes`. */
async function readBounded(path: string): Promise<string> {
  const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${path}: ${error.code ?? error.message}`);
  });
  try {
    const { size } = await handle.stat();
    if (size > maxInputBytes) {
      throw new Error(`${path} is ${size} bytes, over the ${maxInputBytes}-byte limit`);
    }
    return await readFile(handle, "utf8");
  } finally {
    await handle.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxInputBytes) {
      throw new Error(`stdin data is over the ${maxInputBytes}-byte limit`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

function count(value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new InvalidArgumentError("expected a whole number ≥ 0");
  }
  return Number(value);
}

function duration(value: string): number {
  try {
    return parseGoDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
