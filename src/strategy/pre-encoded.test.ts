import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary, toBinary, toJsonString } from "@bufbuild/protobuf";
import { ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import { preEncodedListClientsResponse } from "./pre-encoded-binary.js";
import {
  canStorePreEncodedJson,
  createPassthroughTextEncoder,
  storePreEncodedJson,
  withJsonSlots,
} from "./pre-encoded-json.js";

const shape = { count: 50, accountsPerClient: 3, filledStrings: 15 };

describe("preEncodedListClientsResponse", () => {
  it("round-trips through toBinary byte for byte", () => {
    const message = create(ListClientsResponseSchema, { clients: buildClients(shape) });
    const bytes = toBinary(ListClientsResponseSchema, message);
    const wrapped = preEncodedListClientsResponse(bytes);
    assert.equal(wrapped.clients.length, 0);
    assert.deepEqual(toBinary(ListClientsResponseSchema, wrapped), bytes);
    assert.deepEqual(fromBinary(ListClientsResponseSchema, bytes), message);
  });

  it("wraps an empty body as an empty message", () => {
    const wrapped = preEncodedListClientsResponse(new Uint8Array(0));
    assert.equal(toBinary(ListClientsResponseSchema, wrapped).byteLength, 0);
  });

  it("refuses bytes that do not start with the clients tag", () => {
    assert.throws(() => preEncodedListClientsResponse(new Uint8Array([0x12, 0x00])));
  });
});

describe("the pre-encoded JSON passthrough", () => {
  const encoder = createPassthroughTextEncoder();
  const empty = toJsonString(ListClientsResponseSchema, create(ListClientsResponseSchema));

  it("replaces the empty message's JSON with the stored bytes, once", () => {
    const stored = new TextEncoder().encode('{"clients":[{"id":1}]}');
    withJsonSlots(() => {
      assert.ok(canStorePreEncodedJson());
      storePreEncodedJson(stored);
      assert.equal(encoder.encode("[1]").toString(), new TextEncoder().encode("[1]").toString());
      assert.equal(encoder.encode(empty), stored);
      assert.deepEqual(encoder.encode(empty), new TextEncoder().encode("{}"));
    })();
  });

  it("keeps requests apart", async () => {
    const seen: string[] = [];
    const run = withJsonSlots((text: string, done: () => void) => {
      storePreEncodedJson(new TextEncoder().encode(text));
      setTimeout(() => {
        seen.push(new TextDecoder().decode(encoder.encode(empty)));
        done();
      }, 5);
    });
    await Promise.all(
      ["a", "b", "c"].map((text) => new Promise<void>((resolve) => run(text, resolve))),
    );
    assert.deepEqual(seen.sort(), ["a", "b", "c"]);
  });

  it("encodes normally outside a request slot", () => {
    assert.equal(canStorePreEncodedJson(), false);
    assert.deepEqual(encoder.encode(empty), new TextEncoder().encode("{}"));
    assert.throws(() => storePreEncodedJson(new Uint8Array(1)));
  });
});
