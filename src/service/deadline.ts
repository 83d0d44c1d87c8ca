import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";

/**
 * Throws `deadline_exceeded` if the call's deadline has passed or it was
 * cancelled. The deadline is read from the clock, not from `ctx.signal`:
 * after a long synchronous step the deadline timer has not had a chance to
 * fire yet, so the signal alone would miss it.
 */
export function checkDeadline(ctx: HandlerContext): void {
  ctx.signal.throwIfAborted();
  const remaining = ctx.timeoutMs();
  if (remaining !== undefined && remaining <= 0) {
    throw new ConnectError("the operation timed out", Code.DeadlineExceeded);
  }
}
