/**
 * `npm run bench:start`: how long `npm start` takes to serve, as a user runs it.
 *
 * Each round spawns `npm start -- --port 0 --workers N` in the project root,
 * reads the URL the server announces, and times from the spawn to:
 * - the first `200` from `/.well-known/live`;
 * - the first offloaded response (`GET /v1/clients?count=2` with
 *   `loopstall-strategy: offload`), which includes starting a pool thread.
 * It then sends SIGTERM and waits for the exit. It also lists every process of
 * the server's tree, so a reader can see that none runs tsx.
 *
 * Flags: `--workers 1,2` (default), `--rounds 5` (default), `--cwd DIR[,DIR]`
 * (checkouts to measure, default this project; with two, for example a
 * checkout before a change and one after, they alternate round by round).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { strategyHeader } from "../contract/wire.js";
import { toStat } from "../experiment/repeat-stat.js";
import { rawGet } from "../load/raw-client.js";
import { projectRoot } from "../runtime/entry.js";
import { processTree } from "../runtime/process-tree.js";

interface RoundResult {
  liveMs: number;
  offloadMs: number;
  commands: string[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      workers: { type: "string", default: "1,2" },
      rounds: { type: "string", default: "5" },
      cwd: { type: "string", default: projectRoot },
    },
  });
  const workerCounts = values.workers.split(",").map(Number);
  const rounds = Number(values.rounds);
  if (!workerCounts.every((n) => Number.isInteger(n) && n >= 1 && n <= 16)) {
    throw new Error(`--workers takes counts from 1 to 16, got ${values.workers}`);
  }
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) {
    throw new Error(`--rounds takes 1 to 50, got ${values.rounds}`);
  }
  const cwds = values.cwd.split(",");
  if (cwds.length > 4) {
    throw new Error("--cwd takes at most 4 checkouts");
  }
  console.log(
    `# bench:start  node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)}, ${rounds} rounds alternating checkouts and workers ${workerCounts.join("/")}`,
  );
  const results = new Map<string, RoundResult[]>();
  for (let round = 0; round < rounds; round++) {
    for (const cwd of cwds) {
      for (const workers of workerCounts) {
        const key = `${cwd}\t${workers}`;
        const result = await measure(cwd, workers);
        results.set(key, [...(results.get(key) ?? []), result]);
        if (round === 0) {
          console.log(
            `# ${cwd}, workers ${workers}: processes\n#   ${result.commands.join("\n#   ")}`,
          );
        }
      }
    }
  }
  console.log(
    "| checkout | workers | Live answers after (ms) | first offloaded response after (ms) |",
  );
  console.log(
    "| -------- | ------: | ----------------------: | ----------------------------------: |",
  );
  for (const [key, list] of results) {
    const [cwd, workers] = key.split("\t");
    console.log(
      `| ${cwd} | ${workers} | ${summarize(list.map((r) => r.liveMs))} | ${summarize(list.map((r) => r.offloadMs))} |`,
    );
  }
  console.log("(medians with min–max; times from spawning `npm start` to the response)");
}

async function measure(cwd: string, workers: number): Promise<RoundResult> {
  const startedAt = performance.now();
  const child = spawn("npm", ["start", "--", "--port", "0", "--workers", String(workers)], {
    cwd,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, WORKERS: undefined, PORT: undefined, STRATEGY: undefined },
    detached: true,
  });
  try {
    const url = await announcedUrl(child);
    const liveMs = await firstOk(`${url}/.well-known/live`, startedAt, {});
    const offloadMs = await firstOk(`${url}/v1/clients?count=2`, startedAt, {
      [strategyHeader]: "offload",
    });
    return { liveMs, offloadMs, commands: processTree(child.pid ?? 0) };
  } finally {
    await stop(child);
  }
}

function announcedUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const match = /serving on (http:\/\/\S+)/.exec(buffered);
      if (match?.[1]) {
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`npm start exited (code ${code})`)));
  });
}

async function firstOk(
  url: string,
  startedAt: number,
  headers: Record<string, string>,
): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const res = await rawGet(url, {
        timeoutMs: 5_000,
        maxBytes: 8 * 1024 * 1024,
        headers: headers,
      });
      if (res.status === 200) {
        return performance.now() - startedAt;
      }
    } catch {
      // Not answering yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${url} did not answer 200 within 30 s`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    return;
  }
  const exited = once(child, "exit");
  // npm does not forward signals to the whole tree reliably; signal the group.
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid ?? 0), "SIGKILL");
    } catch {
      // Already gone.
    }
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

function summarize(values: number[]): string {
  const { median, min, max } = toStat(values);
  return `${median.toFixed(0)} (${min.toFixed(0)}–${max.toFixed(0)})`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
