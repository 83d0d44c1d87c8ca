import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { serverFixture } from "../../test/support/server-fixture.js";
import { type Source, sourceHeader, sources, strategyHeader } from "../contract/wire.js";
import {
  BankService,
  ListClientsRequestSchema,
  ListClientsResponseSchema,
} from "../gen/bank/v1/bank_pb.js";

const shape = { count: 300, accountsPerClient: 2, filledStrings: 15 };
const unaryStrategies = ["inline", "offload", "offload-clone", "offload-replica", "slice"] as const;
/** Every strategy × source of a unary call; the first is the reference. */
const combos = sources.flatMap((source) =>
  unaryStrategies.map((strategy) => ({ strategy, source })),
);

describe("every strategy × source gives the same bytes on every protocol", () => {
  // Slices of 1 ms make even this small tree take several slices.
  const f = serverFixture({ sliceMs: 1 });
  const transports: Array<[string, boolean, () => Transport]> = [
    [
      "Connect proto over HTTP/1.1",
      true,
      () =>
        createConnectTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: true,
        }),
    ],
    [
      "Connect proto over h2c",
      true,
      () =>
        createConnectTransport({
          baseUrl: f.server.url,
          httpVersion: "2",
          sessionManager: f.h2(),
          useBinaryFormat: true,
        }),
    ],
    [
      "gRPC over h2c",
      true,
      () => createGrpcTransport({ baseUrl: f.server.url, sessionManager: f.h2() }),
    ],
    [
      "gRPC-Web proto",
      true,
      () =>
        createGrpcWebTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: true,
        }),
    ],
    [
      "Connect JSON POST",
      false,
      () =>
        createConnectTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: false,
        }),
    ],
    [
      "Connect JSON GET",
      false,
      () =>
        createConnectTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: false,
          useHttpGet: true,
        }),
    ],
    [
      "gRPC-Web JSON",
      false,
      () =>
        createGrpcWebTransport({
          baseUrl: f.server.url,
          httpVersion: "1.1",
          useBinaryFormat: false,
        }),
    ],
  ];

  for (const [name, binary, transport] of transports) {
    it(`${name}: ${combos.length} strategy × source combinations are equal`, async () => {
      const client = createClient(BankService, transport());
      const encoded: unknown[] = [];
      for (const { strategy, source } of combos) {
        const used: Record<string, string | null> = {};
        const response = await client.listClients(
          { shape },
          {
            headers: { [strategyHeader]: strategy, [sourceHeader]: source },
            onHeader: (h) => {
              used.strategy = h.get(strategyHeader);
              used.source = h.get(sourceHeader);
            },
          },
        );
        assert.deepEqual(used, { strategy, source });
        assert.equal(response.clients.length, shape.count);
        encoded.push(
          binary
            ? toBinary(ListClientsResponseSchema, response)
            : toJson(ListClientsResponseSchema, response),
        );
      }
      for (let i = 1; i < encoded.length; i++) {
        assert.deepEqual(encoded[i], encoded[0], JSON.stringify(combos[i]));
      }
    });
  }

  it("raw Connect bodies are byte-identical (proto and JSON, count 0 too)", async () => {
    for (const requestShape of [shape, { count: 0 }]) {
      const request = create(ListClientsRequestSchema, { shape: requestShape });
      const bodies = {
        "application/proto": toBinary(ListClientsRequestSchema, request),
        "application/json": JSON.stringify(toJson(ListClientsRequestSchema, request)),
      };
      for (const [contentType, body] of Object.entries(bodies)) {
        const received: Buffer[] = [];
        for (const { strategy, source } of combos) {
          const res = await fetch(`${f.server.url}/bank.v1.BankService/ListClients`, {
            method: "POST",
            headers: {
              "content-type": contentType,
              [strategyHeader]: strategy,
              [sourceHeader]: source,
            },
            body,
          });
          assert.equal(res.status, 200);
          received.push(Buffer.from(await res.arrayBuffer()));
        }
        for (let i = 1; i < received.length; i++) {
          assert.ok(
            (received[0] as Buffer).equals(received[i] as Buffer),
            `${contentType} ${JSON.stringify(requestShape)} ${JSON.stringify(combos[i])}`,
          );
        }
      }
    }
  });

  it("REST: every strategy × source is byte-identical, gzip too", async () => {
    for (const query of ["count=700&accounts_per_client=2&filled_strings=15", "count=0"]) {
      for (const gzip of [false, true]) {
        const bodies: Buffer[] = [];
        for (const source of sources) {
          for (const strategy of [...unaryStrategies, "stream"]) {
            const res = await fetch(
              `${f.server.url}/v1/clients?${query}&strategy=${strategy}&source=${source}`,
              { headers: { "accept-encoding": gzip ? "gzip" : "identity" } },
            );
            assert.equal(res.status, 200);
            assert.equal(res.headers.get(strategyHeader), strategy);
            assert.equal(res.headers.get(sourceHeader), source);
            bodies.push(Buffer.from(await res.arrayBuffer()));
          }
        }
        for (let i = 1; i < bodies.length; i++) {
          assert.ok(
            (bodies[0] as Buffer).equals(bodies[i] as Buffer),
            `${query} #${i} gzip ${gzip}`,
          );
        }
      }
    }
  });

  it("StreamClients pages from either source add up to the ListClients tree", async () => {
    const client = createClient(
      BankService,
      createGrpcTransport({ baseUrl: f.server.url, sessionManager: f.h2() }),
    );
    const whole = toBinary(ListClientsResponseSchema, await client.listClients({ shape }));
    for (const source of sources) {
      const streamed = [];
      let used: string | null = null;
      for await (const page of client.streamClients(
        { shape, pageSize: 64 },
        { headers: { [sourceHeader]: source }, onHeader: (h) => (used = h.get(sourceHeader)) },
      )) {
        streamed.push(...page.clients);
      }
      assert.equal(used, source);
      const bytes = toBinary(
        ListClientsResponseSchema,
        create(ListClientsResponseSchema, { clients: streamed }),
      );
      assert.deepEqual(bytes, whole, source);
    }
  });

  it("rejects an unknown source with invalid_argument / 400 naming the allowed values", async () => {
    const client = createClient(
      BankService,
      createConnectTransport({ baseUrl: f.server.url, httpVersion: "1.1" }),
    );
    await assert.rejects(
      client.listClients({ shape }, { headers: { [sourceHeader]: "disk" } }),
      (e) =>
        e instanceof ConnectError &&
        e.code === Code.InvalidArgument &&
        /loopstall-source header must be one of build, memory, got "disk"/.test(e.rawMessage),
    );
    await assert.rejects(
      (async () => {
        for await (const _ of client.streamClients(
          { shape },
          { headers: { [sourceHeader]: "disk" } },
        )) {
          // unreachable
        }
      })(),
      (e) => e instanceof ConnectError && e.code === Code.InvalidArgument,
    );
    for (const url of ["/v1/clients?source=disk", "/v1/clients?source=memory&source=build"]) {
      const res = await fetch(`${f.server.url}${url}`);
      assert.equal(res.status, 400, url);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, "invalid_argument");
      assert.match(body.message, /source/);
    }
    const header = await fetch(`${f.server.url}/v1/clients?count=1`, {
      headers: { [sourceHeader]: "disk" },
    });
    assert.equal(header.status, 400);
  });

  it("reports the cache in /metrics, the replica per pool thread", async () => {
    const res = await fetch(`${f.server.url}/metrics`);
    const text = await res.text();
    const value = (name: string, copy: RegExp) => {
      const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && copy.test(l));
      return line === undefined ? undefined : Number(line.split(" ").pop());
    };
    assert.ok((value("loopstall_source_cache_entries", /copy="main"/) ?? 0) >= 2);
    assert.ok((value("loopstall_source_cache_bytes", /copy="main"/) ?? 0) > 0);
    assert.ok((value("loopstall_source_cache_hits", /copy="main"/) ?? 0) > 0);
    assert.ok((value("loopstall_source_cache_bytes", /copy="replica-\d+"/) ?? 0) > 0);
    assert.match(text, /loopstall_event_loop_block_seconds_bucket\{le="0.004"/);
    assert.match(text, /loopstall_heavy_main_thread_ms_per_response\{/);
    if (process.platform === "linux") {
      assert.match(text, /loopstall_main_thread_cpu_seconds_total\{worker="\d+"\} \d/);
    }
  });
});

