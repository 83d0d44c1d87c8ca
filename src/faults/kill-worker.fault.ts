import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startProcess } from "./start-server.js";

describe("faults: kill -9 of a worker under load", { timeout: 120_000 }, () => {
  it("the other worker keeps serving and the victim is replaced", async () => {
    const { child, url } = await startProcess(["--workers", "2"]);
    try {
      const pidOf = async () =>
        Number(
          (
            await fetch(`${url}/.well-known/live`, {
              headers: { connection: "close" },
              signal: AbortSignal.timeout(5_000),
            })
          ).headers.get("x-worker"),
        );
      const seen = new Set<number>();
      // The launcher announces its first worker; wait for the second to serve too.
      for (let i = 0; i < 300 && seen.size < 2; i++) {
        seen.add(await pidOf());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(seen.size, 2);
      const [victim, survivor] = [...seen] as [number, number];
      // Heavy load on both workers while one dies.
      let stop = false;
      const load = Array.from({ length: 4 }, async () => {
        while (!stop) {
          await fetch(`${url}/v1/clients?count=5000`, {
            headers: { connection: "close" },
            signal: AbortSignal.timeout(5_000),
          })
            .then((r) => r.arrayBuffer())
            .catch(() => {});
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      process.kill(victim, "SIGKILL");
      const after = new Set<number>();
      for (
        let i = 0;
        i < 1_200 &&
        !(after.has(survivor) && [...after].some((p) => p > 0 && p !== survivor && p !== victim));
        i++
      ) {
        after.add(await pidOf().catch(() => 0));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      stop = true;
      await Promise.all(load);
      assert.ok(after.has(survivor), "the survivor kept serving");
      assert.ok(
        [...after].some((p) => p > 0 && p !== survivor && p !== victim),
        "a replacement serves",
      );
      assert.ok(!after.has(victim));
    } finally {
      child.kill("SIGKILL");
    }
  });
});
