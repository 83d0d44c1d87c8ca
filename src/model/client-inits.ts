import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ResolvedShape } from "../contract/shape.js";
import type { ClientSchema } from "../gen/bank/v1/bank_pb.js";
import { accountStringFields, addressStringFields, clientStringFields } from "./client-factory.js";

/** A `Client` as a plain init object, the way rows arrive from a database. */
export type ClientInit = MessageInitShape<typeof ClientSchema>;

/**
 * The tree of {@link buildClients} as plain init objects, without `create()`:
 * what a handler that encodes with the codec (`src/codec`) builds. Equal
 * arguments give the same values, so `create()` of the result encodes to the
 * bytes of `buildClients`.
 */
export function buildClientInits(shape: ResolvedShape, start = 0, end = shape.count): ClientInit[] {
  const clients: ClientInit[] = [];
  const last = Math.min(end, shape.count);
  const perClient = shape.accountsPerClient;
  const filled = shape.filledStrings;
  for (let index = start; index < last; index++) {
    // Each client owns a block of 1 + accountsPerClient address ids.
    const addressBase = index * (perClient + 1) + 1;
    const bankAccounts: Record<string, unknown>[] = [];
    for (let a = 0; a < perClient; a++) {
      const id = index * perClient + a + 1;
      const account: Record<string, unknown> = {
        id,
        address: address(addressBase + 1 + a, filled),
      };
      fill(account, accountStringFields, filled, id);
      bankAccounts.push(account);
    }
    const id = index + 1;
    const client: Record<string, unknown> = {
      id,
      address: address(addressBase, filled),
      bankAccounts,
    };
    fill(client, clientStringFields, filled, id);
    clients.push(client as ClientInit);
  }
  return clients;
}

function address(id: number, filled: number): Record<string, unknown> {
  const value: Record<string, unknown> = { id };
  fill(value, addressStringFields, filled, id);
  return value;
}

function fill(target: Record<string, unknown>, fields: string[], filled: number, id: number): void {
  const n = Math.min(filled, fields.length);
  for (let i = 0; i < n; i++) {
    const name = fields[i] as string;
    target[name] = `${name}-${id}`;
  }
}
