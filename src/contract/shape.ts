/**
 * The heavy response's shape: the seed's default tree and the caps a server
 * puts on each knob. Plain TypeScript with no imports, shared by the server,
 * the load engine and the k6 scripts.
 */

/** The knobs of the heavy response (bank.v1.TreeShape), every one resolved. */
export interface ResolvedShape {
  count: number;
  accountsPerClient: number;
  filledStrings: number;
}

/** The seed's heavy response: 40,000 clients, one account each, 3 strings filled. */
export const defaultShape: ResolvedShape = {
  count: 40_000,
  accountsPerClient: 1,
  filledStrings: 3,
};

/** The most optional strings any model has (BankAccount's 15). */
export const maxFilledStrings = 15;

/** `StreamClients`' page size when a request names none. */
export const defaultPageSize = 1_000;

/** Caps on every knob a client controls. Each is set at server start. */
export interface ShapeLimits {
  /** Largest `count` a request may ask for. Default 200,000. */
  maxCount: number;
  /** Largest `accounts_per_client`. Default 10. */
  maxAccountsPerClient: number;
  /**
   * Largest `count × accounts_per_client`, which bounds the memory one
   * response takes. Default 400,000.
   */
  maxTotalAccounts: number;
  /** Largest `page_size` of `StreamClients`. Default 10,000. */
  maxPageSize: number;
  /**
   * Largest estimated JSON size of one response, checked before anything is
   * built, so a request within the other caps still cannot make the server
   * build gigabytes. Default 128 MiB (the default request is ~15 MB).
   */
  maxResponseBytes: number;
}

export const defaultShapeLimits: ShapeLimits = {
  maxCount: 200_000,
  maxAccountsPerClient: 10,
  maxTotalAccounts: 400_000,
  maxPageSize: 10_000,
  maxResponseBytes: 128 * 2 ** 20,
};
