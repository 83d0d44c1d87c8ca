/**
 * Places the heavy connections on a cluster's workers deterministically.
 * node:cluster hands each new connection to the next worker in turn, but
 * the probe's connections (opened by another thread at the same moment) and
 * any other client interleave with ours, so the order alone decides
 * nothing: one run put both heavy connections on the probe's worker, the
 * next on the other. So each heavy connection asks who serves it (a cheap
 * call's `x-worker`), and one that lands on a worker already holding its
 * share is closed and opened again, until the heavy connections are spread
 * evenly: at most ⌈connections ÷ workers⌉ per worker.
 */
import { type RawCallShape, rawCall } from "./raw-call.js";
import type { RawConnection, RawRequest } from "./raw-client.js";

export interface PlacementPlan {
  /** The server's worker processes. */
  workers: number;
  /** A cheap request whose answer names the worker (`x-worker`). */
  check: RawRequest;
  shape: RawCallShape;
}

/** Connections re-opened at most, per connection and worker, before giving up on the plan. */
const triesPerWorker = 4;
const checkTimeoutMs = 5_000;

/**
 * Spreads `conns` (replaced in place through `reopen`) evenly over the
 * plan's workers. Returns what happened, in one sentence; never throws for
 * a server without `x-worker` or one that will not spread (it says so).
 */
export async function spreadConnections(
  conns: RawConnection[],
  reopen: () => RawConnection,
  plan: PlacementPlan,
): Promise<string> {
  const quota = Math.ceil(conns.length / plan.workers);
  const held = new Map<string, number>();
  let reopened = 0;
  for (let i = 0; i < conns.length; i++) {
    let worker: string | undefined;
    for (let attempt = 0; attempt <= triesPerWorker * plan.workers; attempt++) {
      worker = await whoServes(conns[i] as RawConnection, plan);
      if (worker === undefined) {
        return `heavy connections not placed: the server sends no x-worker header`;
      }
      if ((held.get(worker) ?? 0) < quota) {
        break;
      }
      (conns[i] as RawConnection).close();
      conns[i] = reopen();
      reopened++;
      worker = undefined;
    }
    if (worker === undefined) {
      return `heavy connections not spread: after ${reopened} re-opened connections the workers still did not share them`;
    }
    held.set(worker, (held.get(worker) ?? 0) + 1);
  }
  return `${conns.length} heavy connection(s) spread over ${plan.workers} workers, at most ${quota} each (${reopened} re-opened)`;
}

async function whoServes(
  connection: RawConnection,
  plan: PlacementPlan,
): Promise<string | undefined> {
  try {
    const { outcome } = await rawCall(
      connection,
      plan.check,
      plan.shape,
      AbortSignal.timeout(checkTimeoutMs),
    );
    return outcome.worker;
  } catch {
    return undefined;
  }
}
