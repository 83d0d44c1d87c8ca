/**
 * The Live probe of `npm run bench:serialize`, a child process of its own so
 * that the bench's handling of heavy responses does not delay the probe's
 * timing. On `{ type: "start", ...LiveProbeOptions }` it starts calling
 * `BankService/Live` on each of `connections` HTTP/2 connections; on
 * `{ type: "stop" }` it answers with a `LiveProbeSummary`. It exits when its
 * parent disconnects.
 */
import { type ClientHttp2Session, connect } from "node:http2";
import { rawH2Call } from "./raw-h2-call.js";

/**
 * How the probe paces its calls:
 * - `open`: a call is sent on each connection every `intervalMs`, whether or
 *   not the previous one has answered, and timed from when it was due. A
 *   1 s stall then shows as the 1 s, 0.95 s, ... waits of the callers that
 *   arrived during it, which is what users of a stalled server see.
 * - `closed`: one call in flight per connection, the next one
 *   `intervalMs` after the previous one started (or as soon as it answers).
 *   A stall then counts once per connection, so its p99 understates the
 *   stall (the "coordinated omission" of closed-loop probes).
 */
export type LiveProbeMode = "open" | "closed";

/** What a probe run is started with. */
export interface LiveProbeOptions {
  url: string;
  /** Connections to call on. */
  connections: number;
  /** How often each connection's next call is due, in ms. */
  intervalMs: number;
  mode: LiveProbeMode;
}

/** The probe's answer to `"stop"`. */
export interface LiveProbeSummary {
  calls: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Calls in flight per connection beyond which an open probe skips a beat. */
const maxInFlight = 500;

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Probes until `stopped()`; returns the latency summary. */
async function probe(options: LiveProbeOptions, stopped: () => boolean): Promise<LiveProbeSummary> {
  const latencies: number[] = [];
  let errors = 0;
  const sessions = Array.from({ length: options.connections }, () => connect(options.url));
  for (const session of sessions) {
    session.on("error", () => {});
  }

  async function call(session: ClientHttp2Session, start: number): Promise<void> {
    try {
      const result = await rawH2Call(session, {
        method: "POST",
        path: "/bank.v1.BankService/Live",
        headers: { "content-type": "application/proto" },
        body: new Uint8Array(0),
      });
      if (result.status !== 200) {
        errors++;
      }
      latencies.push(performance.now() - start);
    } catch {
      errors++;
    }
  }

  await Promise.all(
    sessions.map(async (session) => {
      const inFlight = new Set<Promise<void>>();
      let due = performance.now();
      while (!stopped()) {
        const wait = due - performance.now();
        if (wait > 0) {
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
        if (options.mode === "closed") {
          const start = performance.now();
          due = start + options.intervalMs;
          await call(session, start);
        } else {
          const start = due;
          due += options.intervalMs;
          if (inFlight.size < maxInFlight) {
            const pending = call(session, start).finally(() => inFlight.delete(pending));
            inFlight.add(pending);
          }
        }
      }
      await Promise.all(inFlight);
    }),
  );
  for (const session of sessions) {
    session.close();
  }
  latencies.sort((a, b) => a - b);
  return {
    calls: latencies.length,
    errors,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
  };
}

type ProbeCommand = ({ type: "start" } & LiveProbeOptions) | { type: "stop" };

if (process.send !== undefined) {
  let stopping = false;
  let running: Promise<LiveProbeSummary> | undefined;
  process.on("message", (command: ProbeCommand) => {
    if (command.type === "start" && running === undefined) {
      stopping = false;
      running = probe(command, () => stopping);
    } else if (command.type === "stop" && running !== undefined) {
      stopping = true;
      running.then((summary) => {
        running = undefined;
        process.send?.(summary);
      });
    }
  });
  process.on("disconnect", () => process.exit(0));
}
