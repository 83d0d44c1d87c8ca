/** The line a peer server prints on stdout once it listens. */
export interface PeerReady {
  ready: true;
  /** Port of each listener: `h2c` (HTTP/2 prior knowledge) and/or `http1`. */
  ports: { h2c?: number; http1?: number };
}

/** Prints the ready line and ends the process on SIGTERM/SIGINT or a closed stdin. */
export function announceReady(ports: PeerReady["ports"]): void {
  process.stdout.write(`${JSON.stringify({ ready: true, ports } satisfies PeerReady)}\n`);
  const stop = () => process.exit(0);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** The proto every peer serves, from the package root (src/ or dist/ alike). */
export const bankProtoPath = new URL("../../../proto/bank/v1/bank.proto", import.meta.url).pathname;