describe("a deadline while sliced", () => {
  const f = serverFixture({ sliceMs: 4 });
  for (const source of ["build", "memory"] as Source[]) {
    it(`answers deadline_exceeded between slices (${source}), and serves after`, async () => {
      const client = createClient(
        BankService,
        createGrpcTransport({ baseUrl: f.server.url, sessionManager: f.h2() }),
      );
      await assert.rejects(
        client.listClients(
          { shape: { count: 40_000 } },
          { headers: { [strategyHeader]: "slice", [sourceHeader]: source }, timeoutMs: 30 },
        ),
        (e) => e instanceof ConnectError && e.code === Code.DeadlineExceeded,
      );
      const response = await client.listClients(
        { shape: { count: 3 } },
        { headers: { [strategyHeader]: "slice", [sourceHeader]: source } },
      );
      assert.equal(response.clients.length, 3);
    });
  }
});

describe("a server whose default source is memory", () => {
  const f = serverFixture({ source: "memory", strategy: "offload-clone" });
  it("serves requests that name no source from memory", async () => {
    const res = await fetch(`${f.server.url}/v1/clients?count=5`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get(sourceHeader), "memory");
    assert.equal(res.headers.get(strategyHeader), "offload-clone");
    assert.equal(((await res.json()) as { clients: unknown[] }).clients.length, 5);
  });
});
