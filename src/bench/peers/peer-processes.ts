import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { PeerReady } from "./peer-ready.js";

/** A server the peers bench measures. */
export type PeerName =
  | "loopstall"
  | "loopstall-before"
  | "connect-node"
  | "grpc-js"
  | "fastify"
  | "node-raw";

/** Every server, in the order the report lists them (`loopstall-before` only with `--baseline`). */
export const peerNames: readonly PeerName[] = [
  "loopstall",
  "loopstall-before",
  "connect-node",
  "grpc-js",
  "fastify",
  "node-raw",
];

/** A started server. */
export interface PeerProcess {
  name: PeerName;
  pid: number;
  /** Port per listener; loopstall serves both on one port. */
  ports: PeerReady["ports"];
  /** CPU seconds the process has used so far (from /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Where each server's entry point is, relative to the package root (compiled). */
const entries: Record<PeerName, string[]> = {
  loopstall: ["dist/server/main.js", "--port", "0"],
  "loopstall-before": ["--baseline", "--port", "0"],
  "connect-node": ["dist/peers/connect-node-peer.js"],
  "grpc-js": ["dist/peers/grpc-js-peer.js"],
  fastify: ["dist/peers/fastify-peer.js"],
  "node-raw": ["dist/peers/node-raw-peer.js"],
};

const clockTicks = 100; // USER_HZ on Linux

/**
 * Starts one server with `node` from the package root, pinned to `cpus`
 * (taskset) when given, and resolves once it announced its ports.
 * `loopstall-before` runs `baseline`, another build's `dist/server/main.js`.
 */
export async function startPeer(
  name: PeerName,
  root: string,
  cpus: string | undefined,
  baseline?: string,
): Promise<PeerProcess> {
  const args = entries[name].map((arg) => (arg === "--baseline" ? (baseline ?? "") : arg));
  const child: ChildProcess =
    cpus === undefined
      ? spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
      : spawn("taskset", ["-c", cpus, process.execPath, ...args], {
          cwd: root,
          stdio: ["ignore", "pipe", "inherit"],
        });
  const pid = child.pid;
  if (pid === undefined || child.stdout === null) {
    throw new Error(`could not start ${name}`);
  }
  const ports = await new Promise<PeerReady["ports"]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s`)), 60_000);
    child.once("exit", (code) =>
      reject(new Error(`${name} exited with ${code} before it listened`)),
    );
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      const loopstall = /serving on http:\/\/[^:]+:(\d+)/.exec(line);
      if (loopstall) {
        const port = Number(loopstall[1]);
        clearTimeout(timer);
        resolve({ h2c: port, http1: port });
        return;
      }
      if (line.startsWith("{")) {
        const ready = JSON.parse(line) as PeerReady;
        if (ready.ready) {
          clearTimeout(timer);
          resolve(ready.ports);
        }
      }
    });
  });
  child.stdout.resume();
  return {
    name,
    pid,
    ports,
    cpuSeconds() {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm)".
      return (Number(fields[11]) + Number(fields[12])) / clockTicks;
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
      });
    },
  };
}
