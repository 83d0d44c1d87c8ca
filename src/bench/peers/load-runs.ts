import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseGhz,
  parseH2load,
  parseTimes,
  parseWrk,
  type ToolMeasurement,
} from "./tool-output.js";

/** A load tool run's measurement plus the tool's own CPU. */
export interface ToolRun extends ToolMeasurement {
  /** The load tool's CPU (user + system) as a share of one core over the run, in %. */
  toolCpuPercent?: number;
  wallSeconds: number;
}

/** How every load run is started. */
export interface LoadSettings {
  /** `taskset -c` list for the load tools (with `--pin`), else undefined. */
  cpus: string | undefined;
  /** Directory for request bodies and h2load logs. */
  workDir: string;
  /** Upper bound on any one run, after which it is killed. */
  killAfterMs: number;
}

/** A scratch directory with the request bodies the tools send. */
export function createWorkDir(heavyCount: number): string {
  const dir = mkdtempSync(join(tmpdir(), "loopstall-peers-"));
  writeFileSync(join(dir, "empty.grpc"), Buffer.from([0, 0, 0, 0, 0]));
  writeFileSync(join(dir, "heavy.grpc"), grpcFrame(listClientsRequest(heavyCount)));
  writeFileSync(
    join(dir, "connect-proto.lua"),
    'wrk.method = "POST"\nwrk.body = ""\nwrk.headers["Content-Type"] = "application/proto"\n',
  );
  return dir;
}

export function removeWorkDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `ListClientsRequest { shape { count } }` in binary, written by hand to keep the tools' inputs obvious. */
function listClientsRequest(count: number): Buffer {
  const varint: number[] = [];
  let n = count;
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) {
      byte |= 0x80;
    }
    varint.push(byte);
  } while (n > 0);
  const shape = Buffer.from([0x08, ...varint]);
  return Buffer.concat([Buffer.from([0x0a, shape.length]), shape]);
}

function grpcFrame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/**
 * Runs a command (through `taskset` when pinned) inside bash, whose `times`
 * builtin then reports the command's CPU. Resolves with stdout and that CPU.
 */
export function runTool(
  command: string[],
  settings: LoadSettings,
): Promise<{ stdout: string; cpuSeconds: number | undefined; wallSeconds: number }> {
  const argv = settings.cpus === undefined ? command : ["taskset", "-c", settings.cpus, ...command];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", '"$@"; rc=$?; times >&2; exit $rc', "bash", ...argv], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), settings.killAfterMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const wallSeconds = (performance.now() - started) / 1_000;
      if (code !== 0) {
        reject(new Error(`${command[0]} exited with ${code}: ${stderr.slice(-2_000)}`));
        return;
      }
      resolve({ stdout, cpuSeconds: parseTimes(stderr), wallSeconds });
    });
  });
}

function withCpu(
  measurement: ToolMeasurement,
  run: { cpuSeconds: number | undefined; wallSeconds: number },
): ToolRun {
  return {
    ...measurement,
    wallSeconds: run.wallSeconds,
    ...(run.cpuSeconds === undefined
      ? {}
      : { toolCpuPercent: (100 * run.cpuSeconds) / run.wallSeconds }),
  };
}

/** How long, or how many, a run goes for. */
export type RunLength = { seconds: number } | { requests: number };

/** An h2load run (HTTP/2 prior knowledge, or HTTP/1.1 with `h1`). */
export interface H2loadRun {
  url: string;
  headers: Record<string, string>;
  /** A file under the work dir to send as each request's body. */
  bodyFile?: string;
  clients: number;
  streamsPerClient: number;
  length: RunLength;
  h1?: boolean;
}

export async function runH2load(run: H2loadRun, settings: LoadSettings): Promise<ToolRun> {
  const log = join(settings.workDir, `h2load-${process.hrtime.bigint()}.log`);
  const args = [
    "h2load",
    ...("seconds" in run.length
      ? ["-D", String(run.length.seconds)]
      : ["-n", String(run.length.requests)]),
    "-c",
    String(run.clients),
    "-m",
    String(run.streamsPerClient),
    "-t",
    "1",
    `--log-file=${log}`,
    ...Object.entries(run.headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
    ...(run.bodyFile === undefined ? [] : ["-d", join(settings.workDir, run.bodyFile)]),
    ...(run.h1 ? ["--h1"] : []),
    run.url,
  ];
  const result = await runTool(args, settings);
  let logText = "";
  try {
    logText = readFileSync(log, "utf8");
  } catch {
    // No log: no request finished.
  }
  rmSync(log, { force: true });
  return withCpu(parseH2load(result.stdout, logText), result);
}

/** A wrk run over HTTP/1.1. */
export interface WrkRun {
  url: string;
  connections: number;
  seconds: number;
  /** A Lua script under the work dir (for a POST), if any. */
  script?: string;
}

export async function runWrk(run: WrkRun, settings: LoadSettings): Promise<ToolRun> {
  const args = [
    "wrk",
    "-t1",
    `-c${run.connections}`,
    `-d${run.seconds}s`,
    "--latency",
    ...(run.script === undefined ? [] : ["-s", join(settings.workDir, run.script)]),
    run.url,
  ];
  const result = await runTool(args, settings);
  return withCpu(parseWrk(result.stdout), result);
}

/** A ghz run (gRPC, from the proto). */
export interface GhzRun {
  ghz: string;
  proto: string;
  call: string;
  target: string;
  concurrency: number;
  connections: number;
  length: RunLength;
}

export async function runGhz(run: GhzRun, settings: LoadSettings): Promise<ToolRun> {
  const args = [
    run.ghz,
    "--insecure",
    "--proto",
    run.proto,
    "--call",
    run.call,
    "-d",
    "{}",
    "-c",
    String(run.concurrency),
    "--connections",
    String(run.connections),
    ...("seconds" in run.length
      ? ["-z", `${run.length.seconds}s`, "-n", "100000000"]
      : ["-n", String(run.length.requests)]),
    "--format",
    "json",
    "--skipFirst",
    "0",
    run.target,
  ];
  const result = await runTool(args, settings);
  return withCpu(parseGhz(result.stdout), result);
}
