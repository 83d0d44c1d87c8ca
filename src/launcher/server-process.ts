/**
 * The one way loopstall starts its own server as a child process, for the
 * tests, the benchmarks and the experiment: node:cluster (`main --workers N`)
 * or PM2 (`pm2 start ecosystem.config.js` with a PM2_HOME of its own). The
 * server always binds port 0 and the launcher reads the URL the server
 * announces, so no free-port race is possible.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawGet } from "../load/raw-client.js";
import { entryBeside, nodeArgsFor, projectRoot } from "../runtime/entry.js";

/** How the server under test is started. */
export type Launcher = "cluster" | "pm2";

export interface ServerProcessOptions {
  /** `cluster`: the server's `main --workers N`; `pm2`: `pm2 start ecosystem.config.js`. Default `cluster`. */
  launcher?: Launcher;
  /** Worker processes. Default 1. */
  workers?: number;
  /** More server flags (cluster) or environment (both), e.g. `--strategy offload`, `STRATEGY=offload`. */
  args?: string[];
  env?: Record<string, string>;
  /** How long to wait for the server to announce itself and answer `/.well-known/live`. Default 30,000 ms. */
  startTimeoutMs?: number;
  /**
   * CPUs to run the server on (`taskset -c` list, e.g. "0"), so a load
   * generator on the others does not compete with it (`cluster` only).
   * Default: any.
   */
  cpus?: string;
  /** Where the server's output goes, line by line. Default: dropped. */
  onOutput?(line: string): void;
}

/** A running server under test. */
export interface ServerProcess {
  baseUrl: string;
  /** The launched process: the server or its cluster primary (`cluster` only). */
  child: ChildProcess | undefined;
  /** Runs a `pm2` command against this server's own daemon (`pm2` only). */
  pm2(...args: string[]): Promise<{ code: number; stdout: string }>;
  /** Stops it (SIGTERM, then SIGKILL after a grace period) and cleans up. Safe to call twice. */
  stop(): Promise<void>;
}

/** The server's entry, compiled or source like this module. */
const serverEntry = entryBeside(import.meta.url, "../server/main");
const shutdownGraceMs = 15_000;
/** The PM2 app name; ecosystem.config.js reads it from PM2_APP_NAME. */
export const pm2AppName = "loopstall";

/** Children still running, killed if this process exits without stopping them. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts the loopstall server as a child process on a loopback port of its choosing and waits until it is live. */
export async function startServerProcess(
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  installExitHook();
  const workers = options.workers ?? 1;
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  if (options.cpus !== undefined && options.launcher === "pm2") {
    throw new Error("pinning the server to CPUs works with the cluster launcher only, not PM2");
  }
  const started =
    (options.launcher ?? "cluster") === "pm2"
      ? await startPm2(options, workers, timeoutMs)
      : startCluster(options, workers);
  try {
    const baseUrl = await withTimeout(started.announced, timeoutMs, started.exited);
    await waitLive(baseUrl, timeoutMs, started.exited);
    return { baseUrl, child: started.child, pm2: started.pm2, stop: started.stop };
  } catch (error) {
    await started.stop();
    throw error;
  }
}

interface Started {
  child: ChildProcess | undefined;
  /** Resolves with the URL once every worker serves. */
  announced: Promise<string>;
  /** Resolves with a description when the launched process exits. */
  exited: Promise<string>;
  pm2: ServerProcess["pm2"];
  stop(): Promise<void>;
}

