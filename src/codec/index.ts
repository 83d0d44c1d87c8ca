import {
  create,
  type DescMessage,
  type MessageInitShape,
  type MessageShape,
  toBinary,
  toJsonString,
} from "@bufbuild/protobuf";
import * as bank from "../gen/bank/v1/bank_codec.js";
import * as health from "../gen/grpc/health/v1/health_codec.js";
import * as codectest from "../gen/loopstall/codectest/v1/codectest_codec.js";

/**
 * The binary and JSON encoders of one message type. The output is byte- and
 * character-identical to protobuf-es' `toBinary` and `toJsonString` with
 * default options, unknown fields (`$unknown`) included in binary (JSON
 * ignores them, as protobuf-es does).
 *
 * Every method takes the message or its init shape (plain objects, as
 * `create()` takes them), so a handler need not `create()` a tree first.
 */
export interface MessageCodec<Desc extends DescMessage> {
  readonly schema: Desc;
  /** True for a generated codec; false for one that delegates to protobuf-es. */
  readonly generated: boolean;
  /** Equals `toBinary(schema, create(schema, message))`. */
  toBinary(message: MessageShape<Desc> | MessageInitShape<Desc>): Uint8Array<ArrayBuffer>;
  /** Equals `toJsonString(schema, create(schema, message))`. */
  toJsonString(message: MessageShape<Desc> | MessageInitShape<Desc>): string;
  /** The UTF-8 bytes of `toJsonString`, as Connect sends a JSON body. */
  toJsonBytes(message: MessageShape<Desc> | MessageInitShape<Desc>): Uint8Array<ArrayBuffer>;
}

type AnyCodec = MessageCodec<DescMessage>;

/** Every generated codec, by message type name. */
const generated = new Map<string, AnyCodec>();
for (const module of [bank, codectest, health]) {
  for (const value of Object.values(module)) {
    if (isCodec(value)) {
      generated.set(value.schema.typeName, value as unknown as AnyCodec);
    }
  }
}

function isCodec(value: unknown): value is AnyCodec {
  return (
    typeof value === "object" &&
    value !== null &&
    "schema" in value &&
    "toBinary" in value &&
    "toJsonString" in value
  );
}

const textEncoder = new TextEncoder();
const fallbacks = new WeakMap<DescMessage, AnyCodec>();

/**
 * The codec of a message schema: the generated one for every message in
 * `src/gen`, else one that calls protobuf-es (`generated: false`), so any
 * schema works and a generated one is simply faster.
 */
export function codecFor<Desc extends DescMessage>(schema: Desc): MessageCodec<Desc> {
  const found = generated.get(schema.typeName);
  if (found !== undefined && found.schema === schema) {
    return found as unknown as MessageCodec<Desc>;
  }
  let fallback = fallbacks.get(schema);
  if (fallback === undefined) {
    fallback = protobufEsCodec(schema);
    fallbacks.set(schema, fallback);
  }
  return fallback as unknown as MessageCodec<Desc>;
}

/**
 * An empty message of `schema` that protobuf-es' `toBinary` (so Connect,
 * gRPC and gRPC-Web responses) writes as exactly `bytes`, an encoding of the
 * same type, without walking a tree: the bytes become one `$unknown` entry
 * whose tag is the encoding's first tag, and unknown fields are written
 * verbatim. Hand a handler's codec output to connect-node this way.
 */
export function preEncodedMessage<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
): MessageShape<Desc> {
  const message = create(schema) as MessageShape<Desc>;
  if (bytes.byteLength === 0) {
    return message;
  }
  // The first tag: a varint of field number << 3 | wire type.
  let tag = 0;
  let i = 0;
  for (let shift = 0; i < bytes.byteLength && i < 5; shift += 7) {
    const b = bytes[i++] as number;
    tag += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      const no = Math.floor(tag / 8);
      const wireType = tag % 8;
      if (no < 1 || wireType > 5) {
        break;
      }
      message.$unknown = [{ no, wireType, data: bytes.subarray(i) }];
      return message;
    }
  }
  throw new Error(`pre-encoded ${schema.typeName} does not start with a valid tag`);
}

/** The schemas that have a generated codec (for tests and docs). */
export function generatedSchemas(): DescMessage[] {
  return [...generated.values()].map((codec) => codec.schema);
}

function protobufEsCodec<Desc extends DescMessage>(schema: Desc): MessageCodec<Desc> {
  const json = (message: MessageShape<Desc> | MessageInitShape<Desc>) =>
    toJsonString(schema, create(schema, message as MessageInitShape<Desc>));
  return {
    schema,
    generated: false,
    toBinary: (message) =>
      toBinary(
        schema,
        create(schema, message as MessageInitShape<Desc>),
      ) as Uint8Array<ArrayBuffer>,
    toJsonString: json,
    toJsonBytes: (message) => textEncoder.encode(json(message)),
  };
}
