import type { HandlerContext } from "@connectrpc/connect";
import type { Admission } from "../http/admission.js";
import { departedError, hasDeparted, settleAndCheck } from "../http/departure.js";
import { currentExchange } from "../http/request-scope.js";
import { checkDeadline } from "./deadline.js";

/**
 * The gate every heavy Connect response passes before anything is built:
 * one loop turn so a client that left while the loop was blocked is seen to
 * have left, then the departure and deadline checks, then admission (which
 * throws `resource_exhausted` when the process is at either bound).
 */
export async function beginHeavy(
  ctx: HandlerContext,
  admission: Admission | undefined,
  bytes: number,
): Promise<void> {
  const exchange = currentExchange();
  await settleAndCheck(exchange, () => admission?.noteDeparted());
  checkDeadline(ctx);
  if (exchange !== undefined && admission !== undefined) {
    admission.admit(exchange.res, bytes);
  }
}

/**
 * Between building and encoding, and between pages: a turn of the loop,
 * then `canceled` if the client has gone or `deadline_exceeded` if its
 * deadline has passed, so nothing is encoded for nobody.
 */
export async function checkStillWanted(ctx: HandlerContext, admission?: Admission): Promise<void> {
  await settleAndCheck(currentExchange(), () => admission?.noteDeparted());
  checkDeadline(ctx);
}

/** {@link checkStillWanted} without the loop turn, for code that has just awaited. */
export function checkStillWantedNow(ctx: HandlerContext, admission?: Admission): void {
  const exchange = currentExchange();
  if (exchange !== undefined && hasDeparted(exchange)) {
    admission?.noteDeparted();
    throw departedError();
  }
  checkDeadline(ctx);
}
