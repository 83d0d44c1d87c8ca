import type { Server as HttpServer } from "node:http";
import type { Http2Server } from "node:http2";
import { createServer, type Server, type Socket } from "node:net";

/** The client connection preface every HTTP/2 prior-knowledge client sends first. */
const h2Preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

export interface OnePortListenerOptions {
  http1: HttpServer;
  http2: Http2Server;
  /** A socket that sends nothing for this long is closed. Default 10,000 ms. */
  sniffTimeoutMs?: number;
}

/**
 * A TCP server that serves HTTP/1.1 and h2c on one port. Plain-text
 * `http2.createServer` cannot fall back to HTTP/1.1 (`allowHTTP1` needs TLS
 * ALPN), so this reads the first bytes of each connection: the HTTP/2 preface
 * sends it to the HTTP/2 server, anything else to the HTTP/1.1 server. The
 * bytes read are pushed back with `unshift`, and both servers consume them.
 */
export function createOnePortListener(options: OnePortListenerOptions): {
  server: Server;
  /** Every open connection. */
  sockets: Set<Socket>;
  /** Connections not yet handed to either server: they have sent no request yet. */
  sniffing: Set<Socket>;
} {
  const sockets = new Set<Socket>();
  const sniffing = new Set<Socket>();
  const sniffTimeoutMs = options.sniffTimeoutMs ?? 10_000;
  // A plain net.Server leaves Nagle's algorithm on, which holds small writes
  // back until the peer's ACK. HTTP/2 sessions turn it off on their socket,
  // but http.Server does so only for sockets it accepts itself, not for ones
  // handed to it with emit("connection"); connect-node writes an HTTP/1.1
  // response in several pieces.
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    sniffing.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      sniffing.delete(socket);
    });
    // Errors on a socket are handled by whichever server owns it; this
    // listener only keeps a reset during sniffing from being unhandled.
    socket.on("error", () => socket.destroy());
    socket.setTimeout(sniffTimeoutMs, () => socket.destroy());
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const n = Math.min(buffered.length, h2Preface.length);
      const isH2 = buffered.subarray(0, n).equals(h2Preface.subarray(0, n));
      if (isH2 && buffered.length < h2Preface.length) {
        return; // A partial preface: wait for the rest.
      }
      socket.off("data", onData);
      sniffing.delete(socket);
      socket.pause();
      socket.setTimeout(0);
      socket.unshift(buffered);
      (isH2 ? options.http2 : options.http1).emit("connection", socket);
      if (!isH2) {
        socket.resume();
      }
    };
    socket.on("data", onData);
  });
  return { server, sockets, sniffing };
}
