import type { Server as HttpServer } from "node:http";
import type { Socket } from "node:net";

/** What the drain knows of one HTTP/1.1 connection. */
interface ConnectionState {
  /** Requests received whose responses are not yet handed to the socket. */
  active: number;
  /** True until the first response is done: the first request's bytes may still be arriving. */
  fresh: boolean;
  /** When the last response was done (performance.now()). */
  idleSince: number;
  /** `socket.bytesRead` then: more since means a request is arriving. */
  bytesReadAtIdle: number;
}

/** Graceful closing of a server's HTTP/1.1 keep-alive connections. */
export interface Http1Drain {
  /**
   * Ends (FIN, after flushing) each connection that is between responses:
   * no request in progress, its last response wholly written, nothing read
   * since, and quiet for `quietMs`. Runs on the next check phase, that is
   * after a poll phase: a request that arrived while the loop was blocked is
   * read first, and its connection is no longer idle.
   */
  closeIdle(quietMs: number): void;
}

/**
 * Why not `http.Server.closeIdleConnections()`: it counts a connection as
 * idle once its request has been parsed and `res.end()` has been called,
 * and destroys it, so (1) a 15 MB response still in the socket's buffer is
 * cut (the client sees ECONNRESET), and (2) a request that reached the
 * kernel while the loop was blocked is unread, so its connection looks idle
 * and is reset. This tracker counts a connection busy until its response's
 * `finish` (all bytes handed to the kernel), treats any byte read since as
 * a request arriving, and ends connections rather than destroying them.
 */
export function trackHttp1Connections(server: HttpServer): Http1Drain {
  const connections = new Map<Socket, ConnectionState>();
  server.on("connection", (socket: Socket) => {
    connections.set(socket, {
      active: 0,
      fresh: true,
      idleSince: performance.now(),
      bytesReadAtIdle: socket.bytesRead,
    });
    socket.once("close", () => connections.delete(socket));
  });
  server.on("request", (req, res) => {
    // req.socket is null once the connection has closed: keep it now.
    const socket = req.socket;
    const state = connections.get(socket);
    if (state === undefined) {
      return;
    }
    state.active++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      state.active--;
      state.fresh = false;
      state.idleSince = performance.now();
      state.bytesReadAtIdle = socket.bytesRead;
    };
    res.once("finish", finish);
    res.once("close", finish);
  });
  return {
    closeIdle(quietMs) {
      setImmediate(() => {
        const now = performance.now();
        for (const [socket, state] of connections) {
          const idle =
            !state.fresh &&
            state.active === 0 &&
            socket.writableLength === 0 &&
            socket.bytesRead === state.bytesReadAtIdle &&
            now - state.idleSince >= quietMs;
          if (idle && !socket.writableEnded) {
            socket.end();
          }
        }
      });
    },
  };
}
