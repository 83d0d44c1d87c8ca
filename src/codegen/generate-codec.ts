import {
  type DescField,
  type DescFile,
  type DescMessage,
  type DescOneof,
  ScalarType,
} from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import type { GeneratedFile, Printable, Schema } from "@bufbuild/protoplugin";
import { runtimeSource } from "./runtime-source.js";

/** google.protobuf.FeatureSet.FieldPresence.IMPLICIT */
const IMPLICIT = 2;
/** Edition of a proto3 file in protobuf-es descriptors. */
const EDITION_PROTO3 = 999;

/** Wire types. */
const VARINT = 0;
const BIT64 = 1;
const LEN = 2;
const BIT32 = 5;

/** What a message field refers to, and how its values are encoded. */
type MessageRef =
  /** A message of this file the codec encodes itself: calls its s_/w_/j_ functions. */
  | { kind: "local"; name: string }
  /** A message of another generated file: through that file's codec, embedded as bytes. */
  | { kind: "codec"; codec: Printable }
  /** A well-known or unsupported type: through protobuf-es, embedded as bytes. */
  | { kind: "protobuf-es"; schema: Printable; wrapper: boolean };

/**
 * Generates `<name>_codec.ts` for each file: per message, a size function, a
 * write function and a JSON function, specialized to its fields, and an
 * exported `<Message>Codec`.
 */
export function generateTs(schema: Schema): void {
  for (const file of schema.files) {
    const f = schema.generateFile(`${file.name}_codec.ts`);
    f.preamble(file);
    new FileGenerator(f, file, schema).generate();
  }
}

/** Why a message of a generated file is left to protobuf-es, or undefined if the codec encodes it. */
export function unsupportedReason(message: DescMessage): string | undefined {
  if (message.file.edition !== EDITION_PROTO3) {
    return "only proto3 files are specialized";
  }
  if (message.typeName.startsWith("google.protobuf.")) {
    return "well-known types are left to protobuf-es";
  }
  for (const field of message.fields) {
    if (field.fieldKind === "message" || field.fieldKind === "list" || field.fieldKind === "map") {
      const child = childMessage(field);
      if (child !== undefined && jsonRepresented(child.typeName, message.typeName)) {
        return `field ${field.name} is a google.protobuf.Struct (JsonObject) field`;
      }
    }
  }
  return undefined;
}

function childMessage(field: DescField): DescMessage | undefined {
  switch (field.fieldKind) {
    case "message":
      return field.message;
    case "list":
      return field.listKind === "message" ? field.message : undefined;
    case "map":
      return field.mapKind === "message" ? field.message : undefined;
    default:
      return undefined;
  }
}

function jsonRepresented(typeName: string, parent: string): boolean {
  return typeName === "google.protobuf.Struct" && parent !== "google.protobuf.Value";
}

const wrapperNames = new Set(
  [
    "DoubleValue",
    "FloatValue",
    "Int64Value",
    "UInt64Value",
    "Int32Value",
    "UInt32Value",
    "BoolValue",
    "StringValue",
    "BytesValue",
  ].map((n) => `google.protobuf.${n}`),
);

/** The bytes of a varint, as a list of numbers. */
function varintBytes(value: number): number[] {
  const bytes: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return bytes;
}

function tagBytes(no: number, wireType: number): number[] {
  return varintBytes(((no << 3) | wireType) >>> 0);
}

function wireTypeOf(scalar: ScalarType): number {
  switch (scalar) {
    case ScalarType.BYTES:
    case ScalarType.STRING:
      return LEN;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return BIT64;
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FLOAT:
      return BIT32;
    default:
      return VARINT;
  }
}

function is64(scalar: ScalarType): boolean {
  switch (scalar) {
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return true;
    default:
      return false;
  }
}

/** A statement that loads the lo/hi of a 64-bit value `v`. */
function split64(scalar: ScalarType, v: string): string {
  switch (scalar) {
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return `u64(${v});`;
    case ScalarType.SINT64:
      return `s64(${v}); z64();`;
    default:
      return `s64(${v});`;
  }
}

