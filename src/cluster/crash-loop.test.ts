import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runClusterPrimary } from "./cluster-primary.js";

// This test file's process becomes a node:cluster primary whose workers run a
// script that exits at once, so the restart loop runs in well under a second.
describe("cluster primary crash loop", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "loopstall-crash-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("restarts crashing workers with backoff, gives up, and exits 1 when none remain", async () => {
    const exec = join(dir, "crash.mjs");
    await writeFile(exec, "process.exit(3);\n");
    const lines: string[] = [];
    const code = await runClusterPrimary({
      workers: 2,
      shutdownTimeoutMs: 1_000,
      exec,
      restart: { initialDelayMs: 10, maxDelayMs: 40, maxCrashes: 3, windowMs: 60_000 },
      log: (line) => lines.push(line),
    });
    assert.equal(code, 1);
    for (const slot of [0, 1]) {
      const restarts = lines.filter((l) =>
        l.includes(`(slot ${slot}) exited with code 3; restarting`),
      );
      assert.deepEqual(
        restarts.map((l) => /restarting in (\d+) ms/.exec(l)?.[1]),
        ["10", "20", "40"],
      );
      assert.ok(lines.some((l) => l.includes(`4 crashes in a row, giving up on slot ${slot}`)));
    }
    assert.match(lines.at(-1) ?? "", /no workers remain, exiting/);
  });
});
