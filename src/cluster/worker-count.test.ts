import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { availableCores, readCgroupQuota } from "../runtime/cores.js";
import { maxWorkers, parseWorkerCount } from "./worker-count.js";

describe("worker count", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "loopstall-cpu-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("parses counts and max", () => {
    assert.equal(parseWorkerCount("1", 4), 1);
    assert.equal(parseWorkerCount("3", 4), 3);
    assert.equal(parseWorkerCount("max", 4), 4);
    assert.equal(parseWorkerCount("max", 1_000), maxWorkers);
  });

  for (const bad of ["0", "-1", "1.5", "", " 2", "65", "1e2", "many"]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseWorkerCount(bad, 4), RangeError);
    });
  }

  it("reads a cgroup v2 CPU quota", async () => {
    const file = join(dir, "cpu.max");
    await writeFile(file, "150000 100000\n");
    assert.equal(readCgroupQuota(file), 1.5);
    assert.equal(availableCores(file), Math.max(1, Math.min(availableParallelism(), 1)));
    await writeFile(file, "max 100000\n");
    assert.equal(readCgroupQuota(file), undefined);
    assert.equal(availableCores(file), availableParallelism());
    await writeFile(file, "garbage");
    assert.equal(readCgroupQuota(file), undefined);
    assert.equal(readCgroupQuota(join(dir, "missing")), undefined);
  });
});
