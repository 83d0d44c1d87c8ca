import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultAdmissionOptions } from "../http/admission.js";
import { parseServerArgs } from "./server-cli.js";

describe("the admission and timeout flags", () => {
  it("default to the documented bounds", () => {
    const config = parseServerArgs([]);
    assert.equal(config.maxHeavy, defaultAdmissionOptions.maxHeavy);
    assert.equal(config.maxPendingBytes, 256 * 2 ** 20);
    assert.equal(config.writeTimeoutMs, 60_000);
    assert.equal(config.headersTimeoutMs, 10_000);
    assert.equal(config.requestTimeoutMs, 30_000);
  });

  it("read flags and env, and keep requestTimeout at least headersTimeout", () => {
    const flags = parseServerArgs([
      "--max-heavy",
      "2",
      "--max-pending-bytes",
      "1000",
      "--write-timeout-ms",
      "500",
      "--headers-timeout-ms",
      "800",
      "--request-timeout-ms",
      "100",
    ]);
    assert.deepEqual(
      [flags.maxHeavy, flags.maxPendingBytes, flags.writeTimeoutMs, flags.headersTimeoutMs],
      [2, 1000, 500, 800],
    );
    assert.equal(flags.requestTimeoutMs, 800);
    process.env.MAX_HEAVY = "3";
    try {
      assert.equal(parseServerArgs([]).maxHeavy, 3);
    } finally {
      delete process.env.MAX_HEAVY;
    }
  });

  it("rejects a zero bound", () => {
    assert.throws(() => parseServerArgs(["--max-heavy", "0"]));
  });
});
