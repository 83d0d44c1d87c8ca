import type { Http2Stream } from "node:http2";
import { setImmediate as nextTurn } from "node:timers/promises";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Exchange } from "./request-scope.js";

/**
 * True if nobody is left to read the response: the client closed its
 * connection or stream, or the response was already ended or destroyed.
 */
export function hasDeparted({ req, res }: Exchange): boolean {
  // Not req.destroyed: Node destroys a request once its body is read.
  const stream = (res as { stream?: Http2Stream }).stream;
  if (stream !== undefined) {
    const session = stream.session;
    const socket = session?.socket as { destroyed?: boolean; writable?: boolean } | undefined;
    return (
      stream.destroyed ||
      stream.closed ||
      res.writableEnded ||
      session === undefined ||
      // Not session.closed: a draining server closes sessions itself (GOAWAY).
      session.destroyed ||
      socket === undefined ||
      socket.destroyed === true ||
      socket.writable === false
    );
  }
  const socket = req.socket as { destroyed?: boolean; writable?: boolean } | null;
  return (
    res.destroyed ||
    res.writableEnded ||
    socket === null ||
    socket.destroyed === true ||
    // The server ends its side once the client has ended its own.
    socket.writable === false
  );
}

/** The error a request whose client has gone gets (nobody reads it). */
export function departedError(): ConnectError {
  return new ConnectError("the client went away", Code.Canceled);
}

/**
 * Gives the event loop two turns, then throws `canceled` if the client has
 * gone. Why the turn: a request that arrived while the loop was blocked is
 * dispatched from the same read that later sees its connection's EOF or
 * RST, so only after the poll phase does the server know the client left.
 */
export async function settleAndCheck(
  exchange: Exchange | undefined,
  onDeparted?: () => void,
): Promise<void> {
  await nextTurn();
  // HTTP/2 learns of the EOF a turn after it dispatched the streams.
  await nextTurn();
  if (exchange !== undefined && hasDeparted(exchange)) {
    onDeparted?.();
    throw departedError();
  }
}
