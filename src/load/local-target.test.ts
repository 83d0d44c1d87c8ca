import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkLocalTarget } from "./local-target.js";

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
});
