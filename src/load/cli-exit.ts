/**
 * A command's way to end with a given exit code and one line on stderr
 * (`loopstall: <message>`), after whatever it already printed.
 */
export class CliExit extends Error {
  constructor(
    message: string,
    /** The process exit code: 1 for a failed run, 130 after Ctrl-C. */
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "CliExit";
  }
}
