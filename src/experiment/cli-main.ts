/**
 * The `loopstall` command line (bin/loopstall.js runs this under tsx):
 * `experiment` runs the matrix, `load` runs one cell against a running
 * server, `ghz` is the ghz-compatible load tool, `plan` a capacity plan
 * from a summary, `k6-merge` one result from a distributed k6 run's runners.
 */
import { Command, CommanderError } from "commander";
import { runGhzCli } from "../ghz/ghz-command.js";
import { CliExit } from "../load/cli-exit.js";
import { createLoadCommand } from "../load/load-cli.js";
import { packageVersion } from "../runtime/package-version.js";
import { createExperimentCommand } from "./experiment-cli.js";
import { createK6MergeCommand } from "./k6-merge-cli.js";
import { createPlanCommand } from "./plan-cli.js";

async function main(argv: string[]): Promise<number> {
  // Ctrl-C once cancels the run (what was measured is still written); twice exits.
  const controller = new AbortController();
  process.on("SIGINT", () => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    process.stderr.write("\ncancelling (Ctrl-C again to quit now)\n");
    controller.abort();
  });
  const { signal } = controller;
  if (argv[0] === "ghz") {
    return runGhzCli(argv.slice(1), { signal });
  }
  if (argv[0] === "help" && argv[1] === "ghz") {
    return runGhzCli(["--help"], { signal });
  }
  const program = new Command("loopstall")
    .description(
      "Measure how serialization format and parallelism change a Node service under big responses.",
    )
    .version(packageVersion)
    .exitOverride()
    .addCommand(createExperimentCommand({ signal }))
    .addCommand(createLoadCommand({ signal }))
    .addCommand(createPlanCommand())
    .addCommand(createK6MergeCommand())
    .addHelpText(
      "after",
      "\n  ghz [flags] host:port   ghz-compatible load tool (see `loopstall help ghz`)",
    );
  for (const command of program.commands) {
    command.exitOverride().version(packageVersion);
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode;
    }
    process.stderr.write(`loopstall: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof CliExit ? error.exitCode : 1;
  }
}

main(process.argv.slice(2)).then(
  // Exit once stdout has flushed: into a pipe, writes are asynchronous, and
  // exiting at once cut a `loopstall ghz --format json | …` report at 64 KiB.
  (code) => process.stdout.write("", () => process.exit(code)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
