import { create, type DescMessage } from "@bufbuild/protobuf";
import type { ResolvedShape } from "../contract/shape.js";
import {
  type Address,
  AddressSchema,
  type BankAccount,
  BankAccountSchema,
  type Client,
  ClientSchema,
} from "../gen/bank/v1/bank_pb.js";

/**
 * Builds clients `[start, end)` of the tree a shape describes. The output is
 * a pure function of its arguments, so equal requests encode to equal bytes,
 * and a page of the tree equals the same slice of the whole tree.
 */
export function buildClients(shape: ResolvedShape, start = 0, end = shape.count): Client[] {
  const clients: Client[] = [];
  const last = Math.min(end, shape.count);
  for (let index = start; index < last; index++) {
    clients.push(buildClient(shape, index));
  }
  return clients;
}

const addressStrings = optionalStringFields(AddressSchema);
const accountStrings = optionalStringFields(BankAccountSchema);
const clientStrings = optionalStringFields(ClientSchema);

function buildClient(shape: ResolvedShape, index: number): Client {
  const perClient = shape.accountsPerClient;
  // Each client owns a block of 1 + accountsPerClient address ids.
  const addressBase = index * (perClient + 1) + 1;
  const accounts: BankAccount[] = [];
  for (let a = 0; a < perClient; a++) {
    const id = index * perClient + a + 1;
    accounts.push(
      create(BankAccountSchema, {
        id,
        address: buildAddress(addressBase + 1 + a, shape.filledStrings),
        ...filledStrings(accountStrings, shape.filledStrings, id),
      }),
    );
  }
  const id = index + 1;
  return create(ClientSchema, {
    id,
    address: buildAddress(addressBase, shape.filledStrings),
    bankAccounts: accounts,
    ...filledStrings(clientStrings, shape.filledStrings, id),
  });
}

function buildAddress(id: number, filled: number): Address {
  return create(AddressSchema, { id, ...filledStrings(addressStrings, filled, id) });
}

function filledStrings(fields: string[], filled: number, id: number): Record<string, string> {
  const values: Record<string, string> = {};
  const n = Math.min(filled, fields.length);
  for (let i = 0; i < n; i++) {
    const name = fields[i] as string;
    values[name] = `${name}-${id}`;
  }
  return values;
}

/** The local names of a message's optional string fields, in field order. */
function optionalStringFields(schema: DescMessage): string[] {
  return schema.fields
    .filter((f) => f.fieldKind === "scalar" && f.proto.proto3Optional)
    .map((f) => f.localName);
}
