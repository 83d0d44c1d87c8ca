import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { BankService } from "../gen/bank/v1/bank_pb.js";

async function main() {
  const transport = createConnectTransport({
    baseUrl: process.env.LOOPSTALL_URL ?? "http://127.0.0.1:8080",
    httpVersion: "2", // h2c: HTTP/2 without TLS, on the same port as HTTP/1.1
    useBinaryFormat: true, // protobuf binary; false for Connect JSON
  });
  const client = createClient(BankService, transport);
  const { pid } = await client.live({});
  const { clients } = await client.listClients({ shape: { count: 3, filledStrings: 2 } });
  console.log(`worker ${pid} sent ${clients.length} clients; the first is`, clients[0]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
