/**
 * The experiment's flags about how the measurement is made: `--pin` (server
 * and load generator on disjoint CPUs), `--target` (a server the
 * experiment did not start) and `--allow-remote` (a target off this machine).
 */
import { type Command, Option } from "commander";
import { allowRemoteTarget, checkLocalTarget } from "../load/local-target.js";
import type { ExperimentOptions } from "./experiment-runner.js";

/** The flags {@link addMeasureFlags} defines, as commander parses them. */
export interface MeasureFlags {
  pin?: boolean;
  target?: string;
  allowRemote?: boolean;
  engine: "embedded" | "k6";
  launcher?: string;
  pm2: boolean;
  workers?: readonly number[];
  warmup?: number;
}

export function addMeasureFlags(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--pin",
        "run the server and the load generator on disjoint CPUs (taskset), as grpc_bench does",
      ).default(false),
    )
    .addOption(
      new Option(
        "--target <url>",
        "load this running server instead of starting one per run (its workers and /metrics are its own)",
      ),
    )
    .addOption(
      new Option(
        "--allow-remote",
        "allow a --target that is not this machine (with a warning): only a service you may load",
      ).default(false),
    );
}

/** The options the flags set; throws a clear error for a combination that cannot work. */
export function measureOptionsFromFlags(
  flags: MeasureFlags,
  warn: (line: string) => void = () => {},
): Pick<ExperimentOptions, "pin" | "target"> {
  if (flags.allowRemote && flags.target === undefined) {
    throw new Error(
      "--allow-remote goes with --target: without it the experiment loads its own local server",
    );
  }
  if (flags.engine === "k6" && (flags.warmup ?? 0) > 0) {
    throw new Error("--warmup runs on the embedded engine only; k6's script has fixed phases");
  }
  if (flags.target !== undefined) {
    if (flags.allowRemote) {
      const warning = allowRemoteTarget(flags.target);
      if (warning !== undefined) {
        warn(warning);
      }
    }
    checkLocalTarget(flags.target);
    if (flags.pin) {
      throw new Error(
        "--pin places the server the experiment starts; with --target it starts none",
      );
    }
    if (flags.pm2) {
      throw new Error(
        "--pm2 picks how the experiment starts its server; with --target it starts none",
      );
    }
    if (flags.workers !== undefined && flags.workers.length > 1) {
      throw new Error(
        "with --target the server's worker count is its own: give at most one --workers value, as a label",
      );
    }
  }
  if (flags.pin && flags.pm2) {
    throw new Error("--pin works with the cluster launcher only, not --pm2");
  }
  return { pin: flags.pin ?? false, ...(flags.target !== undefined && { target: flags.target }) };
}
