import { connect as connectHttp2 } from "node:http2";
import { connect as connectTcp, type Socket } from "node:net";

/** Options of {@link abandonedFlood}. */
export interface AbandonedFloodOptions {
  /** `http://127.0.0.1:port`. */
  url: string;
  /** HTTP/1.1 connections, each sending one `GET /v1/clients?count=…`. */
  http1Connections: number;
  /** Streams of one HTTP/2 connection, each a Connect JSON `ListClients`. */
  http2Streams: number;
  /** `count` of every request (the largest allowed is 200,000). */
  count: number;
  /** The clients leave after this long. */
  leaveAfterMs: number;
}

/**
 * The abandoned flood: many large requests whose clients disconnect
 * after `leaveAfterMs` without reading. Resolves once they have left.
 */
export async function abandonedFlood(options: AbandonedFloodOptions): Promise<void> {
  const { port } = new URL(options.url);
  const sockets: Socket[] = [];
  for (let i = 0; i < options.http1Connections; i++) {
    const socket = connectTcp(Number(port), "127.0.0.1");
    socket.on("error", () => {});
    socket.write(`GET /v1/clients?count=${options.count} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
    socket.pause();
    sockets.push(socket);
  }
  const session = connectHttp2(options.url);
  session.on("error", () => {});
  for (let i = 0; i < options.http2Streams; i++) {
    const stream = session.request({
      ":method": "POST",
      ":path": "/bank.v1.BankService/ListClients",
      "content-type": "application/json",
    });
    stream.on("error", () => {});
    stream.pause();
    stream.end(JSON.stringify({ shape: { count: options.count } }));
  }
  await new Promise((resolve) => setTimeout(resolve, options.leaveAfterMs));
  for (const socket of sockets) socket.destroy();
  session.destroy();
}

/** Polls Live (1 s per try) until it answers 200; the ms it took, or undefined after `limitMs`. */
export async function timeUntilLive(url: string, limitMs: number): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    try {
      const res = await fetch(`${url}/.well-known/live`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) {
        return performance.now() - start;
      }
    } catch {
      // Not answering yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

/** A process's resident set and its peak (VmRSS, VmHWM from /proc), in bytes. */
export async function processMemory(pid: number): Promise<{ rss: number; peak: number }> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}
