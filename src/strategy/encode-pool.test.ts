import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary, toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "../model/client-factory.js";
import { EncodePool } from "./encode-pool.js";

const shape = { count: 30, accountsPerClient: 2, filledStrings: 7 };

describe("EncodePool", () => {
  it("encodes like the main thread, refuses when full, and stops on destroy", async () => {
    const pool = new EncodePool({ size: 1, maxQueue: 0 });
    try {
      const message = create(ListClientsResponseSchema, { clients: buildClients(shape) });
      assert.deepEqual(
        await pool.encode(shape, "binary"),
        toBinary(ListClientsResponseSchema, message),
      );
      assert.deepEqual(
        await pool.encode(shape, "json"),
        new TextEncoder().encode(toJsonString(ListClientsResponseSchema, message)),
      );
      const first = pool.encode(shape, "binary");
      await assert.rejects(
        pool.encode(shape, "binary"),
        (e) => e instanceof ConnectError && e.code === Code.ResourceExhausted,
      );
      await first;
      assert.equal(pool.inFlight, 0);
    } finally {
      await pool.destroy();
    }
    await assert.rejects(
      pool.encode(shape, "binary"),
      (e) => e instanceof ConnectError && e.code === Code.Unavailable,
    );
  });

  it("rejects with the abort reason of a cancelled task", async () => {
    const pool = new EncodePool({ size: 1, maxQueue: 1 });
    try {
      const controller = new AbortController();
      const reason = new ConnectError("gone", Code.DeadlineExceeded);
      const task = pool.encode({ ...shape, count: 40_000 }, "json", controller.signal);
      controller.abort(reason);
      await assert.rejects(task, (e) => e === reason);
    } finally {
      await pool.destroy();
    }
  });

  it("validates its bounds", () => {
    assert.throws(() => new EncodePool({ size: 0 }), RangeError);
    assert.throws(() => new EncodePool({ maxQueue: -1 }), RangeError);
  });
});
