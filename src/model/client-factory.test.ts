import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import type { ResolvedShape } from "../contract/shape.js";
import { ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "./client-factory.js";
import { buildClientInits } from "./client-inits.js";

const shape: ResolvedShape = { count: 50, accountsPerClient: 2, filledStrings: 3 };

function encode(clients: ReturnType<typeof buildClients>): Uint8Array {
  return toBinary(ListClientsResponseSchema, create(ListClientsResponseSchema, { clients }));
}

describe("buildClients", () => {
  it("is deterministic: the same shape encodes to the same bytes", () => {
    assert.deepEqual(encode(buildClients(shape)), encode(buildClients(shape)));
  });

  it("builds pages that equal slices of the whole tree", () => {
    const whole = buildClients(shape);
    const pages = [...buildClients(shape, 0, 20), ...buildClients(shape, 20, 40)];
    pages.push(...buildClients(shape, 40, 1_000));
    assert.deepEqual(encode(pages), encode(whole));
  });

  it("follows the shape: count, accounts, filled strings, unique ids", () => {
    const clients = buildClients(shape);
    assert.equal(clients.length, 50);
    const addressIds = new Set<number>();
    const accountIds = new Set<number>();
    for (const client of clients) {
      assert.equal(client.bankAccounts.length, 2);
      assert.deepEqual([client.firstName, client.lastName, client.email].map(Boolean), [
        true,
        true,
        true,
      ]);
      assert.equal(client.phone, undefined);
      addressIds.add(client.address?.id ?? -1);
      for (const account of client.bankAccounts) {
        accountIds.add(account.id);
        addressIds.add(account.address?.id ?? -1);
        assert.equal(account.iban, `iban-${account.id}`);
        assert.equal(account.address?.postalCode, undefined);
      }
    }
    assert.equal(addressIds.size, 150);
    assert.equal(accountIds.size, 100);
    assert.ok(!addressIds.has(-1));
  });

  it("fills every optional string when asked for 15, and none for 0", () => {
    const [full] = buildClients({ count: 1, accountsPerClient: 1, filledStrings: 15 });
    assert.equal(full?.nationality, "nationality-1");
    assert.equal(full?.bankAccounts[0]?.notes, "notes-1");
    assert.equal(full?.address?.careOf, "careOf-1");
    const [bare] = buildClients({ count: 1, accountsPerClient: 0, filledStrings: 0 });
    assert.equal(bare?.firstName, undefined);
    assert.equal(bare?.bankAccounts.length, 0);
  });
});

describe("buildClientInits", () => {
  it("is the tree of buildClients as init objects, page slices included", () => {
    for (const shape of [
      { count: 5, accountsPerClient: 2, filledStrings: 15 },
      { count: 3, accountsPerClient: 0, filledStrings: 0 },
      { count: 4, accountsPerClient: 1, filledStrings: 3 },
      ...Array.from({ length: 16 }, (_, filledStrings) => ({
        count: 2,
        accountsPerClient: 1,
        filledStrings,
      })),
    ]) {
      const expected = toBinary(
        ListClientsResponseSchema,
        create(ListClientsResponseSchema, { clients: buildClients(shape) }),
      );
      const actual = toBinary(
        ListClientsResponseSchema,
        create(ListClientsResponseSchema, { clients: buildClientInits(shape) }),
      );
      assert.deepStrictEqual(actual, expected);
      const page = toBinary(
        ListClientsResponseSchema,
        create(ListClientsResponseSchema, { clients: buildClientInits(shape, 1, 3) }),
      );
      const expectedPage = toBinary(
        ListClientsResponseSchema,
        create(ListClientsResponseSchema, { clients: buildClients(shape, 1, 3) }),
      );
      assert.deepStrictEqual(page, expectedPage);
    }
  });
});
