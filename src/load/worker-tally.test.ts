import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WorkerTally } from "./worker-tally.js";

describe("WorkerTally", () => {
  it("counts responses per x-worker value, a missing header as unknown", () => {
    const tally = new WorkerTally();
    for (const worker of ["101", "102", "101", undefined, "", "101"]) {
      tally.add(worker);
    }
    assert.deepEqual(tally.toRecord(), { "101": 3, "102": 1, unknown: 2 });
  });

  it("merges tallies", () => {
    const tally = new WorkerTally();
    tally.add("7", 2);
    tally.merge({ "7": 3, "8": 1 });
    assert.deepEqual(tally.toRecord(), { "7": 5, "8": 1 });
  });

  it("caps the number of distinct workers", () => {
    const tally = new WorkerTally();
    for (let i = 0; i < WorkerTally.maxWorkers + 10; i++) {
      tally.add(`w${i}`);
    }
    const record = tally.toRecord();
    assert.equal(Object.keys(record).length, WorkerTally.maxWorkers + 1);
    assert.equal(record.other, 10);
  });
});
