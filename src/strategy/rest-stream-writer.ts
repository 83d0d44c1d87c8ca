import { once } from "node:events";
import type { Writable } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";
import { toJson } from "@bufbuild/protobuf";
import type { ResolvedShape } from "../contract/shape.js";
import { type Client, ClientSchema } from "../gen/bank/v1/bank_pb.js";
import type { AnyResponse } from "../http/node-types.js";
import { buildClients } from "../model/client-factory.js";

/** Options of {@link writeClientsStream}. */
export interface ClientsStreamOptions {
  /** Clients built and written per chunk. */
  pageSize: number;
  /**
   * Where the body goes, e.g. a compressing stream piped into `res`.
   * Default `res` itself; the status and headers always go on `res`.
   */
  body?: Writable;
  /** Headers added to the 200 (e.g. `content-encoding`). */
  headers?: Record<string, string>;
  /** The tree already in memory (the `memory` source); default: each page is built. */
  tree?: readonly Client[];
}

/**
 * Writes the REST body of `GET /v1/clients` as chunked JSON, page by page:
 * `{"clients":[` + each client's `JSON.stringify(toJson(ClientSchema, c))`
 * joined by commas + `]}`. That is byte for byte what
 * `JSON.stringify(toJson(ListClientsResponseSchema, m))` gives for the whole
 * tree (and `{}` for no clients, as proto3 JSON omits an empty repeated field).
 *
 * After each page it waits for `drain` if the socket is backed up, and
 * then for the next turn of the event loop, so other requests run between
 * pages. Resolves when the body is written; stops early, without
 * error, if the client goes away.
 */
export async function writeClientsStream(
  res: AnyResponse,
  shape: ResolvedShape,
  options: ClientsStreamOptions,
): Promise<void> {
  const closed = abortOnClose(res);
  const body = options.body ?? res;
  try {
    res.writeHead(200, { "content-type": "application/json", ...options.headers });
    if (shape.count === 0) {
      body.end("{}");
      return;
    }
    for (let start = 0; start < shape.count; start += options.pageSize) {
      if (closed.signal.aborted) {
        return;
      }
      const page =
        options.tree?.slice(start, start + options.pageSize) ??
        buildClients(shape, start, start + options.pageSize);
      const parts = page.map((client) => JSON.stringify(toJson(ClientSchema, client)));
      const chunk = (start === 0 ? '{"clients":[' : ",") + parts.join(",");
      if (!body.write(chunk)) {
        await waitForDrain(body, closed.signal);
      }
      // Always yield a real turn: when the kernel takes a write at once (a
      // fast reader on loopback), "drain" arrives on the nextTick queue, and
      // the pages would chain through ticks without the loop ever polling.
      await nextTurn();
    }
    if (!closed.signal.aborted) {
      body.end("]}");
    }
  } finally {
    closed.dispose();
  }
}

async function waitForDrain(res: AnyResponse | Writable, signal: AbortSignal): Promise<void> {
  try {
    await once(res, "drain", { signal });
  } catch (error) {
    if (!signal.aborted) {
      throw error;
    }
  }
}

/** The largest piece {@link writeInChunks} hands the socket at once. */
const chunkBytes = 1024 * 1024;

/**
 * Writes an already-encoded body in 1 MiB pieces, waiting for `drain` when
 * the socket is backed up, then ends the response. One `end()` of a 15 MB
 * body would queue it all in the HTTP/2 session, and Node refuses new
 * streams on a session over its `maxSessionMemory` (10 MB by default) with
 * ENHANCE_YOUR_CALM. Stops early, without error, if the client goes away.
 */
export async function writeInChunks(res: AnyResponse, bytes: Uint8Array): Promise<void> {
  const closed = abortOnClose(res);
  try {
    for (let offset = 0; offset < bytes.byteLength; offset += chunkBytes) {
      if (closed.signal.aborted) {
        return;
      }
      if (!res.write(bytes.subarray(offset, offset + chunkBytes))) {
        await waitForDrain(res, closed.signal);
      }
    }
    if (!closed.signal.aborted) {
      res.end();
    }
  } finally {
    closed.dispose();
  }
}

/**
 * An AbortSignal that aborts when the response closes (the client went away,
 * or the response ended). Call `dispose()` when done to drop the listener.
 */
export function abortOnClose(res: AnyResponse): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onClose = () => controller.abort();
  res.once("close", onClose);
  return { signal: controller.signal, dispose: () => res.off("close", onClose) };
}
