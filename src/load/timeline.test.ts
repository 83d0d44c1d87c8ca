import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatTimelineLine, SecondBuckets } from "./timeline.js";

describe("SecondBuckets", () => {
  it("counts completions per wall-clock second, probe and heavy apart", () => {
    const buckets = new SecondBuckets();
    buckets.add("probe", 1_000_000_000);
    buckets.add("probe", 1_000_000_999.9);
    buckets.add("probe", 1_000_001_000);
    buckets.add("heavy", 1_000_001_500);
    assert.deepEqual(buckets.at(1_000_000), { probe: 2, heavy: 0 });
    assert.deepEqual(buckets.at(1_000_001), { probe: 1, heavy: 1 });
    assert.deepEqual(buckets.at(999_999), { probe: 0, heavy: 0 });
  });

  it("lists every second of a range, empty ones included, t counting from the first", () => {
    const buckets = new SecondBuckets();
    buckets.add("probe", 5_000);
    buckets.add("heavy", 7_999);
    assert.deepEqual(buckets.points(5_400, 8_100), [
      { t: 0, epoch: 5, probe: 1, heavy: 0 },
      { t: 1, epoch: 6, probe: 0, heavy: 0 },
      { t: 2, epoch: 7, probe: 0, heavy: 1 },
      { t: 3, epoch: 8, probe: 0, heavy: 0 },
    ]);
  });

  it("does not share state between the points it returns and its own", () => {
    const buckets = new SecondBuckets();
    buckets.add("probe", 1_000);
    const point = buckets.at(1);
    point.probe = 99;
    assert.equal(buckets.at(1).probe, 1);
  });
});

describe("formatTimelineLine", () => {
  it("prints the seed's `<epoch> <probe> <heavy>` line", () => {
    assert.equal(
      formatTimelineLine({ epoch: 1700000000, probe: 512, heavy: 2 }),
      "1700000000 512 2",
    );
  });
});
