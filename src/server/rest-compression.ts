import { promisify } from "node:util";
import {
  type BrotliOptions,
  brotliCompress,
  constants,
  createBrotliCompress,
  createGzip,
  gzip,
  type ZlibOptions,
} from "node:zlib";

/** The content codings REST responses can use. */
export type RestEncoding = "gzip" | "br";

/** Bodies smaller than this go out uncompressed (Connect's default threshold). */
export const compressMinBytes = 1024;

/**
 * Brotli at quality 4: near gzip's speed with smaller output. Brotli's
 * default, 11, takes seconds on the 15 MB default response.
 */
const brotliOptions: BrotliOptions = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };
const gzipOptions: ZlibOptions = { level: 6 };

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * Picks the coding for an `Accept-Encoding` header: the acceptable one
 * (`q` > 0) of `gzip` and `br` with the highest `q`, `gzip` on a tie (it is
 * what Connect uses), `gzip` for `*`; undefined for none (identity).
 */
export function negotiateEncoding(header: string | string[] | undefined): RestEncoding | undefined {
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  const q: Partial<Record<RestEncoding | "*", number>> = {};
  for (const part of value.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const coding = name.trim();
    if (coding !== "gzip" && coding !== "br" && coding !== "*") {
      continue;
    }
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = qParam === undefined ? 1 : Number(qParam.slice(2));
    q[coding] = Number.isFinite(weight) ? weight : 0;
  }
  const gzipQ = q.gzip ?? q["*"] ?? 0;
  const brQ = q.br ?? (q.gzip === undefined ? 0 : (q["*"] ?? 0));
  if (gzipQ <= 0 && brQ <= 0) {
    return undefined;
  }
  return brQ > gzipQ ? "br" : "gzip";
}

/**
 * Compresses a whole body in libuv's thread pool, so a 15 MB response is
 * not compressed on the event loop.
 */
export function compressBytes(bytes: Uint8Array, encoding: RestEncoding): Promise<Buffer> {
  return encoding === "gzip" ? gzipAsync(bytes, gzipOptions) : brotliAsync(bytes, brotliOptions);
}

/** A compressing stream for a body written piece by piece (zlib works in the thread pool). */
export function createCompressStream(encoding: RestEncoding) {
  return encoding === "gzip" ? createGzip(gzipOptions) : createBrotliCompress(brotliOptions);
}
