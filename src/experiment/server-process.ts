import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Strategy } from "../contract/wire.js";
import { entryBeside, nodeArgsFor, projectRoot } from "../runtime/entry.js";
import { localGet } from "./local-get.js";

/** How the server under test is started. */
export type Launcher = "cluster" | "pm2";

export interface ServerProcessOptions {
  /** `cluster`: the server's `main --workers N`; `pm2`: `pm2 start ecosystem.config.js` with its own PM2_HOME. */
  launcher: Launcher;
  /** Worker processes. */
  workers: number;
  /** The server's default strategy (the load engine also names it on every request). */
  strategy: Strategy;
  /** How long to wait for `/.well-known/live`. Default 30,000 ms. */
  startTimeoutMs?: number;
  /** Where the server's output goes, line by line. Default: dropped. */
  onOutput?(line: string): void;
}

/** A running server under test. */
export interface ServerProcess {
  baseUrl: string;
  /** Stops it (SIGTERM, then SIGKILL after a grace period) and cleans up. Safe to call twice. */
  stop(): Promise<void>;
}

export { projectRoot };

/** The server's entry, compiled or source like this module. */
const serverEntry = entryBeside(import.meta.url, "../server/main");
const shutdownGraceMs = 15_000;

/** Children still running, killed if this process exits without stopping them. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts the loopstall server as a child process on a free loopback port and waits until it is live. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  installExitHook();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server =
    options.launcher === "pm2" ? await startPm2(options, port) : startCluster(options, port);
  try {
    await waitLive(baseUrl, options.startTimeoutMs ?? 30_000, server.exited);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { baseUrl, stop: server.stop };
}

interface Started {
  /** Resolves with a description when the launched process exits. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

function startCluster(options: ServerProcessOptions, port: number): Started {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgsFor(serverEntry),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--workers",
      String(options.workers),
      "--strategy",
      options.strategy,
      // Heavy calls cancelled at the end of a run may still be encoding; don't wait long for them.
      "--shutdown-timeout-ms",
      "3000",
    ],
    // Its own process group, so a last-resort kill reaches the cluster workers too.
    { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"], env: serverEnv(), detached: true },
  );
  running.add(child);
  const tail = captureOutput(child, options.onOutput);
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
  return { exited, stop };
}

async function startPm2(options: ServerProcessOptions, port: number): Promise<Started> {
  const pm2Bin = join(
    createRequire(import.meta.url).resolve("pm2/package.json"),
    "..",
    "bin",
    "pm2",
  );
  // An isolated PM2_HOME: its own daemon, never the user's.
  const home = await mkdtemp(join(tmpdir(), "loopstall-pm2-"));
  const env = {
    ...serverEnv(),
    PM2_HOME: home,
    PORT: String(port),
    HOST: "127.0.0.1",
    PM2_INSTANCES: String(options.workers),
    STRATEGY: options.strategy,
  };
  const pm2 = (args: string[]) =>
    new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [pm2Bin, ...args], {
        cwd: projectRoot,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      captureOutput(child, options.onOutput);
      child.once("exit", (code) => resolve(code ?? 1));
      child.once("error", () => resolve(1));
    });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await pm2(["kill"]);
      await rm(home, { recursive: true, force: true });
    })();
    return stopping;
  };
  const code = await pm2(["start", "ecosystem.config.js"]);
  if (code !== 0) {
    await stop();
    throw new Error(`pm2 start failed with exit code ${code}`);
  }
  // PM2's daemon outlives the CLI; only the liveness poll can tell it failed.
  return { exited: new Promise<string>(() => {}), stop };
}

function serverEnv(): NodeJS.ProcessEnv {
  // The server's flags win over the environment, but stray settings (PORT,
  // WORKERS, ...) of the caller's shell must not leak into a measured server.
  const env = { ...process.env };
  for (const name of ["PORT", "HOST", "WORKERS", "STRATEGY", "PM2_HOME", "PM2_INSTANCES"]) {
    delete env[name];
  }
  return env;
}

/** Keeps the last lines of a child's output (for errors) and forwards them. */
function captureOutput(child: ChildProcess, onOutput?: (line: string) => void): string[] {
  const tail: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") {
        continue;
      }
      onOutput?.(line);
      tail.push(line.slice(0, 500));
      if (tail.length > 20) {
        tail.shift();
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  return tail;
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
      const res = await localGet(`${baseUrl}/.well-known/live`, 1_000);
      if (res.status === 200) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server at ${baseUrl} not live within ${timeoutMs} ms`);
}

/** A free loopback port (bound, read and released). */
export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
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
