import type { JsonWriteOptions } from "@bufbuild/protobuf";
import { RequestStorage } from "../http/request-storage.js";

/** What one request hands from its handler to Connect's JSON serializer. */
interface JsonSlot {
  bytes: Uint8Array<ArrayBuffer> | undefined;
}

const slots = new RequestStorage<JsonSlot>();

/**
 * The JSON text an empty `ListClientsResponse` serializes to: the message a
 * handler returns in place of a pre-encoded JSON body.
 */
const placeholderJson = "{}";

/**
 * Why this exists: Connect serializes a JSON response with `toJsonString`,
 * which walks the message by reflection and ignores `$unknown`, so the
 * `$unknown` passthrough of the binary formats does not work for JSON. Its
 * JSON serialization does, however, take a public `textEncoder` option and
 * calls `textEncoder.encode(toJsonString(message))` right after the handler
 * returns, before the `writeMaxBytes` check and compression.
 *
 * So a handler that has JSON bytes encoded elsewhere stores them in a
 * per-request slot (an `AsyncLocalStorage` entered around the request by
 * {@link withJsonSlots}) and returns an empty message; this encoder sees the
 * placeholder `{}` and returns the stored bytes instead, once. Every other
 * string, and every request without stored bytes, is encoded normally, so
 * errors, limits, deadlines and compression behave exactly as for inline.
 */
export function createPassthroughTextEncoder(): {
  encode(input?: string): Uint8Array<ArrayBuffer>;
} {
  const encoder = new TextEncoder();
  return {
    encode(input = "") {
      const slot = slots.get();
      if (input === placeholderJson && slot?.bytes !== undefined) {
        const { bytes } = slot;
        slot.bytes = undefined;
        return bytes;
      }
      return encoder.encode(input);
    },
  };
}

/** True if the current request runs inside {@link withJsonSlots}. */
export function canStorePreEncodedJson(): boolean {
  return slots.get() !== undefined;
}

/**
 * Stores pre-encoded JSON for the current request's serializer, which must
 * then serialize an empty `ListClientsResponse`. Throws outside
 * {@link withJsonSlots}; check {@link canStorePreEncodedJson} first.
 */
export function storePreEncodedJson(bytes: Uint8Array<ArrayBuffer>): void {
  const slot = slots.get();
  if (slot === undefined) {
    throw new Error(
      "no pre-encoded JSON slot: the request handler is not wrapped by withJsonSlots",
    );
  }
  slot.bytes = bytes;
}

/** Runs `fn` with a fresh slot for pre-encoded JSON (one request's worth). */
export function inJsonSlot<T>(fn: () => T): T {
  return slots.run({ bytes: undefined }, fn);
}

/** Wraps a request handler so each request gets its own slot for pre-encoded JSON. */
export function withJsonSlots<A extends unknown[]>(handler: (...args: A) => void) {
  return (...args: A): void => {
    inJsonSlot(() => handler(...args));
  };
}

/** Switches the slot storage off while no request holds a slot (see RequestStorage). */
export function releaseIdleJsonSlots(): void {
  slots.releaseIfIdle();
}

/**
 * Wraps a Node request handler so each request gets its own slot for
 * pre-encoded JSON, held until its response closes; once no request holds
 * one, the storage is switched off.
 */
export function withRequestJsonSlots<
  Req,
  Res extends { once(event: "close", listener: () => void): unknown },
>(handler: (req: Req, res: Res) => void): (req: Req, res: Res) => void {
  return slots.wrap(handler, () => ({ bytes: undefined }));
}

/**
 * The JSON options a service is registered with so an offloaded handler can
 * hand its pre-encoded JSON to the router. Connect's JSON serialization
 * (`createJsonSerialization` in `@connectrpc/connect/protocol`) honours
 * `textEncoder`, though the router's option type does not list it, so
 * `@connectrpc/*` are pinned to exact versions and the server checks the
 * hook at start ({@link checkJsonPassthrough} in json-passthrough-check.ts).
 */
export const passthroughJsonOptions: Partial<JsonWriteOptions> & {
  textEncoder: ReturnType<typeof createPassthroughTextEncoder>;
} = { textEncoder: createPassthroughTextEncoder() };
