import { type Command, InvalidArgumentError, Option } from "commander";
import { phaseLimits } from "../contract/run-limits.js";
import { defaultShape, maxFilledStrings, type ResolvedShape } from "../contract/shape.js";
import {
  defaultKubeletSettings,
  type KubeletProbeSettings,
  type KubeletSettings,
  parseKubeletProbe,
} from "./kubelet.js";
import {
  defaultHeavySettings,
  defaultPhaseSettings,
  defaultProbeSettings,
  type HeavySettings,
  maxWarmupS,
  type PhaseSettings,
  type ProbeSettings,
} from "./load-settings.js";

/** The flags {@link addLoadFlags} defines, as commander parses them. */
export interface LoadFlags {
  probeMode: "closed" | "open";
  probeTarget: "connect" | "rest";
  probeConnections?: number;
  probeRate: number;
  probeTimeoutMs: number;
  heavyConcurrency: number;
  heavyConnections?: number;
  heavyTimeoutMs: number;
  heavyWindow: number;
  verify: boolean;
  warmup?: number;
  baseline?: number;
  heavy?: number;
  recovery?: number;
  liveness?: KubeletProbeSettings;
  readiness?: KubeletProbeSettings;
  count: number;
  accountsPerClient: number;
  filledStrings: number;
}

/** Adds the probe, heavy, phase and shape flags shared by `load` and `experiment`. */
export function addLoadFlags(command: Command): Command {
  const p = defaultProbeSettings;
  const h = defaultHeavySettings;
  const d = defaultPhaseSettings;
  return (
    command
      .addOption(
        new Option(
          "--probe-mode <mode>",
          "closed: one call at a time per connection; open: fixed rate",
        )
          .choices(["closed", "open"])
          .default(p.mode),
      )
      .addOption(
        new Option(
          "--probe-target <target>",
          "connect: BankService/Live; rest: GET /.well-known/live",
        )
          .choices(["connect", "rest"])
          .default(p.target),
      )
      .addOption(
        intOption(
          "--probe-connections <n>",
          "probe connections (default max(4, 2 × workers))",
          1,
          256,
        ),
      )
      .addOption(intOption("--probe-rate <n>", "open-model arrivals per second", 1, 20_000, p.rate))
      .addOption(intOption("--probe-timeout-ms <ms>", "probe call timeout", 1, 60_000, p.timeoutMs))
      .addOption(
        intOption("--heavy-concurrency <n>", "concurrent heavy callers", 1, 64, h.concurrency),
      )
      .addOption(
        intOption("--heavy-connections <n>", "heavy connections (default: concurrency)", 1, 64),
      )
      .addOption(
        intOption("--heavy-timeout-ms <ms>", "heavy call timeout", 1, 600_000, h.timeoutMs),
      )
      .addOption(
        intOption(
          "--heavy-window <bytes>",
          "HTTP/2 receive window of heavy connections, bytes (65535: the HTTP/2 initial window)",
          65_535,
          2 ** 31 - 1,
          h.windowBytes,
        ),
      )
      .addOption(
        new Option("--verify", "decode every heavy response and check its size").default(false),
      )
      .addOption(
        intOption(
          "--warmup <s>",
          `discarded probe-only warm-up before the baseline, seconds (default ${d.warmupS})`,
          0,
          maxWarmupS,
        ),
      )
      // The limits the k6 script (loadtest/concurrency.ts) applies too.
      .addOption(
        phaseOption("--baseline <s>", `baseline seconds (default ${d.baselineS})`, "baselineS"),
      )
      .addOption(phaseOption("--heavy <s>", `heavy-load seconds (default ${d.heavyS})`, "heavyS"))
      .addOption(
        phaseOption("--recovery <s>", `recovery seconds (default ${d.recoveryS})`, "recoveryS"),
      )
      .addOption(
        new Option(
          "--liveness <settings>",
          "kubelet liveness probe to simulate from the probe calls: period=S,timeout=S,failures=N",
        )
          .argParser((v: string) => parseProbeFlag(v, "liveness"))
          .default(defaultKubeletSettings.liveness, "period=10,timeout=1,failures=3"),
      )
      .addOption(
        new Option(
          "--readiness <settings>",
          "kubelet readiness probe to simulate: period=S,timeout=S,failures=N,successes=N",
        )
          .argParser((v: string) => parseProbeFlag(v, "readiness"))
          .default(defaultKubeletSettings.readiness, "period=10,timeout=1,failures=3,successes=1"),
      )
      .addOption(
        intOption("--count <n>", "clients in the heavy response", 1, 200_000, defaultShape.count),
      )
      .addOption(
        intOption(
          "--accounts-per-client <n>",
          "bank accounts per client",
          0,
          10,
          defaultShape.accountsPerClient,
        ),
      )
      .addOption(
        intOption(
          "--filled-strings <n>",
          "optional strings set on each model",
          0,
          maxFilledStrings,
          defaultShape.filledStrings,
        ),
      )
  );
}

