import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { defaultShape, defaultShapeLimits, type ShapeLimits } from "../contract/shape.js";
import { ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "./client-factory.js";
import { estimateJsonBytes, resolvePageSize, resolveShape } from "./tree-shape.js";

const limits: ShapeLimits = {
  maxCount: 1_000,
  maxAccountsPerClient: 5,
  maxTotalAccounts: 2_000,
  maxPageSize: 100,
  maxResponseBytes: 10_000_000,
};

describe("resolveShape", () => {
  it("fills unset knobs with the seed's defaults", () => {
    assert.deepEqual(resolveShape(undefined, defaultShapeLimits), defaultShape);
    assert.deepEqual(resolveShape({ count: 7 }, defaultShapeLimits), { ...defaultShape, count: 7 });
    assert.equal(defaultShape.count, 40_000);
  });

  it("accepts values exactly at the caps", () => {
    assert.deepEqual(
      resolveShape({ count: 400, accountsPerClient: 5, filledStrings: 15 }, limits),
      {
        count: 400,
        accountsPerClient: 5,
        filledStrings: 15,
      },
    );
  });

  const rejected: Array<[string, Parameters<typeof resolveShape>[0], RegExp]> = [
    ["count", { count: 1_001 }, /count is 1001, over the cap of 1000 \(--max-count\)/],
    [
      "accounts_per_client",
      { count: 1, accountsPerClient: 6 },
      /accounts_per_client is 6, over the cap of 5 \(--max-accounts-per-client\)/,
    ],
    ["filled_strings", { count: 1, filledStrings: 16 }, /filled_strings is 16, over the cap of 15/],
    [
      "count × accounts_per_client",
      { count: 1_000, accountsPerClient: 3 },
      /3000, over the cap of 2000 \(--max-total-accounts\)/,
    ],
    [
      "an estimated response over --max-response-bytes",
      { count: 1_000, accountsPerClient: 2, filledStrings: 15 },
      /about \d+ bytes of JSON, over the cap of 1000000 \(--max-response-bytes\)/,
    ],
  ];
  for (const [name, shape, message] of rejected) {
    it(`rejects ${name} over its cap with invalid_argument naming the cap`, () => {
      assert.throws(
        () => resolveShape(shape, { ...limits, maxResponseBytes: 1_000_000 }),
        (e) =>
          e instanceof ConnectError && e.code === Code.InvalidArgument && message.test(e.message),
      );
    });
  }
});

describe("resolvePageSize", () => {
  it("defaults to 1,000 and enforces 1..cap", () => {
    assert.equal(resolvePageSize(undefined, defaultShapeLimits), 1_000);
    assert.equal(resolvePageSize(100, limits), 100);
    for (const bad of [0, 101]) {
      assert.throws(
        () => resolvePageSize(bad, limits),
        (e) => e instanceof ConnectError && e.code === Code.InvalidArgument,
      );
    }
  });
});

describe("estimateJsonBytes", () => {
  it("is an upper estimate, within 2x, of the real JSON size", () => {
    for (const shape of [
      defaultShape,
      { count: 500, accountsPerClient: 2, filledStrings: 15 },
      { count: 500, accountsPerClient: 0, filledStrings: 0 },
      { count: 500, accountsPerClient: 10, filledStrings: 7 },
    ]) {
      const real = toJsonString(
        ListClientsResponseSchema,
        create(ListClientsResponseSchema, { clients: buildClients(shape) }),
      ).length;
      const estimate = estimateJsonBytes(shape);
      assert.ok(
        estimate >= real && estimate < 2 * real,
        `${JSON.stringify(shape)}: ${estimate} vs ${real}`,
      );
    }
  });
});
