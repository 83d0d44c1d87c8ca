import cliProgress from "cli-progress";

/** A terminal progress bar for a load run, with log lines printed above it. */
export interface ProgressDisplay {
  /** Moves the bar to `seconds` elapsed. */
  update(seconds: number, phase: string, probePerSecond: number): void;
  /** Prints a line above the bar. */
  log(line: string): void;
  stop(): void;
}

/** A progress bar over `totalSeconds` on stderr (use only when it is a terminal). */
export function createProgressDisplay(totalSeconds: number): ProgressDisplay {
  const multibar = new cliProgress.MultiBar(
    {
      format: " {bar} {value}/{total} s | {phase} | probe {probe}/s",
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multibar.create(Math.max(1, totalSeconds), 0, { phase: "baseline", probe: 0 });
  return {
    update(seconds, phase, probe) {
      bar.update(Math.min(seconds, totalSeconds), { phase, probe });
    },
    log(line) {
      multibar.log(`${line}\n`);
    },
    stop() {
      multibar.stop();
    },
  };
}