function startCluster(options: ServerProcessOptions, workers: number): Started {
  const pinned = options.cpus === undefined ? [] : ["-c", options.cpus, process.execPath];
  const child = spawn(
    options.cpus === undefined ? process.execPath : "taskset",
    [
      ...pinned,
      ...nodeArgsFor(serverEntry),
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--workers",
      String(workers),
      ...(options.args ?? []),
    ],
    // Its own process group, so a last-resort kill reaches the cluster workers too.
    {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: serverEnv(options.env),
      detached: true,
    },
  );
  running.add(child);
  // With workers, the primary's line comes once every worker listens.
  const pattern =
    workers > 1 ? /primary \d+: workers .* serving on (http:\/\/\S+)/ : /serving on (http:\/\/\S+)/;
  let announce: (url: string) => void = () => {};
  const announced = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const tail = captureOutput(child, (line) => {
    const url = pattern.exec(line)?.[1];
    if (url !== undefined) {
      announce(url);
    }
    options.onOutput?.(line);
  });
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve(`server exited (${signal ?? `code ${code}`}): ${tail.join("\n")}`);
    });
    child.once("error", (error) => {
      running.delete(child);
      resolve(`server failed to start: ${error.message}`);
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      child.kill("SIGTERM");
      const timer = setTimeout(() => killGroup(child), shutdownGraceMs);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return {
    child,
    announced,
    exited,
    pm2: () => Promise.reject(new Error("not a PM2 server")),
    stop,
  };
}

async function startPm2(
  options: ServerProcessOptions,
  workers: number,
  timeoutMs: number,
): Promise<Started> {
  const pm2Bin = join(
    createRequire(import.meta.url).resolve("pm2/package.json"),
    "..",
    "bin",
    "pm2",
  );
  // An isolated PM2_HOME: its own daemon, never the user's.
  const home = await mkdtemp(join(tmpdir(), "loopstall-pm2-"));
  const env = {
    ...serverEnv(options.env),
    PM2_HOME: home,
    PM2_APP_NAME: pm2AppName,
    PORT: "0",
    HOST: "127.0.0.1",
    PM2_INSTANCES: String(workers),
  };
  const pm2 = (...args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [pm2Bin, ...args], {
        cwd: projectRoot,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (line.trim() !== "") {
            options.onOutput?.(line);
          }
        }
      });
      child.once("exit", (code) => resolve({ code: code ?? 1, stdout }));
      child.once("error", () => resolve({ code: 1, stdout }));
    });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await pm2("kill");
      await rm(home, { recursive: true, force: true });
    })();
    return stopping;
  };
  const { code } = await pm2("start", "ecosystem.config.js");
  if (code !== 0) {
    await stop();
    throw new Error(`pm2 start failed with exit code ${code}`);
  }
  return {
    child: undefined,
    announced: pm2Announced(join(home, "logs"), workers, Date.now() + timeoutMs),
    // PM2's daemon outlives the CLI; only the announcement and the liveness poll can tell it failed.
    exited: new Promise<string>(() => {}),
    pm2,
    stop,
  };
}

/**
 * The URL PM2's workers announce in their output logs, once `workers`
 * distinct pids have announced it (PM2 cluster mode is node:cluster, so
 * workers binding port 0 share one port).
 */
async function pm2Announced(logDir: string, workers: number, deadline: number): Promise<string> {
  while (Date.now() < deadline) {
    const pids = new Set<string>();
    let url: string | undefined;
    const files = (await readdir(logDir).catch(() => [])).filter((f) => f.includes("-out"));
    for (const file of files) {
      const text = await readFile(join(logDir, file), "utf8").catch(() => "");
      for (const match of text.matchAll(/serving on (http:\/\/\S+) \(pid (\d+)\)/g)) {
        url = match[1];
        pids.add(match[2] ?? "");
      }
    }
    if (url !== undefined && pids.size >= workers) {
      return url;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`PM2's ${workers} workers did not all announce a URL in ${logDir}`);
}

function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The server's flags win over the environment, but stray settings (PORT,
  // WORKERS, ...) of the caller's shell must not leak into a measured server.
  const env = { ...process.env };
  for (const name of ["PORT", "HOST", "WORKERS", "STRATEGY", "PM2_HOME", "PM2_INSTANCES"]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

/** Keeps the last lines of a child's output (for errors) and forwards them. */
function captureOutput(child: ChildProcess, onLine: (line: string) => void): string[] {
  const tail: string[] = [];
  const split = (stream: NodeJS.ReadableStream | null) => {
    let partial = "";
    stream?.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line.trim() === "") {
          continue;
        }
        onLine(line);
        tail.push(line.slice(0, 500));
        if (tail.length > 20) {
          tail.shift();
        }
      }
    });
  };
  split(child.stdout);
  split(child.stderr);
  return tail;
}

async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  exited: Promise<string>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      exited.then((message) => Promise.reject(new Error(message))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`server did not announce its URL within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitLive(
  baseUrl: string,
  timeoutMs: number,
  exited: Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitMessage: string | undefined;
  exited.then((message) => {
    exitMessage = message;
  });
  while (Date.now() < deadline) {
    if (exitMessage !== undefined) {
      throw new Error(exitMessage);
    }
    try {
      const res = await rawGet(`${baseUrl}/.well-known/live`, { timeoutMs: 1_000 });
      if (res.status === 200) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server at ${baseUrl} not live within ${timeoutMs} ms`);
}

function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) {
      killGroup(child);
    }
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
