/**
 * The server process of `npm run bench:serialize`: a loopstall server on a
 * free port that reports its own event-loop delay over IPC, so the numbers
 * describe the server's loop and nothing of the load generator's.
 *
 * Messages from the parent: `{ type: "reset" }` clears the delay histogram;
 * `{ type: "report" }` answers `{ type: "report", maxMs, p99Ms }`.
 * Settings come from the environment like `npm start` (`POOL_SIZE`, ...).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startServer } from "../server/server.js";
import { parseServerArgs } from "../server/server-cli.js";
import { type BenchServerMessage, delayResolutionMs } from "./bench-messages.js";

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) {
    throw new Error("bench-server must be started with an IPC channel (fork)");
  }
  const server = await startServer({ ...parseServerArgs(process.argv.slice(2)), port: 0 });
  const delay = monitorEventLoopDelay({ resolution: delayResolutionMs });
  delay.enable();
  process.on("message", (message: { type?: string }) => {
    if (message.type === "reset") {
      delay.reset();
    } else if (message.type === "report") {
      send({
        type: "report",
        maxMs: delay.max / 1e6,
        p99Ms: delay.percentile(99) / 1e6,
      } satisfies BenchServerMessage);
    }
  });
  // The parent going away (or closing the channel) ends the server.
  process.on("disconnect", () => {
    delay.disable();
    server.close().then(() => process.exit(0));
  });
  send({ type: "ready", url: server.url, pid: process.pid } satisfies BenchServerMessage);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
