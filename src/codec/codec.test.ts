import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  create,
  type DescField,
  type DescMessage,
  type Message,
  toBinary,
  toJsonString,
} from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { file_bank_v1_bank, ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { file_grpc_health_v1_health } from "../gen/grpc/health/v1/health_pb.js";
import {
  file_loopstall_codectest_v1_codectest,
  TreeSchema,
  WithStructSchema,
} from "../gen/loopstall/codectest/v1/codectest_pb.js";
import { buildClients } from "../model/client-factory.js";
import { codecFor, generatedSchemas, preEncodedMessage } from "./index.js";

const files = [
  file_bank_v1_bank,
  file_grpc_health_v1_health,
  file_loopstall_codectest_v1_codectest,
];
const schemas = files.flatMap((file) =>
  [...nestedTypes(file)].filter((t): t is DescMessage => t.kind === "message"),
);

/** Strings that stress escaping and UTF-8: quotes, controls, U+2028, surrogate pairs and lone halves. */
const special = fc.constantFrom(
  "",
  '"',
  "\\",
  "\u2028",
  "\u2029",
  "\ud800",
  "\udfff",
  "\ud83d\ude00",
  "\u0000",
  "\u0008",
  "\u001f",
  "\u007f",
  "é",
  "€",
  "a",
  "/",
  "<",
);
const text = fc.oneof(
  fc
    .array(
      fc.oneof(
        special,
        fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
        fc.string(),
      ),
      { maxLength: 8 },
    )
    .map((parts) => parts.join("")),
  // Long strings take the encoders' bulk paths.
  fc
    .tuple(fc.string({ unit: "binary", maxLength: 40 }), fc.integer({ min: 2, max: 12 }))
    .map(([s, n]) => `x${s}`.repeat(n)),
  fc.string({ unit: "grapheme-ascii", minLength: 65, maxLength: 300 }),
);
const int32 = fc.oneof(fc.integer(), fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 0, -1, 127, 128));
const uint32 = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(0, 0xffffffff, 127, 128, 16383, 16384),
);
const int64 = fc.oneof(
  fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n),
  fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 32n, -(2n ** 31n)),
);
const uint64 = fc.oneof(
  fc.bigInt(0n, 2n ** 64n - 1n),
  fc.constantFrom(0n, 2n ** 64n - 1n, 2n ** 32n),
);
const double = fc.oneof(
  fc.double(),
  fc.constantFrom(
    -0,
    0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e21,
    5e-324,
  ),
);
// float32 values, and doubles in float32 range that binary rounds.
const float = fc.oneof(
  fc.float(),
  fc.double({ min: -3.4e38, max: 3.4e38 }),
  fc.constantFrom(-0, Number.NaN, 0.1, 16777217),
);

function scalarArb(scalar: number): fc.Arbitrary<unknown> {
  // ScalarType numbers, from descriptor.proto.
  switch (scalar) {
    case 1:
      return double;
    case 2:
      return float;
    case 3:
    case 16:
    case 18:
      return int64;
    case 4:
    case 6:
      return uint64;
    case 5:
    case 15:
    case 17:
      return int32;
    case 7:
    case 13:
      return uint32;
    case 8:
      return fc.boolean();
    case 9:
      return text;
    case 12:
      return fc.uint8Array({ maxLength: 40 });
    default:
      throw new Error(`scalar ${scalar}`);
  }
}

function mapKeyArb(scalar: number): fc.Arbitrary<string> {
  if (scalar === 8) return fc.constantFrom("true", "false");
  if (scalar === 9) return text;
  return (scalarArb(scalar) as fc.Arbitrary<number | bigint>).map(String);
}

