import type { ChildProcess } from "node:child_process";
import { startServerProcess } from "../launcher/server-process.js";

/**
 * Starts the real server (`main`, or its cluster primary with `--workers N`
 * in `args`) on a loopback port and resolves once it is live.
 */
export async function startProcess(
  args: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const rest = [...args];
  const at = rest.indexOf("--workers");
  const workers = at >= 0 ? Number(rest.splice(at, 2)[1]) : 1;
  const server = await startServerProcess({ args: rest, workers });
  if (server.child === undefined) {
    throw new Error("the server has no child process");
  }
  return { child: server.child, url: server.baseUrl };
}