/**
 * Throws a clear error when `--probe-rate` is given without
 * `--probe-mode open`: the closed probe has no rate, and ignoring the flag
 * silently would run a different load than the user asked for.
 */
export function checkProbeRate(command: Command, flags: Pick<LoadFlags, "probeMode">): void {
  if (command.getOptionValueSource("probeRate") !== "default" && flags.probeMode !== "open") {
    throw new Error(
      "--probe-rate sets the open-model arrival rate; add --probe-mode open (the closed probe calls as fast as answers come)",
    );
  }
}

/** Settings from parsed flags; `workers` sizes the default probe connections. */
export function settingsFromFlags(
  flags: LoadFlags,
  workers: number,
  phaseDefaults: PhaseSettings = defaultPhaseSettings,
): {
  probe: ProbeSettings;
  heavy: HeavySettings;
  phases: PhaseSettings;
  shape: ResolvedShape;
  kubelet: KubeletSettings;
} {
  return {
    probe: {
      mode: flags.probeMode,
      target: flags.probeTarget,
      connections: flags.probeConnections ?? Math.max(4, 2 * workers),
      rate: flags.probeRate,
      timeoutMs: flags.probeTimeoutMs,
    },
    heavy: {
      concurrency: flags.heavyConcurrency,
      connections: flags.heavyConnections ?? flags.heavyConcurrency,
      timeoutMs: flags.heavyTimeoutMs,
      verify: flags.verify,
      windowBytes: flags.heavyWindow,
    },
    phases: {
      warmupS: flags.warmup ?? phaseDefaults.warmupS ?? defaultPhaseSettings.warmupS ?? 0,
      baselineS: flags.baseline ?? phaseDefaults.baselineS,
      heavyS: flags.heavy ?? phaseDefaults.heavyS,
      recoveryS: flags.recovery ?? phaseDefaults.recoveryS,
    },
    shape: {
      count: flags.count,
      accountsPerClient: flags.accountsPerClient,
      filledStrings: flags.filledStrings,
    },
    kubelet: {
      liveness: flags.liveness ?? defaultKubeletSettings.liveness,
      readiness: flags.readiness ?? defaultKubeletSettings.readiness,
    },
  };
}

function parseProbeFlag(value: string, kind: "liveness" | "readiness"): KubeletProbeSettings {
  try {
    return parseKubeletProbe(value, kind);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message.replace(`--${kind}: `, ""));
  }
}

/** An integer flag within bounds, with a clear error otherwise. */
export function intOption(
  flags: string,
  description: string,
  min: number,
  max: number,
  fallback?: number,
): Option {
  const option = new Option(flags, description).argParser((value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  });
  return fallback === undefined ? option : option.default(fallback);
}

/** A phase-length flag, within the shared {@link phaseLimits}. */
function phaseOption(flags: string, description: string, phase: keyof typeof phaseLimits): Option {
  return intOption(flags, description, phaseLimits[phase].min, phaseLimits[phase].max);
}

/** Parses a comma-separated list of allowed values. */
export function listParser<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = value.split(",").map((s) => s.trim());
    for (const item of items) {
      if (!allowed.includes(item as T)) {
        throw new InvalidArgumentError(`"${item}" is not one of ${allowed.join(", ")}`);
      }
    }
    if (items.length === 0 || items.length > allowed.length) {
      throw new InvalidArgumentError(`expected 1 to ${allowed.length} of ${allowed.join(", ")}`);
    }
    return [...new Set(items as T[])];
  };
}
