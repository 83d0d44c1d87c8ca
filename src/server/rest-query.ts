import { Code, ConnectError } from "@connectrpc/connect";
import type { Source, Strategy } from "../contract/wire.js";
import type { TreeShape } from "../gen/bank/v1/bank_pb.js";
import { parseSource } from "../strategy/source.js";
import { parseStrategy } from "../strategy/strategy.js";

/** Query parameters of `GET /v1/clients`, mapped to `TreeShape` fields. */
const shapeParams = {
  count: "count",
  accounts_per_client: "accountsPerClient",
  filled_strings: "filledStrings",
} as const satisfies Record<string, keyof TreeShape>;

/** The longest query string `GET /v1/clients` accepts. */
const maxQueryLength = 1_024;

/** The query parameters of `GET /v1/clients` that are not shape knobs. */
const choiceParams = ["strategy", "source"] as const;

/** Splits `strategy=` and `source=` off the shape knobs of the `GET /v1/clients` query. */
export function parseClientsQuery(query: string): {
  shape: Partial<TreeShape>;
  strategy: Strategy | undefined;
  source: Source | undefined;
} {
  const params = queryParams(query);
  const [strategy, source] = choiceParams.map((name) => {
    const named = params.getAll(name);
    if (named.length > 1) {
      throw new ConnectError(`${name} is given more than once`, Code.InvalidArgument);
    }
    params.delete(name);
    return named[0];
  });
  return {
    shape: shapeFromParams(params),
    strategy: strategy === undefined ? undefined : parseStrategy(strategy, "strategy"),
    source: source === undefined ? undefined : parseSource(source, "source"),
  };
}

function queryParams(query: string): URLSearchParams {
  if (query.length > maxQueryLength) {
    throw new ConnectError(
      `query string is ${query.length} bytes, over the cap of ${maxQueryLength}`,
      Code.InvalidArgument,
    );
  }
  return new URLSearchParams(query);
}

function shapeFromParams(params: URLSearchParams): Partial<TreeShape> {
  const shape: Partial<TreeShape> = {};
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (!Object.hasOwn(shapeParams, name)) {
      throw new ConnectError(
        `unknown query parameter "${name}"; expected one of ${[...Object.keys(shapeParams), ...choiceParams].join(", ")}`,
        Code.InvalidArgument,
      );
    }
    if (seen.has(name)) {
      throw new ConnectError(
        `${name} is given more than once; give each query parameter once`,
        Code.InvalidArgument,
      );
    }
    seen.add(name);
    if (!/^\d{1,10}$/.test(value)) {
      throw new ConnectError(
        `${name} must be a non-negative integer, got "${value}"`,
        Code.InvalidArgument,
      );
    }
    shape[shapeParams[name as keyof typeof shapeParams]] = Number(value);
  }
  return shape;
}