/** Size expression of a scalar's value (no tag). 64-bit types need split64 first. */
function scalarSize(scalar: ScalarType, v: string): string {
  switch (scalar) {
    case ScalarType.STRING:
      return `ss(${v})`;
    case ScalarType.BYTES:
      return `bs(${v})`;
    case ScalarType.BOOL:
      return "1";
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return "8";
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return "4";
    case ScalarType.INT32:
      return `is(${v})`;
    case ScalarType.UINT32:
      return `vs(${v})`;
    case ScalarType.SINT32:
      return `vs(zz(${v}))`;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
      return "v64s()";
  }
}

/** Write expression of a scalar's value (no tag), returning the new position. */
function scalarWrite(scalar: ScalarType, v: string): string {
  switch (scalar) {
    case ScalarType.STRING:
      return `sw(${v}, p)`;
    case ScalarType.BYTES:
      return `bw(${v}, p)`;
    case ScalarType.BOOL:
      return `((B[p] = ${v} ? 1 : 0), p + 1)`;
    case ScalarType.DOUBLE:
      return `dw(${v}, p)`;
    case ScalarType.FLOAT:
      return `fw(${v}, p)`;
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return "f64w(p)";
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return `f32w(${v}, p)`;
    case ScalarType.INT32:
      return `iw(${v}, p)`;
    case ScalarType.UINT32:
      return `vw(${v}, p)`;
    case ScalarType.SINT32:
      return `vw(zz(${v}), p)`;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
      return "v64w(p)";
  }
}

/** A statement writing the JSON of a scalar `v` at `p`. */
function scalarJson(scalar: ScalarType, v: string): string {
  switch (scalar) {
    case ScalarType.STRING:
      return `p = js(${v}, p);`;
    case ScalarType.BYTES:
      return `p = ju(bj(${v}), p);`;
    case ScalarType.BOOL:
      return `p = ja(${v} ? "true" : "false", p);`;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return `p = ja(dj(${v}), p);`;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return `p = ja('"' + ${v} + '"', p);`;
    default:
      return `p = jn(${v}, p);`;
  }
}

/** Room a fixed-size JSON value needs (strings, bytes and messages make their own). */
const valueRoom = 32;

/**
 * The presence test of an implicit-presence scalar `v`, for messages and
 * init shapes alike (an init shape may leave any field undefined or null):
 * the zero checks of protobuf-es' writers.
 */
function implicitPresent(scalar: ScalarType, v: string): string {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BOOL:
      return `${v}`;
    case ScalarType.BYTES:
      return `${v} != null && ${v}.length > 0`;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      // Everything but +0: -0 and NaN are written.
      return `${v} != null && (${v} !== 0 || 1 / ${v} < 0)`;
    default:
      // Loose comparison matches 0n, 0 and "0", as protobuf-es does.
      return `${v} != null && ${v} != 0`;
  }
}

function bytesLiteral(bytes: number[]): string {
  return bytes.map((b) => `B[p++] = ${b};`).join(" ");
}

/** Drops a loop's `const x = …;` from a line that never reads x (fallback writes take bytes recorded by the size pass). */
function pruneItem(line: Printable[]): Printable[] {
  const text = line.map((part) => (typeof part === "string" ? part : "")).join("");
  const decl = /const x = v\[(?:k|key)\]; /;
  if (!decl.test(text) || (text.replace(decl, "").match(/\bx\b/g) ?? []).length > 0) {
    return line;
  }
  return line.map((part) => (typeof part === "string" ? part.replace(decl, "") : part));
}

class FileGenerator {
  readonly #f: GeneratedFile;
  readonly #file: DescFile;
  readonly #schema: Schema;
  /** Local function-name stem of each message of this file. */
  readonly #names = new Map<string, string>();
  readonly #enumTables: Printable[][] = [];
  #enumCount = 0;
  readonly #enumNames = new Map<string, string>();

  constructor(f: GeneratedFile, file: DescFile, schema: Schema) {
    this.#f = f;
    this.#file = file;
    this.#schema = schema;
  }

