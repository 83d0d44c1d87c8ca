import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { ListClientsRequestSchema, StreamClientsRequestSchema } from "../gen/bank/v1/bank_pb.js";
import { buildHeavyRequest } from "../load/heavy-call.js";
import {
  encodeHeavyRequest,
  envelope,
  heavyGrpcCall,
  heavyHttpCall,
  parseFormat,
  type Shape,
  shapeFromEnv,
  utf8,
} from "./scenario.js";
import { defaultShape } from "./shape.js";
import { formats, strategies } from "./wire.js";

const shapes: Shape[] = [
  defaultShape,
  { count: 0, accountsPerClient: 0, filledStrings: 0 },
  { count: 200_000, accountsPerClient: 10, filledStrings: 15 },
  { count: 127, accountsPerClient: 128, filledStrings: 16_384 },
];

describe("encodeHeavyRequest (hand-encoded protobuf for k6)", () => {
  for (const shape of shapes) {
    it(`matches protobuf-es for ${JSON.stringify(shape)}`, () => {
      assert.deepEqual(
        encodeHeavyRequest(shape),
        toBinary(ListClientsRequestSchema, create(ListClientsRequestSchema, { shape })),
      );
      assert.deepEqual(
        encodeHeavyRequest(shape),
        toBinary(StreamClientsRequestSchema, create(StreamClientsRequestSchema, { shape })),
      );
    });
  }

  it("refuses values that are not uint32", () => {
    assert.throws(() => encodeHeavyRequest({ ...defaultShape, count: -1 }), RangeError);
    assert.throws(() => encodeHeavyRequest({ ...defaultShape, count: 2 ** 32 }), RangeError);
  });
});

describe("heavyHttpCall agrees with the embedded engine's requests", () => {
  // The "defined once" check: the k6 scripts and src/load send the same bytes.
  for (const format of formats) {
    if (format === "grpc") continue;
    for (const strategy of strategies) {
      it(`${format} / ${strategy}`, () => {
        const ours = heavyHttpCall(format, strategy, defaultShape);
        const engine = buildHeavyRequest(format, strategy, defaultShape);
        assert.equal(ours.method, engine.method);
        assert.equal(ours.path, engine.path);
        assert.deepEqual(ours.headers, engine.headers);
        const body = typeof ours.body === "string" ? utf8(ours.body) : ours.body;
        if (format === "connect-json") {
          // Same JSON value; key order and spacing may differ.
          const text = (bytes: Uint8Array | undefined) => {
            const raw = new TextDecoder().decode(bytes);
            return strategy === "stream" ? raw.slice(5) : raw;
          };
          assert.deepEqual(JSON.parse(text(body)), JSON.parse(text(engine.body)));
        } else {
          assert.deepEqual(body, engine.body);
        }
      });
    }
  }
});

describe("scenario helpers", () => {
  it("builds the gRPC heavy call with the strategy as metadata", () => {
    const call = heavyGrpcCall("stream", defaultShape);
    assert.equal(call.method, "bank.v1.BankService/StreamClients");
    assert.equal(call.stream, true);
    assert.deepEqual(call.metadata, { "loopstall-strategy": "stream" });
    assert.deepEqual(call.message, {
      shape: { count: 40_000, accountsPerClient: 1, filledStrings: 3 },
    });
  });

  it("frames messages with the 5-byte envelope", () => {
    assert.deepEqual(
      envelope(Uint8Array.from([7, 8]), 0x80),
      Uint8Array.from([0x80, 0, 0, 0, 2, 7, 8]),
    );
  });

  it("encodes UTF-8 like TextEncoder", () => {
    const text = 'ascii é € 😀 "quoted"';
    assert.deepEqual(utf8(text), new TextEncoder().encode(text));
  });

  it("reads the shape from the environment, with clear errors", () => {
    assert.deepEqual(shapeFromEnv({}), defaultShape);
    assert.deepEqual(shapeFromEnv({ COUNT: "5", FILLED_STRINGS: "" }), {
      ...defaultShape,
      count: 5,
    });
    assert.throws(() => shapeFromEnv({ COUNT: "lots" }), /COUNT must be a whole number/);
    assert.throws(() => parseFormat("xml"), /unknown format "xml"/);
  });
});
