/** `loopstall plan`: a capacity plan from a summary.json (capacity-plan.ts holds the model). */
import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { intOption } from "../load/load-flags.js";
import { formatPlan, type PlanOptions, planSummary } from "./capacity-plan.js";
import { readSummary } from "./summary-validator.js";

/** Where `loopstall plan` writes; the process's stdout by default. */
export interface PlanCliIo {
  stdout?: (text: string) => void;
}

interface PlanFlags {
  summary: string;
  heavyRps: number;
  probePeriod: number;
  probeTimeout: number;
  failureThreshold: number;
}

/** The most heavy req/s `--heavy-rps` accepts. */
export const maxPlanHeavyRps = 1_000_000;

function rateParser(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > maxPlanHeavyRps) {
    throw new InvalidArgumentError(`expected a number above 0, at most ${maxPlanHeavyRps}`);
  }
  return n;
}

export function createPlanCommand(io: PlanCliIo = {}): Command {
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  return new Command("plan")
    .description(
      "Print the pods needed for a heavy request rate, and whether a liveness probe passes, per strategy and format of a run.",
    )
    .addOption(
      new Option(
        "--summary <file>",
        "the run's summary.json (results/<run>/summary.json)",
      ).makeOptionMandatory(),
    )
    .addOption(
      new Option("--heavy-rps <n>", "heavy requests per second to serve")
        .argParser(rateParser)
        .makeOptionMandatory(),
    )
    .addOption(intOption("--probe-period <s>", "liveness periodSeconds", 1, 3_600, 10))
    .addOption(intOption("--probe-timeout <s>", "liveness timeoutSeconds", 1, 3_600, 1))
    .addOption(intOption("--failure-threshold <n>", "liveness failureThreshold", 1, 100, 3))
    .action(async (flags: PlanFlags) => {
      const summary = await readSummary(resolve(flags.summary));
      const options: PlanOptions = {
        heavyRps: flags.heavyRps,
        probePeriodS: flags.probePeriod,
        probeTimeoutS: flags.probeTimeout,
        failureThreshold: flags.failureThreshold,
      };
      stdout(formatPlan(summary, planSummary(summary, options), options));
    });
}
