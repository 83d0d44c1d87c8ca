import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkJsonPassthrough } from "./json-passthrough-check.js";

describe("checkJsonPassthrough", () => {
  it("passes with the JSON options the server registers", async () => {
    await checkJsonPassthrough();
  });

  it("fails loudly when Connect ignores the text encoder hook", async () => {
    // What an upgrade that dropped the hook looks like: the stored bytes are never written.
    await assert.rejects(
      checkJsonPassthrough({}),
      (error: unknown) =>
        error instanceof Error && /no longer writes pre-encoded JSON/.test(error.message),
    );
  });
});
