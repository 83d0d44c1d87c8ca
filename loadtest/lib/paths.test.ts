import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAbsolutePath, normalizePath, protoLoadArgs, resolveFromWorkingDir } from "./paths.ts";

describe("paths for k6 scripts", () => {
  it("resolves a relative path against k6's working directory, not the script's", () => {
    // `k6 run -e GHZ_CONFIG=live.json loadtest/ghz.ts` from the repository root.
    assert.equal(resolveFromWorkingDir("live.json", "GHZ_CONFIG", "/repo"), "/repo/live.json");
    assert.equal(
      resolveFromWorkingDir("./cfg/../live.json", "GHZ_CONFIG", "/repo/"),
      "/repo/live.json",
    );
    assert.equal(resolveFromWorkingDir("../x.json", "GHZ_CONFIG", "/repo/sub"), "/repo/x.json");
  });

  it("keeps absolute paths (normalized), with or without a working directory", () => {
    assert.equal(
      resolveFromWorkingDir("/tmp/a//b/./c.json", "GHZ_CONFIG", undefined),
      "/tmp/a/b/c.json",
    );
    assert.equal(
      resolveFromWorkingDir("C:\\runs\\live.json", "GHZ_CONFIG", "/repo"),
      "C:/runs/live.json",
    );
  });

  it("refuses a relative path when the working directory is unknown", () => {
    assert.throws(
      () => resolveFromWorkingDir("live.json", "GHZ_CONFIG", undefined),
      /GHZ_CONFIG=live\.json is relative .* -e GHZ_CONFIG=\$PWD\/live\.json/,
    );
    assert.throws(
      () => resolveFromWorkingDir("live.json", "GHZ_CONFIG", "relative/dir"),
      /relative/,
    );
    assert.throws(() => resolveFromWorkingDir("", "PROTO", "/repo"), /PROTO is empty/);
  });

  it("tells absolute paths apart", () => {
    for (const p of ["/a", "\\a", "C:\\a", "c:/a"]) {
      assert.equal(isAbsolutePath(p), true, p);
    }
    for (const p of ["a", "./a", "../a", "C:a"]) {
      assert.equal(isAbsolutePath(p), false, p);
    }
    assert.equal(normalizePath("/a/../../b"), "/b");
  });

  it("splits an absolute .proto into client.load()'s import path and file", () => {
    assert.deepEqual(protoLoadArgs("/repo/proto/bank/v1/bank.proto"), {
      importPaths: ["/repo/proto/bank/v1"],
      file: "bank.proto",
    });
    assert.deepEqual(protoLoadArgs("/bank.proto"), { importPaths: ["/"], file: "bank.proto" });
  });
});
