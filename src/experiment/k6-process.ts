/**
 * Runs k6 as a child process: bounded in time, cancelled on request, its
 * CPU polled from /proc and the end of its output kept for errors.
 */

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const cpuPollMs = 500;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
export const clockTicksPerSecond = 100;
const killGraceMs = 10_000;
export const outputTailChars = 2_000;

/** utime + stime (clock ticks) from the text of /proc/<pid>/stat. */
export function cpuTicksFromStat(stat: string): number | undefined {
  // The command name (field 2) is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks : undefined;
}
interface K6Run {
  wallMs: number;
  cpuTicks: number;
  describe(): string;
  /** The end of k6's output, for error messages. */
  tail(): string;
}

/**
 * Spawns k6 and resolves when it exits with 0 or 99 (thresholds crossed:
 * the probe failed more than 1% of its checks, itself a measurement), or
 * with whatever it wrote after a cancellation.
 */
export function spawnK6(
  command: string,
  args: string[],
  run: {
    cwd: string;
    timeoutMs: number;
    signal?: AbortSignal;
    onStart(startMs: number): NodeJS.Timeout[];
  },
): Promise<K6Run> {
  return new Promise<K6Run>((resolve, reject) => {
    const spawnedAt = Date.now();
    const child = spawn(command, args, { cwd: run.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stderrLine = "";
    let cpuTicks = 0;
    let started = false;
    let reason: string | undefined;
    const timers: NodeJS.Timeout[] = [];
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-outputTailChars);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (started) {
        return;
      }
      stderrLine += chunk.toString("utf8");
      const match = /loopstall-start (\d+)/.exec(stderrLine);
      if (match) {
        started = true;
        timers.push(...run.onStart(Number(match[1])));
      } else {
        stderrLine = stderrLine.slice(-200);
      }
    });
    const poll = () => {
      if (child.pid === undefined) {
        return;
      }
      try {
        const ticks = cpuTicksFromStat(readFileSync(`/proc/${child.pid}/stat`, "utf8"));
        if (ticks !== undefined) {
          cpuTicks = ticks;
        }
      } catch {
        // Gone, or not Linux: keep the last reading.
      }
    };
    const cpuTimer = setInterval(poll, cpuPollMs);
    const stop = (why: string) => {
      reason ??= why;
      child.kill("SIGINT"); // k6 stops the test and still runs handleSummary.
      timers.push(setTimeout(() => child.kill("SIGKILL"), killGraceMs));
    };
    timers.push(
      setTimeout(() => {
        reason = `k6 did not finish within ${run.timeoutMs} ms`;
        child.kill("SIGKILL");
      }, run.timeoutMs),
    );
    const onAbort = () => stop("cancelled");
    run.signal?.addEventListener("abort", onAbort, { once: true });
    if (run.signal?.aborted) {
      onAbort();
    }
    const finish = () => {
      clearInterval(cpuTimer);
      for (const timer of timers) {
        clearTimeout(timer);
      }
      run.signal?.removeEventListener("abort", onAbort);
    };
    child.once("error", (error) => {
      finish();
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    // "close", not "exit": the output is complete then.
    child.once("close", (code, signal) => {
      finish();
      const describe = () =>
        `k6 exited with ${code === null ? `signal ${signal}` : `code ${code}`}${reason ? `, ${reason}` : ""}`;
      const tail = () => (output.trim() === "" ? "" : `: ${output.trim()}`);
      const ran: K6Run = { wallMs: Date.now() - spawnedAt, cpuTicks, describe, tail };
      if (reason === "cancelled" || ((code === 0 || code === 99) && reason === undefined)) {
        resolve(ran);
      } else {
        reject(new Error(`${describe()}${tail()}`));
      }
    });
    poll();
  });
}
