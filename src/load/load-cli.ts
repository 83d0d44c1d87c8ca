import { Command, Option } from "commander";
import { type Format, formats, type Strategy, strategies } from "../contract/wire.js";
import { CliExit } from "./cli-exit.js";
import { describeKubelet } from "./kubelet.js";
import {
  addLoadFlags,
  checkProbeRate,
  intOption,
  type LoadFlags,
  settingsFromFlags,
} from "./load-flags.js";
import { runLoad } from "./load-run.js";
import type { LoadPhase, LoadResult } from "./load-settings.js";
import { allowRemoteTarget, checkLocalTarget } from "./local-target.js";
import { describePlacement } from "./placement.js";
import { checkSpecAnswers, checkTargetAnswers } from "./preflight.js";
import { createProgressDisplay } from "./progress-display.js";
import { addServiceFlags, type ServiceFlags, specsFromServiceFlags } from "./service-flags.js";
import { formatTimelineLine } from "./timeline.js";

/** Where `loopstall load` writes; the process's streams by default. */
export interface LoadCliIo {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Show a progress bar (default: when stdout and stderr are terminals). */
  progress?: boolean;
  /** Cancels the run; what was measured is still printed. */
  signal?: AbortSignal;
}

interface LoadCliFlags extends LoadFlags, ServiceFlags {
  url: string;
  format: Format;
  strategy: Strategy;
  workers: number;
  json: boolean;
  allowRemote: boolean;
}

/**
 * `loopstall load`: one cell against a running server, printing the seed's
 * timeline live (`<epoch> <probe completions> <heavy completions>`, one
 * line a second) and a summary at the end.
 */
export function createLoadCommand(io: LoadCliIo = {}): Command {
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  const command = new Command("load")
    .description(
      "Run one load cell against a running server (loopstall's, or your own with --proto and --heavy-call) and print the per-second timeline.",
    )
    .addOption(
      new Option("--url <url>", "server base URL (loopback unless --allow-remote)").default(
        "http://127.0.0.1:8080",
      ),
    )
    .addOption(
      new Option("--format <format>", "heavy request format")
        .choices(formats)
        .default("connect-proto"),
    )
    .addOption(
      new Option("--strategy <strategy>", "server strategy to ask for")
        .choices(strategies)
        .default("inline"),
    )
    .addOption(
      intOption(
        "--workers <n>",
        "server workers: sizes the default probe connections, and with 2 or more the heavy connections are spread evenly over them",
        1,
        64,
        1,
      ),
    )
    .addOption(new Option("--json", "print the full result as JSON at the end").default(false))
    .addOption(
      new Option(
        "--allow-remote",
        "allow a --url that is not this machine (with a warning): only a service you may load",
      ).default(false),
    );
  addLoadFlags(command);
  addServiceFlags(command);
  command.action(async (flags: LoadCliFlags) => {
    if (flags.allowRemote) {
      const warning = allowRemoteTarget(flags.url);
      if (warning !== undefined) {
        stderr(`${warning}\n`);
      }
    }
    checkLocalTarget(flags.url);
    checkProbeRate(command, flags);
    const settings = settingsFromFlags(flags, flags.workers);
    const specs = await specsFromServiceFlags(command, flags, {
      probeMs: settings.probe.timeoutMs,
      heavyMs: settings.heavy.timeoutMs,
    });
    if (specs.probeSpec !== undefined) {
      await checkSpecAnswers(flags.url, specs.probeSpec);
    } else {
      await checkTargetAnswers(flags.url);
    }
    const totalS =
      (settings.phases.warmupS ?? 0) +
      settings.phases.baselineS +
      settings.phases.heavyS +
      settings.phases.recoveryS;
    const showProgress = io.progress ?? (process.stdout.isTTY && process.stderr.isTTY);
    const display = showProgress ? createProgressDisplay(totalS) : undefined;
    const print = (line: string) => (display ? display.log(line) : stdout(`${line}\n`));
    // Each row is printed under the phase it belongs to (rows come 300 ms
    // after their second, so a phase header printed when the phase starts
    // would land above the previous phase's last row).
    let phase: LoadPhase | undefined;
    const what =
      specs.heavySpec === undefined
        ? `${flags.format}, ${flags.strategy}`
        : `heavy ${specs.heavySpec.label}, probe ${specs.probeSpec?.label ?? flags.probeTarget}`;
    print(`# epoch probe heavy   (${what}, ${flags.url})`);
    let result: LoadResult;
    try {
      result = await runLoad({
        baseUrl: flags.url,
        format: flags.format,
        strategy: flags.strategy,
        ...settings,
        ...specs,
        workers: flags.workers,
        ...(io.signal && { signal: io.signal }),
        onPlacement: (description) => print(`# placement: ${description}`),
        onSecond(point, p) {
          if (p !== phase) {
            phase = p;
            print(`# ${p}`);
          }
          print(formatTimelineLine(point));
          display?.update(point.t + 1, p, point.probe);
        },
      });
    } finally {
      display?.stop();
    }
    stdout(`${describeLoad(result)}\n`);
    if (flags.json) {
      stdout(`${JSON.stringify(result, null, 2)}\n`);
    }
    for (const sample of result.errorSamples) {
      stderr(`error sample: ${sample}\n`);
    }
    const ranS = (result.endedAt - result.startedAt) / 1000;
    if (io.signal?.aborted) {
      throw new CliExit(
        `cancelled after ${ranS.toFixed(1)} s of ${totalS} s: the run is partial, and the numbers above cover only what ran`,
        130,
      );
    }
    const probeOk =
      result.probe.baseline.completed +
      result.probe.heavy.completed +
      result.probe.recovery.completed;
    if (probeOk === 0 && result.heavy.completed === 0) {
      throw new CliExit(
        `every call failed (${result.probe.errors} probe, ${result.heavy.errors} heavy): the latencies above are those of failures, not a measurement`,
        1,
      );
    }
  });
  return command;
}

/** A few human lines about a finished load run. */
export function describeLoad(r: LoadResult): string {
  const { baseline, heavy, recovery } = r.probe;
  const retention = baseline.rps > 0 ? (heavy.rps / baseline.rps) * 100 : 0;
  const spread = Object.entries(r.workerSpread)
    .map(([w, n]) => `${w}: ${n}`)
    .join(", ");
  return [
    `probe req/s: baseline ${baseline.rps.toFixed(0)}, heavy ${heavy.rps.toFixed(0)} (retention ${retention.toFixed(1)}%), recovery ${recovery.rps.toFixed(0)}`,
    `probe p50/p99 ms: baseline ${baseline.p50Ms.toFixed(1)}/${baseline.p99Ms.toFixed(1)}, heavy ${heavy.p50Ms.toFixed(1)}/${heavy.p99Ms.toFixed(1)}, recovery ${recovery.p50Ms.toFixed(1)}/${recovery.p99Ms.toFixed(1)}; errors ${r.probe.errors}`,
    `heavy: ${r.heavy.completed} ok, ${r.heavy.errors} failed, ${r.heavy.cancelled} cut at phase end; ${r.heavy.rps.toFixed(2)} req/s, ${r.heavy.mbPerS.toFixed(1)} MB/s, ${r.heavy.responseBytes} bytes each`,
    `requests per server worker: ${spread || "none"}`,
    ...(r.placement === undefined
      ? []
      : [`placement: ${describePlacement(r.placement, r.workerSpread)}`]),
    `load generator CPU: ${r.loadgenCpuPercent.toFixed(0)}% of one core`,
    ...(r.kubernetes === undefined ? [] : describeKubelet(r.kubernetes)),
  ].join("\n");
}
