import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { strategies } from "../contract/wire.js";
import { experimentOptionsFromFlags } from "./experiment-cli.js";
import { matrixCells, quickCell, warmUpPath } from "./experiment-matrix.js";

describe("matrixCells", () => {
  it("crosses every axis, format-major", () => {
    const cells = matrixCells({
      formats: ["connect-proto", "grpc"],
      workers: [1, 2],
      strategies: ["inline", "slice"],
      sources: ["build", "memory"],
    });
    assert.equal(cells.length, 16);
    assert.deepEqual(cells[0], {
      format: "connect-proto",
      workers: 1,
      strategy: "inline",
      source: "build",
    });
    assert.equal(cells[8]?.format, "grpc");
  });

  it("the quick preset covers both sources for connect-proto and connect-json in 24 cells", () => {
    const cells = matrixCells({
      formats: ["connect-proto", "connect-json"],
      workers: [1, 2],
      strategies: [...strategies],
      sources: ["build", "memory"],
      cellFilter: quickCell,
    });
    assert.equal(cells.length, 24);
    for (const format of ["connect-proto", "connect-json"]) {
      const memory = cells.filter((c) => c.format === format && c.source === "memory");
      assert.deepEqual(
        memory.map((c) => c.strategy),
        ["inline", "offload-clone", "offload-replica", "slice"],
      );
      assert.ok(memory.every((c) => c.workers === 1));
      assert.equal(cells.filter((c) => c.format === format && c.source === "build").length, 8);
    }
  });

  it("warms a memory cell up through REST with its own strategy and shape", () => {
    assert.equal(
      warmUpPath(
        { format: "grpc", workers: 1, strategy: "offload-replica", source: "memory" },
        { count: 7, accountsPerClient: 2, filledStrings: 3 },
      ),
      "/v1/clients?count=7&accounts_per_client=2&filled_strings=3&strategy=offload-replica&source=memory",
    );
  });
});

describe("experimentOptionsFromFlags and sources", () => {
  const base = {
    probeMode: "closed",
    probeTarget: "connect",
    probeRate: 200,
    probeTimeoutMs: 1000,
    heavyConcurrency: 2,
    heavyTimeoutMs: 60_000,
    heavyWindow: 16 * 1024 * 1024,
    verify: false,
    count: 40_000,
    accountsPerClient: 1,
    filledStrings: 3,
    quick: true,
    engine: "embedded",
    pm2: false,
    verbose: false,
  } as const;
  it("--quick picks its cells only when no axis is named", () => {
    assert.equal(experimentOptionsFromFlags({ ...base }).cellFilter, quickCell);
    for (const axis of [
      { sources: ["memory" as const] },
      { workers: [1] },
      { strategies: ["slice" as const] },
    ]) {
      assert.equal(experimentOptionsFromFlags({ ...base, ...axis }).cellFilter, undefined);
    }
  });

  it("defaults to both sources and takes --sources", () => {
    assert.deepEqual(experimentOptionsFromFlags({ ...base, quick: false }).sources, [
      "build",
      "memory",
    ]);
    assert.deepEqual(experimentOptionsFromFlags({ ...base, sources: ["memory"] }).sources, [
      "memory",
    ]);
  });
});
