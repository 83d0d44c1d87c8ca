import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "./client-factory.js";
import { TreeCache } from "./tree-cache.js";
import { estimateHeapBytes } from "./tree-shape.js";

const small = { count: 50, accountsPerClient: 1, filledStrings: 3 };
const other = { count: 60, accountsPerClient: 1, filledStrings: 3 };
const encode = (clients: readonly unknown[]) =>
  toBinary(
    ListClientsResponseSchema,
    create(ListClientsResponseSchema, { clients: clients as never }),
  );

describe("TreeCache", () => {
  it("builds a shape once and serves the same tree after, equal to a fresh build", () => {
    const cache = new TreeCache();
    const first = cache.get(small);
    assert.equal(cache.get(small), first);
    assert.deepEqual(encode(first), encode(buildClients(small)));
    assert.deepEqual(cache.stats(), {
      entries: 1,
      bytes: estimateHeapBytes(small),
      maxBytes: cache.maxBytes,
      hits: 1,
      misses: 1,
    });
  });

  it("drops the least recently used tree to stay within its bound", () => {
    const cache = new TreeCache(estimateHeapBytes(small) + estimateHeapBytes(other));
    cache.get(small);
    cache.get(other);
    cache.get(small); // small is now the most recently used
    cache.get({ ...other, count: 10 });
    const stats = cache.stats();
    assert.ok(stats.bytes <= stats.maxBytes);
    cache.get(small);
    assert.equal(cache.stats().misses, 3, "small stayed cached");
    cache.get(other);
    assert.equal(cache.stats().misses, 4, "other was evicted");
  });

  it("serves a tree larger than the bound without keeping it", () => {
    const cache = new TreeCache(1_000);
    assert.equal(cache.get(small).length, 50);
    assert.equal(cache.stats().entries, 0);
    assert.equal(cache.stats().bytes, 0);
  });

  it("refuses a bound that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new TreeCache(bad), RangeError);
    }
  });
});

describe("estimateHeapBytes", () => {
  it("grows with every knob and is zero for no clients", () => {
    assert.equal(estimateHeapBytes({ count: 0, accountsPerClient: 1, filledStrings: 3 }), 0);
    const base = estimateHeapBytes(small);
    assert.ok(estimateHeapBytes({ ...small, count: 100 }) === 2 * base);
    assert.ok(estimateHeapBytes({ ...small, accountsPerClient: 2 }) > base);
    assert.ok(estimateHeapBytes({ ...small, filledStrings: 15 }) > base);
  });
});
