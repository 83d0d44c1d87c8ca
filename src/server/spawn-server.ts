import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

const root = new URL("../../", import.meta.url);

/**
 * For tests: starts `src/server/main.ts` in its own process, as `npm start`
 * would, on a free port, and resolves once it is serving.
 */
export async function startProcess(
  args: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/server/main.ts", "--port", "0", ...args],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const match = /serving on (http:\/\/\S+)/.exec(line);
    if (match?.[1]) {
      return { child, url: match[1] };
    }
  }
  throw new Error("server exited before it was serving");
}