  generate(): void {
    const f = this.#f;
    const messages = [...nestedTypes(this.#file)].filter(
      (t): t is DescMessage => t.kind === "message",
    );
    for (const m of messages) {
      if (unsupportedReason(m) === undefined) {
        this.#names.set(m.typeName, this.#stem(m));
      }
    }
    f.print("// biome-ignore-all lint: generated code");
    f.print(runtimeSource);
    const bodies: Printable[][] = [];
    for (const m of messages) {
      bodies.push(...this.#message(m));
    }
    for (const table of this.#enumTables) {
      f.print(...table);
    }
    for (const line of bodies) {
      f.print(...pruneItem(line));
    }
    // Every helper counts as used, whichever field kinds this file has.
    f.print(
      "void [L, X, vs, vw, is, iw, zz, s64, u64, z64, v64s, v64w, f64w, f32w, dw, fw, ss, sw, bs, bw, xs, xw, us, uw, jr, ja, jn, ju, js, dj, bj, k32, kb, pb, pj, E, codec, fallbackCodec];",
    );
  }

  #stem(m: DescMessage): string {
    const prefix = m.file.proto.package === "" ? "" : `${m.file.proto.package}.`;
    return m.typeName.slice(prefix.length).replace(/\./g, "_");
  }

  #message(m: DescMessage): Printable[][] {
    const f = this.#f;
    const schemaSym = f.importSchema(m);
    const exportName = `${schemaSym.name.replace(/Schema$/, "")}Codec`;
    const reason = unsupportedReason(m);
    const doc = f.jsDoc(
      reason === undefined
        ? `Binary and JSON encoders of ${m.typeName}, byte-identical to protobuf-es.`
        : `Encoders of ${m.typeName}, delegating to protobuf-es (${reason}).`,
    );
    if (reason !== undefined) {
      return [[doc], [f.export("const", exportName), " = fallbackCodec(", schemaSym, ");"], [""]];
    }
    const stem = this.#names.get(m.typeName) as string;
    const sorted = m.fields.concat().sort((a, b) => a.number - b.number);
    const oneofs = new Map<DescOneof, string>();
    for (const field of sorted) {
      if (field.oneof !== undefined && !oneofs.has(field.oneof)) {
        oneofs.set(field.oneof, `o${oneofs.size}`);
      }
    }
    const loadOneofs = [...oneofs].map(([o, name]) => `  const ${name} = m.${o.localName}; `);
    const empty = sorted.length === 0;
    const size: Printable[][] = [
      [`function s_${stem}(m: $Any): number {`],
      [empty ? "  const n = 0;" : "  let n = 0; let v: $Any;"],
    ];
    const write: Printable[][] = [
      [`function w_${stem}(m: $Any, p: number): number {`],
      [empty ? "" : "  let v: $Any;"],
    ];
    const json: Printable[][] = [
      [`function j_${stem}(${empty ? "_m" : "m"}: $Any, p: number): number {`],
      [empty ? "  jr(p + 2);" : "  let c = false; let v: $Any; jr(p + 1);"],
      ["  J[p++] = 123;"],
    ];
    for (const line of loadOneofs) {
      size.push([line]);
      write.push([line]);
      json.push([line]);
    }
    for (const field of sorted) {
      const access = field.oneof
        ? `(${oneofs.get(field.oneof)} != null && ${oneofs.get(field.oneof)}.case === ${JSON.stringify(field.localName)})`
        : undefined;
      const load = field.oneof
        ? `v = ${oneofs.get(field.oneof)}.value;`
        : `v = m.${field.localName};`;
      this.#field(field, access, load, size, write, json);
    }
    const typeName = JSON.stringify(m.typeName);
    size.push([`  return n + us(m, ${typeName});`], ["}"]);
    write.push([`  return uw(m, ${typeName}, p);`], ["}"]);
    json.push(["  jr(p + 1); J[p++] = 125; return p;"], ["}"]);
    return [
      ...size,
      ...write,
      ...json,
      [doc],
      [
        f.export("const", exportName),
        " = codec(",
        schemaSym,
        `, s_${stem}, w_${stem}, j_${stem});`,
      ],
      [""],
    ];
  }

