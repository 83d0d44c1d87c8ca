import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { parseServerArgs } from "../server/server-cli.js";
import { defaultServerConfig } from "../server/server-config.js";
import { parseStrategy, requestStrategy } from "./strategy.js";

describe("strategy selection", () => {
  it("parses each strategy and names the allowed values otherwise", () => {
    for (const name of ["inline", "offload", "stream"]) {
      assert.equal(parseStrategy(name, "x"), name);
    }
    assert.throws(
      () => parseStrategy("OFFLOAD", "the header"),
      (e) =>
        e instanceof ConnectError &&
        e.code === Code.InvalidArgument &&
        e.rawMessage.includes("the header must be one of inline, offload, stream"),
    );
  });

  it("falls back to the server's default when the header is absent or empty", () => {
    assert.equal(requestStrategy(null, "offload"), "offload");
    assert.equal(requestStrategy(undefined, "stream"), "stream");
    assert.equal(requestStrategy("", "inline"), "inline");
    assert.equal(requestStrategy("stream", "inline"), "stream");
  });

  it("reads --strategy, --pool-size and --pool-max-queue, with defaults", () => {
    const parsed = parseServerArgs([
      "--strategy",
      "offload",
      "--pool-size",
      "3",
      "--pool-max-queue",
      "0",
    ]);
    assert.equal(parsed.strategy, "offload");
    assert.equal(parsed.poolSize, 3);
    assert.equal(parsed.poolMaxQueue, 0);
    const defaults = parseServerArgs([]);
    assert.equal(defaults.strategy, process.env.STRATEGY ?? defaultServerConfig.strategy);
    assert.ok(defaults.poolSize >= 1);
    assert.equal(defaultServerConfig.strategy, "inline");
    assert.equal(defaultServerConfig.poolMaxQueue, 16);
  });

  it("rejects an unknown --strategy and a zero --pool-size", () => {
    const quiet = { writeErr: () => {} };
    for (const argv of [
      ["--strategy", "turbo"],
      ["--pool-size", "0"],
    ]) {
      const original = process.stderr.write;
      process.stderr.write = quiet.writeErr as unknown as typeof process.stderr.write;
      try {
        assert.throws(() => parseServerArgs(argv), { name: "CommanderError" });
      } finally {
        process.stderr.write = original;
      }
    }
  });
});
