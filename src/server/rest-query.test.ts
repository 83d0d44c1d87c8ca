import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { parseClientsQuery } from "./rest-query.js";

describe("parseClientsQuery", () => {
  it("maps the knobs to TreeShape fields and splits off the strategy and source", () => {
    assert.deepEqual(parseClientsQuery("count=2&accounts_per_client=0&filled_strings=15"), {
      shape: { count: 2, accountsPerClient: 0, filledStrings: 15 },
      strategy: undefined,
      source: undefined,
    });
    assert.deepEqual(parseClientsQuery("strategy=offload"), {
      shape: {},
      strategy: "offload",
      source: undefined,
    });
    assert.deepEqual(parseClientsQuery("source=memory&count=3&strategy=slice"), {
      shape: { count: 3 },
      strategy: "slice",
      source: "memory",
    });
    assert.deepEqual(parseClientsQuery(""), { shape: {}, strategy: undefined, source: undefined });
  });

  const bad: Array<[string, string, RegExp]> = [
    ["an unknown parameter", "size=2", /unknown query parameter "size"/],
    ["a repeated knob", "count=2&count=3", /count is given more than once/],
    ["a repeated strategy", "strategy=inline&strategy=offload", /strategy is given more than once/],
    ["a negative number", "count=-1", /count must be a non-negative integer/],
    ["a fraction", "count=1.5", /non-negative integer/],
    ["an 11-digit number", "count=12345678901", /non-negative integer/],
    [
      "an unknown strategy",
      "strategy=turbo",
      /strategy must be one of inline, offload, stream, fast/,
    ],
    ["a repeated source", "source=build&source=memory", /source is given more than once/],
    ["an unknown source", "source=disk", /source must be one of build, memory, got "disk"/],
    [
      "an unknown parameter, naming source among the allowed",
      "sauce=memory",
      /expected one of count, accounts_per_client, filled_strings, strategy, source/,
    ],
    ["a query over the cap", `count=1&${"x".repeat(1_100)}`, /over the cap of 1024/],
  ];
  for (const [name, query, message] of bad) {
    it(`refuses ${name} with invalid_argument`, () => {
      assert.throws(
        () => parseClientsQuery(query),
        (e) =>
          e instanceof ConnectError &&
          e.code === Code.InvalidArgument &&
          message.test(e.rawMessage),
      );
    });
  }
});
