/**
 * The helpers every generated `_codec.ts` file carries, emitted verbatim so
 * each generated file depends only on `@bufbuild/protobuf` and its `_pb.ts`.
 *
 * State is per generated file and the encoders are not re-entrant within one
 * file: a size pass records every length-delimited length (sub-messages,
 * strings, packed runs, map entries) in `L`, in the order the write pass
 * consumes them, and bytes produced by protobuf-es or another file's codec
 * (well-known types, cross-file messages) in `X`. Protobuf forbids import
 * cycles between files, so a codec never calls back into its own file's
 * top-level entry while encoding.
 */
export const runtimeSource = String.raw`import {
  create as $create,
  type DescMessage as $DescMessage,
  type MessageInitShape as $MessageInitShape,
  type MessageShape as $MessageShape,
  protoInt64 as $protoInt64,
  toBinary as $toBinary,
  toJson as $toJson,
} from "@bufbuild/protobuf";

type $Any = any;

/** Lengths recorded by the size pass, read back in order by the write pass. */
const L: number[] = [];
let Ln = 0;
let Lr = 0;
/** Pre-encoded sub-messages (fallbacks), in write order. */
const X: Uint8Array[] = [];
let Xn = 0;
let Xr = 0;
/** The output buffer of the encode in progress. */
let B = new Uint8Array(0);
let V = new DataView(B.buffer);
/** The two 32-bit halves of the 64-bit integer being encoded. */
let lo = 0;
let hi = 0;
/** An empty init object, for message values protobuf-es writes as empty messages. */
const E: $Any = {};
const utf8 = new TextEncoder();

/** Size of a uint32 varint. */
function vs(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}
/** Writes a uint32 varint. */
function vw(v: number, p: number): number {
  const b = B;
  while (v > 0x7f) {
    b[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  b[p++] = v;
  return p;
}
/** Size of an int32 varint (negative values take 10 bytes). */
function is(v: number): number {
  return v < 0 ? 10 : vs(v);
}
/** Writes an int32 varint. */
function iw(v: number, p: number): number {
  if (v >= 0) return vw(v, p);
  const b = B;
  for (let i = 0; i < 9; i++) {
    b[p++] = (v & 0x7f) | 0x80;
    v >>= 7;
  }
  b[p++] = 1;
  return p;
}
/** Zigzag of a sint32. */
function zz(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}
/** Splits a signed 64-bit value into lo/hi. */
function s64(v: $Any): void {
  const t = $protoInt64.enc(v);
  lo = t.lo;
  hi = t.hi;
}
/** Splits an unsigned 64-bit value into lo/hi. */
function u64(v: $Any): void {
  const t = $protoInt64.uEnc(v);
  lo = t.lo;
  hi = t.hi;
}
/** Zigzags lo/hi in place (sint64). */
function z64(): void {
  const sign = hi >> 31;
  const l = (lo << 1) ^ sign;
  hi = ((hi << 1) | (lo >>> 31)) ^ sign;
  lo = l;
}
/** Size of the varint of lo/hi. */
function v64s(): number {
  if (hi === 0) return vs(lo >>> 0);
  const h = hi >>> 0;
  return h < 0x8 ? 5 : h < 0x400 ? 6 : h < 0x20000 ? 7 : h < 0x1000000 ? 8 : h < 0x80000000 ? 9 : 10;
}
/** Writes the varint of lo/hi (the algorithm of protobuf-es' writeVarint64). */
function v64w(p: number): number {
  const b = B;
  const l = lo;
  const h = hi;
  for (let i = 0; i < 28; i = i + 7) {
    const shift = l >>> i;
    const hasNext = !(shift >>> 7 === 0 && h === 0);
    b[p++] = (hasNext ? shift | 0x80 : shift) & 0xff;
    if (!hasNext) return p;
  }
  const splitBits = ((l >>> 28) & 0x0f) | ((h & 0x07) << 4);
  const hasMoreBits = !(h >> 3 === 0);
  b[p++] = (hasMoreBits ? splitBits | 0x80 : splitBits) & 0xff;
  if (!hasMoreBits) return p;
  for (let i = 3; i < 31; i = i + 7) {
    const shift = h >>> i;
    const hasNext = !(shift >>> 7 === 0);
    b[p++] = (hasNext ? shift | 0x80 : shift) & 0xff;
    if (!hasNext) return p;
  }
  b[p++] = (h >>> 31) & 0x01;
  return p;
}
/** Writes lo/hi as 8 little-endian bytes (fixed64, sfixed64). */
function f64w(p: number): number {
  V.setInt32(p, lo, true);
  V.setInt32(p + 4, hi, true);
  return p + 8;
}
/** Writes 4 little-endian bytes (fixed32, sfixed32). */
function f32w(v: number, p: number): number {
  const b = B;
  b[p] = v & 0xff;
  b[p + 1] = (v >>> 8) & 0xff;
  b[p + 2] = (v >>> 16) & 0xff;
  b[p + 3] = (v >>> 24) & 0xff;
  return p + 4;
}
function dw(v: number, p: number): number {
  V.setFloat64(p, v, true);
  return p + 8;
}
function fw(v: number, p: number): number {
  V.setFloat32(p, v, true);
  return p + 4;
}
/** UTF-8 length of a string; a lone surrogate counts as U+FFFD (3 bytes), as TextEncoder writes it. */
function u8s(s: string): number {
  const len = s.length;
  let n = len;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
      }
      n += 2;
    } else {
      n += 2;
    }
  }
  return n;
}
/** Writes a string of UTF-8 length n (ASCII fast path when n equals its length). */
function u8w(s: string, n: number, p: number): number {
  const len = s.length;
  if (len > 64) {
    utf8.encodeInto(s, B.subarray(p, p + n));
    return p + n;
  }
  const b = B;
  if (n === len) {
    for (let i = 0; i < len; i++) b[p++] = s.charCodeAt(i);
    return p;
  }
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      b[p++] = c;
    } else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < len ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        b[p++] = 0xf0 | (cp >> 18);
        b[p++] = 0x80 | ((cp >> 12) & 0x3f);
        b[p++] = 0x80 | ((cp >> 6) & 0x3f);
        b[p++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        b[p++] = 0xef;
        b[p++] = 0xbf;
        b[p++] = 0xbd;
      }
    } else {
      b[p++] = 0xe0 | (c >> 12);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}
/**
 * Optimistic ASCII mode: the size pass takes every string's length as its
 * UTF-8 length without reading it, and the write pass checks each character
 * as it copies it; the first non-ASCII string aborts the encode (NA), which
 * then runs again in exact mode, where the size pass measures and records
 * each string's UTF-8 length. Most trees are ASCII, so most strings are read
 * once.
 */
let A = false;
const NA = new Error("non-ASCII string");
/** Size of a string field's value (length prefix included); records the UTF-8 length in exact mode. */
function ss(s: string): number {
  if (A) {
    const len = s.length;
    return vs(len) + len;
  }
  const n = u8s(s);
  L[Ln++] = n;
  return vs(n) + n;
}
/** Writes a string field's value (length prefix included). */
function sw(s: string, p: number): number {
  if (A) {
    const len = s.length;
    p = vw(len, p);
    if (len > 64) {
      const r = utf8.encodeInto(s, B.subarray(p, p + len));
      if (r.read !== len || r.written !== len) throw NA;
      return p + len;
    }
    const b = B;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) throw NA;
      b[p++] = c;
    }
    return p;
  }
  const n = L[Lr++] as number;
  return u8w(s, n, vw(n, p));
}
/** Size of a bytes field's value (length prefix included); init shapes may hold number[]. */
function bs(v: ArrayLike<number>): number {
  return vs(v.length) + v.length;
}
function bw(v: ArrayLike<number>, p: number): number {
  p = vw(v.length, p);
  B.set(v, p);
  return p + v.length;
}
/** Records pre-encoded bytes; returns their size, length prefix included. */
function xs(x: Uint8Array): number {
  X[Xn++] = x;
  return vs(x.length) + x.length;
}
function xw(p: number): number {
  const x = X[Xr++] as Uint8Array;
  p = vw(x.length, p);
  B.set(x, p);
  return p + x.length;
}
/** Size of the unknown fields of a message (written only for messages of this type, as create() drops them from init objects). */
function us(m: $Any, typeName: string): number {
  const u = m.$unknown;
  if (u === undefined || m.$typeName !== typeName) return 0;
  let n = 0;
  for (let i = 0; i < u.length; i++) {
    const f = u[i];
    n += vs(((f.no << 3) | f.wireType) >>> 0) + f.data.length;
  }
  return n;
}
function uw(m: $Any, typeName: string, p: number): number {
  const u = m.$unknown;
  if (u === undefined || m.$typeName !== typeName) return p;
  for (let i = 0; i < u.length; i++) {
    const f = u[i];
    p = vw(((f.no << 3) | f.wireType) >>> 0, p);
    B.set(f.data, p);
    p += f.data.length;
  }
  return p;
}
/**
 * The JSON output buffer. JSON is written as UTF-8 bytes in one pass: every
 * field first makes sure of room for its fixed-size part (jr), strings of
 * room for their worst case.
 */
let J = new Uint8Array(0);
const utf8Decoder = new TextDecoder();
/** Makes room for the buffer to hold n bytes. */
function jr(n: number): void {
  if (n > J.length) {
    const next = new Uint8Array(Math.max(n, J.length * 2));
    next.set(J);
    J = next;
  }
}
/** Writes an ASCII string (keys, numbers, enum names, base64). */
function ja(s: string, p: number): number {
  const b = J;
  for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
  return p;
}
/** Writes a 32-bit integer in decimal, as String(v) does. */
function jn(v: number, p: number): number {
  if (v < 0 || v > 0x7fffffff || v !== (v | 0)) return ja("" + v, p);
  const b = J;
  if (v < 10) {
    b[p++] = 48 + v;
    return p;
  }
  let digits = 1;
  for (let t = v; t >= 10; t = (t / 10) | 0) digits++;
  let q = p + digits;
  for (let t = v; q > p; t = (t / 10) | 0) b[--q] = 48 + (t % 10);
  return p + digits;
}
/** Writes any string as UTF-8 (a JSON text already escaped). */
function ju(s: string, p: number): number {
  jr(p + 3 * s.length);
  return p + utf8.encodeInto(s, J.subarray(p)).written;
}
/**
 * Writes a JSON string, escaped exactly as JSON.stringify escapes it: plain
 * ASCII is copied, anything else (control characters, quote, backslash,
 * non-ASCII, lone surrogates) is left to JSON.stringify.
 */
function js(s: string, p: number): number {
  const len = s.length;
  jr(p + len + 2);
  const b = J;
  const start = p;
  b[p++] = 34;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 34 || c === 92 || c > 0x7e) {
      return ju(JSON.stringify(s), start);
    }
    b[p++] = c;
  }
  b[p++] = 34;
  return p;
}
/** A float or double in proto3 JSON. */
function dj(v: number): string {
  return v !== v ? '"NaN"' : v === Infinity ? '"Infinity"' : v === -Infinity ? '"-Infinity"' : "" + v;
}
/** Bytes in proto3 JSON: standard base64 with padding. */
function bj(v: $Any): string {
  const b = v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(v);
  return '"' + b.toString("base64") + '"';
}
/** A map key as protobuf-es' binary writer converts it. */
function k32(k: string): number {
  return Number.parseInt(k);
}
function kb(k: string): boolean {
  return k === "true";
}
/** A message through protobuf-es, for types this plugin leaves to it. */
function pb(schema: $DescMessage, v: $Any): Uint8Array {
  return $toBinary(schema, $create(schema, v));
}
function pj(schema: $DescMessage, v: $Any): string {
  return JSON.stringify($toJson(schema, $create(schema, v)));
}

/** The encoders of one message type, byte-identical to protobuf-es with default options. */
export interface MessageCodec<Desc extends $DescMessage> {
  readonly schema: Desc;
  /** True for a codec generated for this message, false for one that delegates to protobuf-es. */
  readonly generated: boolean;
  /** Equals toBinary(schema, create(schema, message)). */
  toBinary(message: $MessageShape<Desc> | $MessageInitShape<Desc>): Uint8Array<ArrayBuffer>;
  /** Equals toJsonString(schema, create(schema, message)). */
  toJsonString(message: $MessageShape<Desc> | $MessageInitShape<Desc>): string;
  /** The UTF-8 bytes of toJsonString, as Connect sends them. */
  toJsonBytes(message: $MessageShape<Desc> | $MessageInitShape<Desc>): Uint8Array<ArrayBuffer>;
}

function codec<Desc extends $DescMessage>(
  schema: Desc,
  size: (m: $Any) => number,
  write: (m: $Any, p: number) => number,
  json: (m: $Any, p: number) => number,
): MessageCodec<Desc> {
  /** The last JSON size, so the next buffer rarely grows. */
  let hint = 256;
  /** Calls left in exact mode after a tree that was not all ASCII. */
  let skipAscii = 0;
  function jsonBytes(message: $Any): Uint8Array<ArrayBuffer> {
    J = new Uint8Array(hint);
    try {
      const end = json(message, 0);
      hint = Math.min(end + (end >> 4) + 64, 1 << 30);
      const out = J;
      return end > out.length - (out.length >> 2) ? out.subarray(0, end) : out.slice(0, end);
    } finally {
      J = new Uint8Array(0);
    }
  }
  return {
    schema,
    generated: true,
    toBinary(message) {
      if (skipAscii > 0) {
        skipAscii--;
        return encode(message, false);
      }
      try {
        return encode(message, true);
      } catch (error) {
        if (error !== NA) throw error;
        // Not all ASCII: exact mode now, and for the next calls of this codec.
        skipAscii = 16;
        return encode(message, false);
      }
    },
    toJsonString(message) {
      return utf8Decoder.decode(jsonBytes(message));
    },
    toJsonBytes: jsonBytes,
  };
  /** One size pass and one write pass, in optimistic ASCII mode or exact mode. */
  function encode(message: $Any, ascii: boolean): Uint8Array<ArrayBuffer> {
      A = ascii;
      Ln = 0;
      Xn = 0;
      let out: Uint8Array<ArrayBuffer>;
      try {
        const n = size(message);
        out = new Uint8Array(n);
        B = out;
        V = new DataView(out.buffer);
        Lr = 0;
        Xr = 0;
        const end = write(message, 0);
        if (end !== n) {
          throw new Error("cannot encode " + schema.typeName + ": wrote " + end + " of " + n + " bytes");
        }
      } finally {
        A = false;
        B = new Uint8Array(0);
        V = new DataView(B.buffer);
        X.length = 0;
        if (L.length > 1 << 20) L.length = 0;
      }
      return out;
  }
}

function fallbackCodec<Desc extends $DescMessage>(schema: Desc): MessageCodec<Desc> {
  return {
    schema,
    generated: false,
    toBinary: (message) => pb(schema, message) as Uint8Array<ArrayBuffer>,
    toJsonString: (message) => pj(schema, message),
    toJsonBytes: (message) => utf8.encode(pj(schema, message)),
  };
}
`;
