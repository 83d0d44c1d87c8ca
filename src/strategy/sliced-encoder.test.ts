import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import { encodeInSlices } from "./sliced-encoder.js";

const shapes = [
  { count: 0, accountsPerClient: 1, filledStrings: 3 },
  { count: 1, accountsPerClient: 0, filledStrings: 0 },
  { count: 2_000, accountsPerClient: 2, filledStrings: 15 },
  { count: 3_000, accountsPerClient: 1, filledStrings: 3 },
];

function oneCall(shape: (typeof shapes)[number]) {
  const message = create(ListClientsResponseSchema, { clients: buildClients(shape) });
  return {
    binary: toBinary(ListClientsResponseSchema, message),
    json: new TextEncoder().encode(JSON.stringify(toJson(ListClientsResponseSchema, message))),
  };
}

describe("encodeInSlices", () => {
  for (const shape of shapes) {
    for (const fromMemory of [false, true]) {
      it(`equals the one-call encodings for ${JSON.stringify(shape)} (${fromMemory ? "a tree in memory" : "built in the slices"})`, async () => {
        const expected = oneCall(shape);
        const tree = fromMemory ? buildClients(shape) : undefined;
        // A slice of 1 ms cuts the larger trees into many slices, even on a fast machine.
        for (const sliceMs of [1, 1_000]) {
          assert.deepEqual(
            await encodeInSlices(shape, tree, "binary", { sliceMs }),
            expected.binary,
          );
          assert.deepEqual(await encodeInSlices(shape, tree, "json", { sliceMs }), expected.json);
        }
      });
    }
  }

  it("yields real loop turns between slices", async () => {
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    try {
      await encodeInSlices(
        { count: 20_000, accountsPerClient: 1, filledStrings: 3 },
        undefined,
        "binary",
        {
          sliceMs: 1,
        },
      );
    } finally {
      clearInterval(ticker);
    }
    assert.ok(turns > 0, "a timer ran while the response was encoded");
  });

  it("stops between slices when the signal aborts, with its ConnectError or canceled", async () => {
    const shape = { count: 20_000, accountsPerClient: 1, filledStrings: 3 };
    const deadline = new AbortController();
    setImmediate(() => deadline.abort(new ConnectError("deadline", Code.DeadlineExceeded)));
    await assert.rejects(
      encodeInSlices(shape, undefined, "json", { sliceMs: 1, signal: deadline.signal }),
      (e) => e instanceof ConnectError && e.code === Code.DeadlineExceeded,
    );
    const gone = new AbortController();
    setImmediate(() => gone.abort());
    await assert.rejects(
      encodeInSlices(shape, undefined, "binary", { sliceMs: 1, signal: gone.signal }),
      (e) => e instanceof ConnectError && e.code === Code.Canceled,
    );
  });
});
