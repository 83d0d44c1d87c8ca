import { create, type JsonWriteOptions } from "@bufbuild/protobuf";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { BankService, ListClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import {
  inJsonSlot,
  passthroughJsonOptions,
  releaseIdleJsonSlots,
  storePreEncodedJson,
} from "./pre-encoded-json.js";

/** What the check's handler hands over as pre-encoded JSON. */
const probeJson = '{"clients":[{"firstName":"json-passthrough-check"}]}';

/**
 * Checks, through an in-memory Connect router, that Connect's JSON
 * serialization still writes the bytes an offloaded handler stored for it.
 * The offloaded JSON path relies on an option Connect honours but does not
 * type (`textEncoder`); if an upgrade dropped it, every offloaded Connect
 * JSON response would be `200 {}`. The server runs this before it listens,
 * so such an upgrade fails at start instead of answering wrong bytes.
 */
export async function checkJsonPassthrough(
  jsonOptions: Partial<JsonWriteOptions> = passthroughJsonOptions,
): Promise<void> {
  const transport = createRouterTransport(
    (router) => {
      router.service(
        BankService,
        {
          listClients() {
            storePreEncodedJson(new TextEncoder().encode(probeJson));
            return create(ListClientsResponseSchema);
          },
        },
        { jsonOptions },
      );
    },
    { transport: { useBinaryFormat: false } },
  );
  const client = createClient(BankService, transport);
  const response = await inJsonSlot(() => client.listClients({}));
  releaseIdleJsonSlots();
  const name = response.clients[0]?.firstName;
  if (name !== "json-passthrough-check") {
    throw new Error(
      "Connect's JSON serialization no longer writes pre-encoded JSON (jsonOptions.textEncoder is " +
        "ignored), so offloaded Connect JSON responses would be empty. Pin @connectrpc/connect " +
        "to the version in package.json, or adapt src/strategy/pre-encoded-json.ts.",
    );
  }
}
