import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ResolvedShape } from "../contract/shape.js";
import type { AddressSchema, BankAccountSchema, ClientSchema } from "../gen/bank/v1/bank_pb.js";

/** A `Client` as a plain init object, the way rows arrive from a database. */
export type ClientInit = MessageInitShape<typeof ClientSchema>;

/**
 * The tree of {@link buildClients} as plain init objects, without `create()`:
 * what a handler that encodes with the codec (`src/codec`) builds. Like
 * database rows, every object has every column, `undefined` where the shape
 * leaves an optional string unset (`create()` and the codec both read
 * `undefined` as unset), so all objects of a model share one hidden class.
 * Equal arguments give the same values, so `create()` of the result encodes
 * to the bytes of `buildClients` (client-factory.test.ts checks it, which
 * also catches these field lists drifting from bank.proto).
 */
export function buildClientInits(shape: ResolvedShape, start = 0, end = shape.count): ClientInit[] {
  const clients: ClientInit[] = [];
  const last = Math.min(end, shape.count);
  const perClient = shape.accountsPerClient;
  const f = shape.filledStrings;
  for (let index = start; index < last; index++) {
    // Each client owns a block of 1 + accountsPerClient address ids.
    const addressBase = index * (perClient + 1) + 1;
    const bankAccounts: MessageInitShape<typeof BankAccountSchema>[] = [];
    for (let a = 0; a < perClient; a++) {
      const id = index * perClient + a + 1;
      const s = `-${id}`;
      bankAccounts.push({
        id,
        address: address(addressBase + 1 + a, f),
        iban: f > 0 ? `iban${s}` : undefined,
        bic: f > 1 ? `bic${s}` : undefined,
        currency: f > 2 ? `currency${s}` : undefined,
        accountNumber: f > 3 ? `accountNumber${s}` : undefined,
        bankName: f > 4 ? `bankName${s}` : undefined,
        branch: f > 5 ? `branch${s}` : undefined,
        holderName: f > 6 ? `holderName${s}` : undefined,
        nickname: f > 7 ? `nickname${s}` : undefined,
        accountType: f > 8 ? `accountType${s}` : undefined,
        status: f > 9 ? `status${s}` : undefined,
        openedOn: f > 10 ? `openedOn${s}` : undefined,
        closedOn: f > 11 ? `closedOn${s}` : undefined,
        routingNumber: f > 12 ? `routingNumber${s}` : undefined,
        sortCode: f > 13 ? `sortCode${s}` : undefined,
        notes: f > 14 ? `notes${s}` : undefined,
      });
    }
    const id = index + 1;
    const s = `-${id}`;
    clients.push({
      id,
      address: address(addressBase, f),
      bankAccounts,
      firstName: f > 0 ? `firstName${s}` : undefined,
      lastName: f > 1 ? `lastName${s}` : undefined,
      email: f > 2 ? `email${s}` : undefined,
      phone: f > 3 ? `phone${s}` : undefined,
      company: f > 4 ? `company${s}` : undefined,
      taxId: f > 5 ? `taxId${s}` : undefined,
      dateOfBirth: f > 6 ? `dateOfBirth${s}` : undefined,
      nationality: f > 7 ? `nationality${s}` : undefined,
    });
  }
  return clients;
}

function address(id: number, f: number): MessageInitShape<typeof AddressSchema> {
  const s = `-${id}`;
  return {
    id,
    street: f > 0 ? `street${s}` : undefined,
    building: f > 1 ? `building${s}` : undefined,
    city: f > 2 ? `city${s}` : undefined,
    district: f > 3 ? `district${s}` : undefined,
    region: f > 4 ? `region${s}` : undefined,
    postalCode: f > 5 ? `postalCode${s}` : undefined,
    country: f > 6 ? `country${s}` : undefined,
    careOf: f > 7 ? `careOf${s}` : undefined,
  };
}