  #messageRef(field: DescField, child: DescMessage): MessageRef {
    const local = this.#names.get(child.typeName);
    if (local !== undefined) {
      return { kind: "local", name: local };
    }
    const generated =
      child.file !== this.#file &&
      this.#schema.files.includes(child.file) &&
      unsupportedReason(child) === undefined;
    if (generated) {
      const codecName = `${this.#f.importSchema(child).name.replace(/Schema$/, "")}Codec`;
      return { kind: "codec", codec: this.#f.import(codecName, `./${child.file.name}_codec.js`) };
    }
    return {
      kind: "protobuf-es",
      schema: this.#f.importSchema(child),
      wrapper:
        field.fieldKind === "message" &&
        field.oneof === undefined &&
        wrapperNames.has(child.typeName),
    };
  }

  /** Size / write / JSON statements of a message value `x` (the tag is the caller's). */
  #messageValue(
    ref: MessageRef,
    x: string,
  ): { size: Printable[]; write: Printable[]; json: Printable[] } {
    switch (ref.kind) {
      case "local":
        return {
          size: [
            `{ const i = Ln++; const c = s_${ref.name}(${x} ?? E); L[i] = c; n += vs(c) + c; }`,
          ],
          write: [`p = vw(L[Lr++] as number, p); p = w_${ref.name}(${x} ?? E, p);`],
          json: [`p = j_${ref.name}(${x} ?? E, p);`],
        };
      case "codec":
        return {
          size: ["n += xs(", ref.codec, `.toBinary(${x} ?? E));`],
          write: ["p = xw(p);"],
          json: ["p = ju(", ref.codec, `.toJsonString(${x} ?? E), p);`],
        };
      case "protobuf-es": {
        const init = ref.wrapper ? `{ value: ${x} }` : `${x} ?? E`;
        return {
          size: ["n += xs(pb(", ref.schema, `, ${init}));`],
          write: ["p = xw(p);"],
          json: ["p = ju(pj(", ref.schema, `, ${init}), p);`],
        };
      }
    }
  }

  #enumTable(field: DescField): string {
    const desc = field.enum as NonNullable<DescField["enum"]>;
    const known = this.#enumNames.get(desc.typeName);
    if (known !== undefined) {
      return known;
    }
    const name = `N${this.#enumCount++}`;
    this.#enumNames.set(desc.typeName, name);
    const entries = Object.keys(desc.value).map((n) => {
      const value = desc.value[Number(n)];
      return `${JSON.stringify(n)}: ${JSON.stringify(JSON.stringify(value?.jsonName ?? ""))}`;
    });
    this.#enumTables.push([
      `/** JSON names of ${desc.typeName}. */`,
      "\n",
      `const ${name}: Record<number, string> = { ${entries.join(", ")} };`,
    ]);
    return name;
  }

  #enumJson(field: DescField, v: string): string {
    const desc = field.enum as NonNullable<DescField["enum"]>;
    if (desc.typeName === "google.protobuf.NullValue") {
      return 'p = ja("null", p);';
    }
    const longest = Math.max(...desc.values.map((e) => e.jsonName.length));
    return `jr(p + ${Math.max(longest + 2, 12)}); p = ja(${this.#enumTable(field)}[${v}] ?? "" + ${v}, p);`;
  }

  #field(
    field: DescField,
    oneofCase: string | undefined,
    load: string,
    size: Printable[][],
    write: Printable[][],
    json: Printable[][],
  ): void {
    const key = `${JSON.stringify(field.jsonName)}:`;
    // The key's bytes, unrolled: a JSON name is a proto identifier, ASCII.
    const keyBytes = [...Buffer.from(key, "utf8")].map((b) => `J[p++] = ${b};`).join(" ");
    const jsonKey = `jr(p + ${key.length + 1 + valueRoom}); if (c) J[p++] = 44; c = true; ${keyBytes}`;
    const guard = (present: string) =>
      oneofCase !== undefined ? `if (${oneofCase}) { ${load}` : `${load} if (${present}) {`;
    switch (field.fieldKind) {
      case "scalar":
      case "enum": {
        const scalar = field.fieldKind === "enum" ? ScalarType.INT32 : field.scalar;
        const present =
          field.presence === IMPLICIT
            ? field.fieldKind === "enum"
              ? `v != null && v !== ${field.enum.values[0]?.number ?? 0}`
              : implicitPresent(scalar, "v")
            : "v != null";
        const tag = tagBytes(field.number, wireTypeOf(scalar));
        const pre = is64(scalar) ? `${split64(scalar, "v")} ` : "";
        size.push([`  ${guard(present)} ${pre}n += ${tag.length} + ${scalarSize(scalar, "v")}; }`]);
        write.push([
          `  ${guard(present)} ${pre}${bytesLiteral(tag)} p = ${scalarWrite(scalar, "v")}; }`,
        ]);
        const value =
          field.fieldKind === "enum" ? this.#enumJson(field, "v") : scalarJson(scalar, "v");
        json.push([`  ${guard(present)} ${jsonKey} ${value} }`]);
        return;
      }
      case "message": {
        const ref = this.#messageRef(field, field.message);
        const tag = tagBytes(field.number, LEN);
        const value = this.#messageValue(ref, "v");
        size.push([`  ${guard("v != null")} n += ${tag.length}; `, ...value.size, " }"]);
        write.push([`  ${guard("v != null")} ${bytesLiteral(tag)} `, ...value.write, " }"]);
        json.push([`  ${guard("v != null")} ${jsonKey} `, ...value.json, " }"]);
        return;
      }
      case "list": {
        const head = `  ${load} if (v != null && v.length > 0) {`;
        if (field.listKind === "message") {
          const ref = this.#messageRef(field, field.message);
          const tag = tagBytes(field.number, LEN);
          const value = this.#messageValue(ref, "x");
          const loop = "for (let k = 0; k < v.length; k++) { const x = v[k]; ";
          size.push([head, ` n += ${tag.length} * v.length; ${loop}`, ...value.size, " } }"]);
          write.push([head, ` ${loop}${bytesLiteral(tag)} `, ...value.write, " } }"]);
          json.push([
            `${head} ${jsonKey} J[p++] = 91; ${loop}jr(p + 1); if (k > 0) J[p++] = 44; `,
            ...value.json,
            " } jr(p + 1); J[p++] = 93; }",
          ]);
          return;
        }
        const scalar = field.listKind === "enum" ? ScalarType.INT32 : field.scalar;
        const pre = is64(scalar) ? `${split64(scalar, "x")} ` : "";
        const loop = "for (let k = 0; k < v.length; k++) { const x = v[k]; ";
        const itemJson =
          field.listKind === "enum" ? this.#enumJson(field, "x") : scalarJson(scalar, "x");
        json.push([
          `${head} ${jsonKey} J[p++] = 91; ${loop}jr(p + ${1 + valueRoom}); if (k > 0) J[p++] = 44; ${itemJson} } jr(p + 1); J[p++] = 93; }`,
        ]);
        if (field.packed) {
          const tag = tagBytes(field.number, LEN);
          const fixed = scalarSize(scalar, "x");
          if (/^\d+$/.test(fixed)) {
            size.push([`${head} const c = ${fixed} * v.length; n += ${tag.length} + vs(c) + c; }`]);
            write.push([
              `${head} ${bytesLiteral(tag)} p = vw(${fixed} * v.length, p); ${loop}${pre}p = ${scalarWrite(scalar, "x")}; } }`,
            ]);
          } else {
            size.push([
              `${head} let c = 0; ${loop}${pre}c += ${fixed}; } L[Ln++] = c; n += ${tag.length} + vs(c) + c; }`,
            ]);
            write.push([
              `${head} ${bytesLiteral(tag)} p = vw(L[Lr++] as number, p); ${loop}${pre}p = ${scalarWrite(scalar, "x")}; } }`,
            ]);
          }
          return;
        }
        const tag = tagBytes(field.number, wireTypeOf(scalar));
        const itemSize = scalarSize(scalar, "x");
        size.push([
          /^\d+$/.test(itemSize)
            ? `${head} n += ${tag.length + Number(itemSize)} * v.length; }`
            : `${head} n += ${tag.length} * v.length; ${loop}${pre}n += ${itemSize}; } }`,
        ]);
        write.push([
          `${head} ${loop}${pre}${bytesLiteral(tag)} p = ${scalarWrite(scalar, "x")}; } }`,
        ]);
        return;
      }
      case "map": {
        this.#mapField(field, load, jsonKey, size, write, json);
        return;
      }
    }
  }

  #mapField(
    field: DescField & { fieldKind: "map" },
    load: string,
    jsonKey: string,
    size: Printable[][],
    write: Printable[][],
    json: Printable[][],
  ): void {
    const head = `  ${load} if (v != null) { const ks = Object.keys(v); if (ks.length > 0) {`;
    const loop =
      "for (let k = 0; k < ks.length; k++) { const key = ks[k] as string; const x = v[key]; ";
    const tag = tagBytes(field.number, LEN);
    const keyScalar = field.mapKey;
    const keyTag = tagBytes(1, wireTypeOf(keyScalar));
    // The key as protobuf-es' binary writer converts it from the record key.
    let keyValue: string;
    switch (keyScalar) {
      case ScalarType.STRING:
        keyValue = "key";
        break;
      case ScalarType.BOOL:
        keyValue = "kb(key)";
        break;
      default:
        keyValue = is64(keyScalar) ? "key" : "k32(key)";
    }
    const keyPre = is64(keyScalar) ? `${split64(keyScalar, "kv")} ` : "";
    const keyLoad = `const kv = ${keyValue}; ${keyPre}`;
    const keySize = `e += ${keyTag.length} + ${scalarSize(keyScalar, "kv")};`;
    const keyWrite = `${bytesLiteral(keyTag)} p = ${scalarWrite(keyScalar, "kv")};`;
    let valueSize: Printable[];
    let valueWrite: Printable[];
    let valueJson: Printable[];
    if (field.mapKind === "message") {
      const ref = this.#messageRef(field, field.message);
      const value = this.#messageValue(ref, "x");
      // #messageValue adds to n; entries add to e.
      valueSize = [
        "e += 1; ",
        ...value.size.map((part) =>
          typeof part === "string" ? part.replace(/\bn \+=/g, "e +=") : part,
        ),
      ];
      valueWrite = ["B[p++] = 18; ", ...value.write];
      valueJson = value.json;
    } else {
      const scalar = field.mapKind === "enum" ? ScalarType.INT32 : field.scalar;
      const vTag = tagBytes(2, wireTypeOf(scalar));
      const pre = is64(scalar) ? `${split64(scalar, "x")} ` : "";
      valueSize = [`${pre}e += ${vTag.length} + ${scalarSize(scalar, "x")};`];
      valueWrite = [`${pre}${bytesLiteral(vTag)} p = ${scalarWrite(scalar, "x")};`];
      valueJson = [field.mapKind === "enum" ? this.#enumJson(field, "x") : scalarJson(scalar, "x")];
    }
    // The size pass loads only what a variable-size key or value needs.
    const valueText = valueSize.map((part) => (typeof part === "string" ? part : "pb")).join("");
    const sizeKey = /\bkv\b/.test(keySize) || keyPre !== "" ? `${keyLoad}${keySize}` : keySize;
    const needX = /\bx\b/.test(valueText);
    const needKey = needX || /\bkey\b/.test(sizeKey);
    const sizeLoop = `for (let k = 0; k < ks.length; k++) { ${needKey ? "const key = ks[k] as string; " : ""}${needX ? "const x = v[key]; " : ""}`;
    size.push([
      `${head} ${sizeLoop}const i = Ln++; let e = 0; ${sizeKey} `,
      ...valueSize,
      ` L[i] = e; n += ${tag.length} + vs(e) + e; } } }`,
    ]);
    write.push([
      `${head} ${loop}${bytesLiteral(tag)} p = vw(L[Lr++] as number, p); ${keyLoad}${keyWrite} `,
      ...valueWrite,
      " } } }",
    ]);
    json.push([
      `${head} ${jsonKey} J[p++] = 123; ${loop}jr(p + 1); if (k > 0) J[p++] = 44; p = js(key, p); jr(p + ${1 + valueRoom}); J[p++] = 58; `,
      ...valueJson,
      " } jr(p + 1); J[p++] = 125; } }",
    ]);
  }
}
