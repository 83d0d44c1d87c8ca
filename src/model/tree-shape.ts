import { Code, ConnectError } from "@connectrpc/connect";
import {
  defaultPageSize,
  defaultShape,
  maxFilledStrings,
  type ResolvedShape,
  type ShapeLimits,
} from "../contract/shape.js";
import type { TreeShape } from "../gen/bank/v1/bank_pb.js";

/**
 * Fills in defaults and checks every knob against its cap. Throws
 * `invalid_argument` with a message that names the cap.
 */
export function resolveShape(
  shape: Partial<TreeShape> | undefined,
  limits: ShapeLimits,
): ResolvedShape {
  const resolved: ResolvedShape = {
    count: shape?.count ?? defaultShape.count,
    accountsPerClient: shape?.accountsPerClient ?? defaultShape.accountsPerClient,
    filledStrings: shape?.filledStrings ?? defaultShape.filledStrings,
  };
  checkCap("count", resolved.count, limits.maxCount, "--max-count");
  checkCap(
    "accounts_per_client",
    resolved.accountsPerClient,
    limits.maxAccountsPerClient,
    "--max-accounts-per-client",
  );
  checkCap("filled_strings", resolved.filledStrings, maxFilledStrings, "the schema's 15 strings");
  const total = resolved.count * resolved.accountsPerClient;
  if (total > limits.maxTotalAccounts) {
    throw new ConnectError(
      `count × accounts_per_client is ${total}, over the cap of ${limits.maxTotalAccounts} (--max-total-accounts)`,
      Code.InvalidArgument,
    );
  }
  const estimate = estimateJsonBytes(resolved);
  if (estimate > limits.maxResponseBytes) {
    throw new ConnectError(
      `the response would be about ${estimate} bytes of JSON, over the cap of ${limits.maxResponseBytes} (--max-response-bytes)`,
      Code.InvalidArgument,
    );
  }
  return resolved;
}

/** Optional strings of each model: Client, Address, BankAccount. */
const stringsPerModel = { client: 8, address: 8, account: 15 };

/**
 * An upper estimate of a shape's JSON size (its binary is about half),
 * from the per-model and per-string sizes the builder produces: about 24
 * bytes of id and punctuation per model and 28 per filled string.
 */
export function estimateJsonBytes(shape: ResolvedShape): number {
  const model = (strings: number) => 24 + 28 * Math.min(shape.filledStrings, strings);
  const perClient =
    model(stringsPerModel.client) +
    model(stringsPerModel.address) +
    shape.accountsPerClient * (model(stringsPerModel.account) + model(stringsPerModel.address));
  return shape.count * perClient;
}

/**
 * An estimate of the heap a built tree of `shape` holds: about 140 bytes per
 * model object and 41 per filled string (fitted on Node 20 to the heap growth
 * of two trees, 40,000 × 1 × 3 and 20,000 × 2 × 15, within a few percent).
 * The default tree is about 42 MB.
 */
export function estimateHeapBytes(shape: ResolvedShape): number {
  const perClient = 2 + 2 * shape.accountsPerClient;
  const strings =
    Math.min(shape.filledStrings, stringsPerModel.client) +
    Math.min(shape.filledStrings, stringsPerModel.address) +
    shape.accountsPerClient *
      (Math.min(shape.filledStrings, stringsPerModel.account) +
        Math.min(shape.filledStrings, stringsPerModel.address));
  return shape.count * (140 * perClient + 41 * strings);
}

/** Resolves `page_size` against its cap. */
export function resolvePageSize(pageSize: number | undefined, limits: ShapeLimits): number {
  const size = pageSize ?? defaultPageSize;
  if (size < 1) {
    throw new ConnectError("page_size must be at least 1", Code.InvalidArgument);
  }
  checkCap("page_size", size, limits.maxPageSize, "--max-page-size");
  return size;
}

function checkCap(name: string, value: number, cap: number, source: string): void {
  if (value > cap) {
    throw new ConnectError(
      `${name} is ${value}, over the cap of ${cap} (${source})`,
      Code.InvalidArgument,
    );
  }
}