/** Unknown fields with valid wire data, on numbers the test messages do not use. */
const unknownFields = fc.array(
  fc.oneof(
    fc.tuple(fc.integer({ min: 1000, max: 2 ** 29 - 1 }), uint64).map(([no, v]) => ({
      no,
      wireType: WireType.Varint,
      data: new BinaryWriter().uint64(v).finish(),
    })),
    fc
      .tuple(fc.integer({ min: 1000, max: 5000 }), fc.uint8Array({ maxLength: 200 }))
      .map(([no, b]) => ({
        no,
        wireType: WireType.LengthDelimited,
        data: new BinaryWriter().bytes(b).finish(),
      })),
    fc
      .tuple(fc.integer({ min: 1000, max: 5000 }), fc.uint8Array({ minLength: 4, maxLength: 4 }))
      .map(([no, data]) => ({ no, wireType: WireType.Bit32, data })),
    fc
      .tuple(fc.integer({ min: 1000, max: 5000 }), fc.uint8Array({ minLength: 8, maxLength: 8 }))
      .map(([no, data]) => ({ no, wireType: WireType.Bit64, data })),
  ),
  { maxLength: 3 },
);

/** A value of a well-known type as its field holds it, or undefined for other messages. */
function wktArb(field: DescField, message: DescMessage): fc.Arbitrary<unknown> | undefined {
  const wrapped = field.fieldKind === "message" && field.oneof === undefined;
  switch (message.typeName) {
    case "google.protobuf.Timestamp":
      return fc.record({
        seconds: fc.bigInt(-62135596800n, 253402300799n),
        nanos: fc.integer({ min: 0, max: 999_999_999 }),
      });
    case "google.protobuf.Duration":
      return fc
        .tuple(fc.bigInt(0n, 315576000000n), fc.integer({ min: 0, max: 999_999_999 }), fc.boolean())
        .map(([s, n, neg]) => (neg ? { seconds: -s, nanos: -n } : { seconds: s, nanos: n }));
    case "google.protobuf.Empty":
      return fc.constant({});
    case "google.protobuf.Struct":
      return fc.dictionary(
        fc.string(),
        fc.oneof(fc.string(), fc.boolean(), fc.integer(), fc.constant(null)),
        { maxKeys: 3 },
      );
    default:
      if (message.typeName.startsWith("google.protobuf.") && message.typeName.endsWith("Value")) {
        const value = scalarArb((message.fields[0] as DescField & { scalar: number }).scalar);
        return wrapped ? value : fc.record({ value });
      }
      return undefined;
  }
}

const arbs = new Map<string, fc.Arbitrary<Record<string, unknown>>>();

/** Init shapes of a message, recursing `depth` levels; sometimes a created message with unknown fields. */
function initArb(desc: DescMessage, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const key = `${desc.typeName}/${depth}`;
  const known = arbs.get(key);
  if (known !== undefined) return known;
  const entries: Record<string, fc.Arbitrary<unknown>> = {};
  const child = (field: DescField, m: DescMessage): fc.Arbitrary<unknown> | undefined =>
    wktArb(field, m) ?? (depth > 0 ? messageArb(m, depth - 1) : undefined);
  for (const member of desc.members) {
    if (member.kind === "oneof") {
      const cases = member.fields
        .map((field) => {
          const value =
            field.fieldKind === "scalar"
              ? scalarArb(field.scalar)
              : field.fieldKind === "enum"
                ? enumArb(field)
                : field.fieldKind === "message"
                  ? child(field, field.message)
                  : undefined;
          return value?.map((v) => ({ case: field.localName, value: v }));
        })
        .filter((a) => a !== undefined);
      entries[member.localName] = fc.oneof(fc.constant({ case: undefined }), ...cases);
      continue;
    }
    const field = member;
    let value: fc.Arbitrary<unknown> | undefined;
    switch (field.fieldKind) {
      case "scalar":
        value = scalarArb(field.scalar);
        break;
      case "enum":
        value = enumArb(field);
        break;
      case "message":
        value = child(field, field.message);
        break;
      case "list": {
        const item =
          field.listKind === "scalar"
            ? scalarArb(field.scalar)
            : field.listKind === "enum"
              ? enumArb(field)
              : child(field, field.message);
        value = item === undefined ? undefined : fc.array(item, { maxLength: 4 });
        break;
      }
      case "map": {
        const item =
          field.mapKind === "scalar"
            ? scalarArb(field.scalar)
            : field.mapKind === "enum"
              ? enumArb(field)
              : child(field, field.message);
        value =
          item === undefined
            ? undefined
            : fc.dictionary(mapKeyArb(field.mapKey), item, { maxKeys: 4, noNullPrototype: true });
        break;
      }
    }
    if (value !== undefined) {
      // Absent, undefined, null (create() treats both as unset) or a value.
      entries[field.localName] = fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom(undefined, null) },
        { weight: 4, arbitrary: value },
      );
    }
  }
  const arb = fc.record(entries, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
  arbs.set(key, arb);
  return arb;
}

