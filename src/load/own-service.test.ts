import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type OwnService,
  ownServiceProto,
  startOwnService,
} from "../../test/support/own-service.js";
import { runGhzCli } from "../ghz/ghz-command.js";
import { createLoadCommand } from "./load-cli.js";
import type { LoadResult } from "./load-settings.js";

/** Runs `loopstall load` in-process; resolves with stdout, or rejects with the error. */
async function load(args: string[]): Promise<string> {
  let out = "";
  const command = createLoadCommand({
    stdout: (t) => (out += t),
    stderr: () => {},
    progress: false,
  });
  command.exitOverride();
  await command.parseAsync(args, { from: "user" });
  return out;
}

const short = ["--baseline", "1", "--heavy", "1", "--recovery", "1"];
const schema = ["--proto", ownServiceProto.proto, "-i", ownServiceProto.importPaths.join(",")];

function resultOf(out: string): LoadResult {
  return JSON.parse(out.slice(out.indexOf("\n{") + 1)) as LoadResult;
}

describe("loopstall load against a service of your own (inventory.v1, not BankService)", () => {
  let service: OwnService;
  before(async () => {
    service = await startOwnService();
  });
  after(() => service.close());

  for (const protocol of ["grpc", "grpc-web", "connect", "connect-json"]) {
    it(`loads it over ${protocol}: timeline, summary and --json, with the data it was given`, async () => {
      const beforeCalls = { ...service.calls };
      const out = await load([
        "--url",
        service.url,
        ...schema,
        "--protocol",
        protocol,
        "--heavy-call",
        "inventory.v1.Inventory/ListItems",
        "--heavy-data",
        JSON.stringify({ count: 3000, prefix: protocol }),
        "--probe-call",
        "inventory.v1.Inventory/Ping",
        ...short,
        "--json",
      ]);
      assert.match(out, new RegExp(`heavy ${protocol} inventory\\.v1\\.Inventory/ListItems`));
      const rows = out.split("\n").filter((l) => /^\d+ \d+ \d+$/.test(l));
      assert.ok(rows.length >= 3, out);
      assert.match(out, /retention [\d.]+%/);
      const result = resultOf(out);
      assert.ok(result.heavy.completed > 0, out);
      assert.equal(result.heavy.errors, 0, out);
      assert.ok(result.probe.baseline.completed > 0, out);
      assert.equal(result.probe.errors, 0, out);
      assert.ok(result.heavy.responseBytes > 3000 * 10, out);
      assert.deepEqual(service.lastListRequest, { count: 3000, prefix: protocol });
      assert.ok(service.calls.ping > beforeCalls.ping);
      assert.ok(service.calls.listItems > beforeCalls.listItems);
    });
  }

  it("probes an HTTP path and streams a server-streaming heavy call", async () => {
    const healthz = service.calls.healthz;
    const out = await load([
      "--url",
      service.url,
      ...schema,
      "--protocol",
      "connect",
      "--heavy-call",
      "inventory.v1.Inventory.WatchItems",
      "--heavy-data",
      '{"count": 500, "prefix": "w"}',
      "--probe-path",
      "/healthz",
      ...short,
      "--json",
    ]);
    const result = resultOf(out);
    assert.ok(result.heavy.completed > 0, out);
    assert.equal(result.heavy.errors, 0, out);
    assert.ok(result.probe.baseline.completed > 0, out);
    assert.ok(service.calls.healthz > healthz);
    assert.deepEqual(service.lastListRequest, { count: 500, prefix: "w" });
  });

  it("reads a protoset (buf build -o) as well as a .proto", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loopstall-protoset-"));
    try {
      const protoset = join(dir, "inventory.binpb");
      const workspace = join(dir, "ws");
      // A buf workspace of the two import paths, as a user would build it.
      execFileSync("mkdir", ["-p", workspace]);
      writeFileSync(
        join(workspace, "buf.yaml"),
        `version: v2\nmodules:\n  - path: api\n  - path: shared\n`,
      );
      execFileSync("ln", ["-s", ownServiceProto.importPaths[0] as string, join(workspace, "api")]);
      execFileSync("ln", [
        "-s",
        ownServiceProto.importPaths[1] as string,
        join(workspace, "shared"),
      ]);
      const buf = join(
        createRequire(import.meta.url).resolve("@bufbuild/buf/package.json"),
        "..",
        "bin",
        "buf",
      );
      execFileSync(buf, ["build", workspace, "-o", protoset]);
      const out = await load([
        "--url",
        service.url,
        "--protoset",
        protoset,
        "--heavy-call",
        "inventory.v1.Inventory/ListItems",
        "--heavy-data",
        '[{"count": 100, "prefix": "a"}, {"count": 200, "prefix": "b"}]',
        "--probe-call",
        "inventory.v1.Inventory/Ping",
        ...short,
        "--json",
      ]);
      assert.ok(resultOf(out).heavy.completed > 0, out);
      assert.match(service.lastListRequest?.prefix ?? "", /^[ab]$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is loaded by loopstall ghz too, from its --proto and -i", async () => {
    let out = "";
    const code = await runGhzCli(
      [
        "--insecure",
        "--proto",
        ownServiceProto.proto,
        "-i",
        ownServiceProto.importPaths.join(","),
        "--call",
        "inventory.v1.Inventory.ListItems",
        "-d",
        '{"count": 10, "prefix": "g"}',
        "-n",
        "20",
        "-c",
        "2",
        "-O",
        "json",
        new URL(service.url).host,
      ],
      { stdout: (t) => (out += t), stderr: () => {} },
    );
    assert.equal(code, 0);
    const report = JSON.parse(out) as { statusCodeDistribution: Record<string, number> };
    assert.deepEqual(report.statusCodeDistribution, { OK: 20 });
    assert.deepEqual(service.lastListRequest, { count: 10, prefix: "g" });
  });

  const heavy = ["--heavy-call", "inventory.v1.Inventory/ListItems"];
  const probe = ["--probe-call", "inventory.v1.Inventory/Ping"];
  const refusals: Array<[string, string[], RegExp]> = [
    [
      "an unknown method, listing the ones there are",
      [...schema, "--heavy-call", "inventory.v1.Inventory/Nope", ...probe],
      /"inventory\.v1\.Inventory\/Nope" is not a method.*inventory\.v1\.Inventory\/ListItems/,
    ],
    [
      "data that does not fit the input type",
      [...schema, ...heavy, "--heavy-data", '{"bogus": 1}', ...probe],
      /--heavy-data does not fit inventory\.v1\.ListItemsRequest: .*bogus/,
    ],
    [
      "data that is not JSON",
      [...schema, ...heavy, "--heavy-data", "{count:", ...probe],
      /--heavy-data is not valid JSON/,
    ],
    ["a heavy call with no probe", [...schema, ...heavy], /say how to probe your service/],
    [
      "a call without a schema",
      [...heavy, ...probe],
      /need your schema: add --proto or --protoset/,
    ],
    [
      "both --probe-call and --probe-path",
      [...schema, ...heavy, ...probe, "--probe-path", "/healthz"],
      /not both/,
    ],
    [
      "a probe path that is not a path",
      [...schema, ...heavy, "--probe-path", "healthz"],
      /--probe-path must be a path starting with \//,
    ],
    [
      "BankService's --format with --heavy-call",
      [...schema, ...heavy, ...probe, "--format", "grpc"],
      /--format shapes BankService's heavy call/,
    ],
    [
      "a proto that does not compile",
      ["--proto", ownServiceProto.proto, ...heavy, ...probe],
      /cannot compile .*inventory\.proto: .*inventory\.proto:\d+:\d+:imported file does not exist/s,
    ],
    [
      "a missing proto file",
      ["--proto", "/nonexistent/x.proto", ...heavy, ...probe],
      /file not found/,
    ],
    [
      "a protoset that is not one",
      ["--protoset", ownServiceProto.proto, ...heavy, ...probe],
      /is not a FileDescriptorSet/,
    ],
    [
      "a probe the service does not implement",
      [...schema, ...heavy, "--probe-call", "inventory.v1.Inventory/Restock"],
      /the probe grpc inventory\.v1\.Inventory\/Restock .* failed before the run: Unimplemented/,
    ],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what} with a clear error`, async () => {
      await assert.rejects(load(["--url", service.url, ...args, ...short]), message);
    });
  }
});
