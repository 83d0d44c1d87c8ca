import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { entryBeside, nodeArgsFor, projectRoot } from "../runtime/entry.js";

/** The server's entry, compiled or source like this module. */
const serverEntry = entryBeside(import.meta.url, "./main");

/**
 * For tests: starts the server's `main` in its own process, as `npm start`
 * would, on a free port, and resolves once it is serving.
 */
export async function startProcess(
  args: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...nodeArgsFor(serverEntry), "--port", "0", ...args], {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const match = /serving on (http:\/\/\S+)/.exec(line);
    if (match?.[1]) {
      return { child, url: match[1] };
    }
  }
  throw new Error("server exited before it was serving");
}
