/**
 * Listen errors are configuration errors: retrying cannot fix a busy port, an
 * address this machine does not have, or a port it may not bind. The server
 * reports one line and exits with {@link configErrorExitCode}, which the
 * cluster primary takes as "do not restart; stop".
 */

/** The exit code of a server that could not listen (EX_CONFIG from sysexits.h). */
export const configErrorExitCode = 78;

/** The IPC message a cluster worker sends its primary before exiting with {@link configErrorExitCode}. */
export interface ConfigErrorMessage {
  type: "loopstall:config-error";
  /** The one line to print. */
  message: string;
}

const hints: Record<string, string> = {
  EADDRINUSE: "address already in use; stop what holds the port or pick another --port",
  EADDRNOTAVAIL: "address not available on this machine; check --host",
  EACCES: "permission denied; ports below 1024 need privileges, pick another --port",
};

/**
 * The one line describing a listen error on `host:port`, or undefined when
 * `error` is not one (EADDRINUSE, EADDRNOTAVAIL, EACCES).
 */
export function describeListenError(
  error: unknown,
  host: string,
  port: number,
): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !(code in hints)) {
    return undefined;
  }
  const where = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return `cannot listen on ${where}: ${hints[code]} (${code})`;
}

/** Whether `message` is a {@link ConfigErrorMessage}. */
export function isConfigErrorMessage(message: unknown): message is ConfigErrorMessage {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as { type?: unknown }).type === "loopstall:config-error" &&
    typeof (message as { message?: unknown }).message === "string"
  );
}
