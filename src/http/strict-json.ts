import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Knobs a client may put at the top level of a request by mistake, and where
 * they live. Every `bank.v1` request keeps them in `shape`.
 */
const misplacedKnobs: Record<string, string> = {
  count: "shape.count",
  accounts_per_client: "shape.accounts_per_client",
  accountsPerClient: "shape.accountsPerClient",
  filled_strings: "shape.filled_strings",
  filledStrings: "shape.filledStrings",
};

/**
 * A `TextDecoder` for Connect's JSON parsing (its `textDecoder` hook, like
 * the `textEncoder` one in pre-encoded-json.ts) that turns a known knob at
 * the top level into an `invalid_argument` saying where the knob lives.
 * Every other unknown field is left to protobuf-es with
 * `ignoreUnknownFields: false`, whose message names the field.
 */
export function createKnobHintDecoder(): { decode(input?: Uint8Array): string } {
  const decoder = new TextDecoder();
  return {
    decode(input) {
      const text = decoder.decode(input);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return text; // protobuf-es reports the syntax error.
      }
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
        for (const key of Object.keys(parsed)) {
          const home = misplacedKnobs[key];
          if (home !== undefined) {
            throw new ConnectError(
              `unknown field "${key}"; the ${key} knob is ${home}, for example {"shape":{"${home.slice(6)}":2}}`,
              Code.InvalidArgument,
            );
          }
        }
      }
      return text;
    },
  };
}

/**
 * JSON read options for every service: unknown fields are `invalid_argument`
 * (connect-es ignores them by default, so `{"count":2}` silently returned
 * the default 40,000 clients).
 */
export const strictJsonReadOptions = {
  ignoreUnknownFields: false,
  textDecoder: createKnobHintDecoder(),
} as const;
