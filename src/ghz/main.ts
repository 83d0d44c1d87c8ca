import { runGhzCli } from "./ghz-command.js";

// Entry point for `node --import tsx src/ghz/main.ts ...` (and what
// `loopstall ghz` wires up). Ctrl-C cancels the run; the report is still
// written, as ghz does.
const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
process.exitCode = await runGhzCli(process.argv.slice(2), { signal: controller.signal });
process.removeAllListeners("SIGINT");
