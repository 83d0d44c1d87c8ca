import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatsRow, formatsRunStrategy, formatsTable } from "./formats-table.ts";

describe("formats.ts rows", () => {
  it("label each row with the strategy it ran: gRPC runs stream as inline", () => {
    assert.equal(formatsRunStrategy("grpc", "stream"), "inline");
    assert.equal(formatsRunStrategy("grpc", "offload"), "offload");
    assert.equal(formatsRunStrategy("connect-proto", "stream"), "stream");
    const grpc = formatsRow("grpc", "stream", { started: 5, ok: 4, errors: 0 }, {}, 10);
    const connect = formatsRow("connect-proto", "stream", { started: 4, ok: 4, errors: 0 }, {}, 10);
    assert.equal(grpc.strategy, "inline");
    assert.equal(connect.strategy, "stream");
    const table = formatsTable([grpc, connect]);
    assert.match(table, /^format\s+strategy\s+calls/);
    assert.match(table, /\ngrpc\s+inline\s+4\s+0\s+1\s/);
    assert.match(table, /\nconnect-proto\s+stream\s+4\s+0\s+0\s/);
  });

  it("count calls cut by the end of a format's time, and rates over SECONDS only", () => {
    const row = formatsRow(
      "grpc-web",
      "inline",
      { started: 12, ok: 9, errors: 1 },
      { med: 120, "p(99)": 300 },
      3,
    );
    assert.deepEqual(row, {
      format: "grpc-web",
      strategy: "inline",
      calls: 9,
      errors: 1,
      cut: 2,
      callsPerSecond: 3,
      p50Ms: 120,
      p99Ms: 300,
    });
  });
});
