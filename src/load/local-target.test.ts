import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allowRemoteTarget, checkLocalTarget, remoteOrigins } from "./local-target.js";

describe("checkLocalTarget", () => {
  for (const url of ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9000/x"]) {
    it(`accepts ${url}`, () => {
      assert.equal(checkLocalTarget(url).href.startsWith("http://"), true);
    });
  }
  for (const [url, pattern] of [
    ["http://example.com:8080", /only loads 127\.0\.0\.1/],
    ["http://10.0.0.1:8080", /refused/],
    ["https://127.0.0.1:8443", /must use http/],
    ["not a url", /not a valid URL/],
  ] as const) {
    it(`refuses ${url}`, () => {
      assert.throws(() => checkLocalTarget(url), pattern);
    });
  }

  it("allows exactly the origin given with --allow-remote, with a warning", () => {
    assert.equal(
      allowRemoteTarget("http://127.0.0.1:8080"),
      undefined,
      "loopback needs no permission",
    );
    assert.match(
      allowRemoteTarget("http://remote-a.invalid:9000") ?? "",
      /^warning: --allow-remote: loading http:\/\/remote-a\.invalid:9000/,
    );
    assert.equal(checkLocalTarget("http://remote-a.invalid:9000/x").hostname, "remote-a.invalid");
    assert.deepEqual(remoteOrigins(), ["http://remote-a.invalid:9000"]);
    assert.throws(() => checkLocalTarget("http://remote-a.invalid:9001"), /add --allow-remote/);
    assert.throws(() => checkLocalTarget("http://remote-b.invalid:9000"), /refused/);
  });
});
