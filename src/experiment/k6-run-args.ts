/**
 * What `--engine k6` passes to k6: the options the script can honour, the
 * `k6 run` arguments and environment, and how long a run may take.
 */

import {
  describePhaseLimits,
  k6GracefulStopSeconds,
  k6VuLimits,
  phaseLimits,
} from "../contract/run-limits.js";
import type { LoadOptions } from "../load/load-settings.js";

/** Headroom past the phases (and concurrency.ts's gracefulStop) before k6 is killed. */
const timeoutSlackS = 60;

/** Throws a clear error for settings the k6 script cannot honour. */
export function checkK6Options(options: Pick<LoadOptions, "probe" | "heavy" | "phases">): void {
  if (options.probe.mode !== "closed") {
    throw new Error("--engine k6 runs a closed-loop probe only; leave out --probe-mode open");
  }
  for (const [name, value] of Object.entries(options.phases)) {
    if (!Number.isInteger(value)) {
      throw new Error(`--engine k6 needs whole-second phases, got ${name} ${value}`);
    }
    // The limits concurrency.ts reads its phases with (src/contract/run-limits.ts).
    const limits = phaseLimits[name as keyof typeof phaseLimits];
    if (limits && (value < limits.min || value > limits.max)) {
      throw new Error(
        `--engine k6: ${name} ${value} is outside what loadtest/concurrency.ts accepts (${describePhaseLimits()})`,
      );
    }
  }
  if (
    options.probe.connections < 1 ||
    options.probe.connections > k6VuLimits.probe ||
    options.heavy.concurrency < 1 ||
    options.heavy.concurrency > k6VuLimits.heavy
  ) {
    throw new Error(
      `--engine k6: 1 to ${k6VuLimits.probe} probe VUs and 1 to ${k6VuLimits.heavy} heavy VUs`,
    );
  }
}

/** `k6 run` arguments for one run (the script last). */
export function k6RunArgs(
  options: Pick<
    LoadOptions,
    "baseUrl" | "format" | "strategy" | "shape" | "probe" | "heavy" | "phases"
  >,
  files: { resultOut: string; timelineOut: string },
  script = "loadtest/concurrency.ts",
): string[] {
  const env: Record<string, string | number> = {
    BASE_URL: options.baseUrl.replace(/\/+$/, ""),
    GRPC_ADDR: grpcAddress(options.baseUrl),
    FORMAT: options.format,
    STRATEGY: options.strategy,
    BASELINE_SECONDS: options.phases.baselineS,
    HEAVY_SECONDS: options.phases.heavyS,
    COOLDOWN_SECONDS: options.phases.recoveryS,
    COUNT: options.shape.count,
    ACCOUNTS_PER_CLIENT: options.shape.accountsPerClient,
    FILLED_STRINGS: options.shape.filledStrings,
    PROBE_VUS: options.probe.connections,
    HEAVY_VUS: options.heavy.concurrency,
    PROBE_TIMEOUT: `${options.probe.timeoutMs}ms`,
    TIMEOUT: `${options.heavy.timeoutMs}ms`,
    RESULT_OUT: files.resultOut,
    TIMELINE_OUT: files.timelineOut,
  };
  return [
    "run",
    "--quiet",
    ...Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]),
    script,
  ];
}

/**
 * `host:port` for k6/net/grpc's dial from a base URL. The port is always
 * written out: `URL.host` drops it when it is the scheme's default, and
 * Go's dialer then fails with "missing port in address".
 */
export function grpcAddress(baseUrl: string): string {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  // IPv6 hostnames keep their brackets ("[::1]"), as the dialer wants them.
  return `${url.hostname}:${port}`;
}

/**
 * The default limit on one run: the phases, concurrency.ts's gracefulStop
 * (the shared setting in src/contract/run-limits.ts) and a minute of slack.
 */
export function k6RunTimeoutMs(phases: LoadOptions["phases"]): number {
  const runS = phases.baselineS + phases.heavyS + phases.recoveryS;
  return (runS + k6GracefulStopSeconds + timeoutSlackS) * 1000;
}
