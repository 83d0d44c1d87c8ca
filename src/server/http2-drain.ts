import type { Http2Server, Http2Session } from "node:http2";

/** Graceful closing of a server's HTTP/2 sessions. */
export interface Http2Drain {
  /**
   * Sends GOAWAY (`session.close()`) on each session while it has a stream
   * open: now for busy sessions, at their next stream for idle ones, and on
   * every session after `graceMs` at the latest. Open streams finish.
   */
  close(graceMs: number): void;
}

/**
 * Tracks a server's HTTP/2 sessions so a shutdown can close them without
 * failing requests. Node can't send nghttp2's shutdown notice, so any GOAWAY
 * refuses the streams that cross it on the wire (`REFUSED_STREAM`, which
 * connect-node reports as an error). A client that waits for each response
 * before its next request sends nothing while a response is pending, so
 * GOAWAY is sent then, the HTTP/2 analogue of `Connection: close` on an
 * HTTP/1.1 response. A client that always has several streams in flight can
 * still have one refused.
 */
export function trackHttp2Sessions(server: Http2Server): Http2Drain {
  const open = new Map<Http2Session, number>();
  let draining = false;
  server.on("session", (session) => {
    open.set(session, 0);
    session.once("close", () => open.delete(session));
  });
  server.on("stream", (stream) => {
    const session = stream.session;
    if (!session || !open.has(session)) {
      return;
    }
    open.set(session, (open.get(session) ?? 0) + 1);
    stream.once("close", () => {
      if (open.has(session)) {
        open.set(session, (open.get(session) ?? 1) - 1);
      }
    });
    if (draining) {
      session.close(); // Its GOAWAY still accepts this stream.
    }
  });
  return {
    close(graceMs) {
      draining = true;
      for (const [session, streams] of open) {
        if (streams > 0) {
          session.close();
        }
      }
      const timer = setTimeout(() => {
        for (const session of open.keys()) {
          session.close();
        }
      }, graceMs);
      timer.unref();
    },
  };
}
