import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RestartPolicy } from "./restart-policy.js";

describe("RestartPolicy", () => {
  it("doubles the delay from 100 ms up to the 5 s cap", () => {
    const policy = new RestartPolicy({ maxCrashes: 100, windowMs: 1_000_000 });
    const delays = Array.from({ length: 8 }, (_, i) => policy.crashed(0, i));
    assert.deepEqual(
      delays.map((d) => (d.restart ? d.delayMs : -1)),
      [100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000],
    );
  });

  it("gives up on a slot after more than 5 crashes within 30 s", () => {
    const policy = new RestartPolicy();
    for (let i = 0; i < 5; i++) {
      assert.equal(policy.crashed(1, i * 1_000).restart, true);
    }
    assert.deepEqual(policy.crashed(1, 5_000), { restart: false, crashes: 6 });
  });

  it("forgets crashes older than the window and keeps slots apart", () => {
    const policy = new RestartPolicy();
    for (let i = 0; i < 5; i++) {
      policy.crashed(0, i);
    }
    assert.equal(policy.crashed(1, 10).restart, true, "another slot is unaffected");
    assert.deepEqual(policy.crashed(0, 40_000), { restart: true, delayMs: 100 });
  });
});