function enumArb(field: DescField): fc.Arbitrary<number> {
  const desc = field.enum as NonNullable<DescField["enum"]>;
  // An open enum also holds numbers it does not name (JSON writes them as numbers).
  return fc.oneof(fc.constantFrom(...desc.values.map((v) => v.number)), fc.constant(7));
}

function messageArb(desc: DescMessage, depth: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    initArb(desc, depth),
    fc.tuple(initArb(desc, depth), unknownFields).map(([init, unknown]) => {
      const message = create(desc, init) as Message & { $unknown?: unknown };
      if (unknown.length > 0) message.$unknown = unknown;
      return message;
    }),
  );
}

/** Runs both; they must return equal values or both throw. */
function same<T>(expected: () => T, actual: () => T, what: string): void {
  let want: { value: T } | { error: unknown };
  try {
    want = { value: expected() };
  } catch (error) {
    want = { error };
  }
  if ("error" in want) {
    assert.throws(actual, `${what}: protobuf-es threw ${String(want.error)}, the codec did not`);
    return;
  }
  assert.deepStrictEqual(actual(), want.value, what);
}

function checkSame(desc: DescMessage, input: unknown): void {
  const codec = codecFor(desc);
  const message = create(desc, input as Record<string, unknown>);
  const expectedBinary = () => toBinary(desc, message);
  const expectedJson = () => toJsonString(desc, message);
  same(expectedBinary, () => codec.toBinary(message), `${desc.typeName} binary from the message`);
  same(expectedBinary, () => codec.toBinary(input as never), `${desc.typeName} binary from init`);
  same(expectedJson, () => codec.toJsonString(message), `${desc.typeName} JSON from the message`);
  same(expectedJson, () => codec.toJsonString(input as never), `${desc.typeName} JSON from init`);
  same(
    () => new TextEncoder().encode(expectedJson()),
    () => codec.toJsonBytes(input as never),
    `${desc.typeName} JSON bytes`,
  );
}

describe("generated codec", () => {
  it("covers every message in src/gen, Struct-holding ones through protobuf-es", () => {
    const names = new Set(generatedSchemas().map((s) => s.typeName));
    for (const desc of schemas) {
      assert.ok(names.has(desc.typeName), `${desc.typeName} has no generated codec`);
      assert.equal(codecFor(desc).schema, desc);
    }
    assert.equal(codecFor(TreeSchema).generated, true);
    assert.equal(codecFor(WithStructSchema).generated, false);
  });

  for (const desc of schemas) {
    it(`${desc.typeName} equals protobuf-es on random messages and init shapes`, () => {
      fc.assert(
        fc.property(messageArb(desc, 2), unknownFields, (input, unknown) => {
          checkSame(desc, input);
          // Unknown fields on the top-level message are written after the known ones.
          const message = create(desc, input as Record<string, unknown>) as Message;
          message.$unknown = unknown;
          checkSame(desc, message);
        }),
        { numRuns: desc.typeName.startsWith("loopstall.") ? 300 : 100 },
      );
    });
  }

  it("equals protobuf-es on the default tree's first clients, from messages and init shapes", () => {
    const shape = { count: 300, accountsPerClient: 2, filledStrings: 15 };
    const message = create(ListClientsResponseSchema, { clients: buildClients(shape) });
    const codec = codecFor(ListClientsResponseSchema);
    assert.deepStrictEqual(codec.toBinary(message), toBinary(ListClientsResponseSchema, message));
    assert.equal(codec.toJsonString(message), toJsonString(ListClientsResponseSchema, message));
    const init = JSON.parse(JSON.stringify(message, (_k, v) => v)) as Record<string, unknown>;
    delete init.$typeName;
    assert.deepStrictEqual(codec.toBinary(init), toBinary(ListClientsResponseSchema, message));
  });

  it("switches between optimistic ASCII and exact string sizes without changing a byte", () => {
    const codec = codecFor(TreeSchema);
    const ascii = create(TreeSchema, { label: "a", children: [{ label: "b".repeat(100) }] });
    const late = create(TreeSchema, {
      label: "a",
      children: [{ label: "b" }, { label: "é".repeat(70) }],
    });
    for (let i = 0; i < 40; i++) {
      for (const tree of i % 7 === 0 ? [late, ascii] : [ascii]) {
        assert.deepStrictEqual(codec.toBinary(tree), toBinary(TreeSchema, tree));
      }
    }
  });

  it("escapes exactly as JSON.stringify, lone surrogates included", () => {
    const codec = codecFor(TreeSchema);
    for (const label of [
      "\ud800",
      "a\udc00b",
      "\ud83d\ude00",
      "\u2028",
      '"\\',
      "\u0000\u001f\u007f",
      "é€",
    ]) {
      const tree = create(TreeSchema, { label });
      assert.equal(codec.toJsonString(tree), toJsonString(TreeSchema, tree));
      assert.equal(codec.toJsonString(tree), `{"label":${JSON.stringify(label)}}`);
      assert.deepStrictEqual(codec.toBinary(tree), toBinary(TreeSchema, tree));
    }
  });

  it("falls back to protobuf-es for a schema without a generated codec", () => {
    const codec = codecFor(TimestampSchema);
    assert.equal(codec.generated, false);
    const ts = { seconds: 1n, nanos: 5 };
    assert.deepStrictEqual(
      codec.toBinary(ts),
      toBinary(TimestampSchema, create(TimestampSchema, ts)),
    );
    assert.equal(codec.toJsonString(ts), '"1970-01-01T00:00:01.000000005Z"');
  });

  it("throws like protobuf-es on a value protobuf-es cannot encode to JSON", () => {
    const codec = codecFor(TreeSchema);
    const bad = { at: { seconds: 253402300800n, nanos: 0 } };
    assert.throws(() => toJsonString(TreeSchema, create(TreeSchema, bad)));
    assert.throws(() => codec.toJsonString(bad));
  });

  it("preEncodedMessage makes toBinary write the codec's bytes back exactly", () => {
    fc.assert(
      fc.property(messageArb(TreeSchema, 2), (input) => {
        const bytes = codecFor(TreeSchema).toBinary(input as never);
        const wrapped = preEncodedMessage(TreeSchema, bytes);
        assert.deepStrictEqual(toBinary(TreeSchema, wrapped), bytes);
      }),
      { numRuns: 200 },
    );
    // Field numbers past one byte of tag.
    const big = create(TreeSchema, { flag: true, oneofs: { plain: 3 } });
    const bytes = toBinary(TreeSchema, big);
    assert.deepStrictEqual(toBinary(TreeSchema, preEncodedMessage(TreeSchema, bytes)), bytes);
    assert.throws(() => preEncodedMessage(TreeSchema, new Uint8Array([0x07])), /valid tag/);
  });
});
