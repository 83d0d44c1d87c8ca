import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";
import { type GhzCliIo, runGhzCli } from "./ghz-command.js";
import type { GhzReport } from "./report-types.js";

describe("loopstall ghz (command line)", () => {
  let server: RunningServer;
  let dir: string;

  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
    dir = await mkdtemp(join(tmpdir(), "loopstall-ghz-"));
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(args: string[], io: GhzCliIo = {}) {
    let stdout = "";
    let stderr = "";
    const code = await runGhzCli(args, {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      ...io,
    });
    return { code, stdout, stderr };
  }
  const host = () => `127.0.0.1:${server.port}`;

  it("prints ghz's summary by default", async () => {
    const r = await cli([
      "--insecure",
      "--call",
      "bank.v1.BankService/Live",
      "-n",
      "10",
      "-c",
      "2",
      host(),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\nSummary:\n {2}Count:\t10\n/);
    assert.match(r.stdout, /\[OK\] {3}10 responses {3}\n/);
  });

  it("reads a config file, lets flags override it, and writes -o", async () => {
    const config = join(dir, "run.json");
    const output = join(dir, "report.json");
    await writeFile(
      config,
      JSON.stringify({
        call: "bank.v1.BankService.ListClients",
        host: host(),
        insecure: true,
        total: 50,
        concurrency: 2,
        timeout: "10s",
        data: { shape: { count: 3 } },
        format: "pretty",
        name: "from-config",
      }),
    );
    const r = await cli(["--config", config, "-n", "6", "-O", "json", "-o", output]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    const text = await readFile(output, "utf8");
    assert.ok(!text.includes("\n"), "json, not pretty: the flag wins");
    const report = JSON.parse(text) as GhzReport;
    assert.equal(report.count, 6);
    assert.equal(report.name, "from-config");
    assert.deepEqual(report.statusCodeDistribution, { OK: 6 });
    assert.deepEqual(report.options.data, { shape: { count: 3 } });
    assert.equal(report.options.timeout, 10e9);
  });

  // The same run as a TOML and as a YAML file, as ghz reads them.
  const configTexts: Array<[string, (host: string) => string]> = [
    [
      "run.toml",
      (h) =>
        `call = "bank.v1.BankService.ListClients"\nhost = "${h}"\ninsecure = true\ntotal = 4\nconcurrency = 2\ntimeout = "10s"\nname = "toml"\n\n[data.shape]\ncount = 2\n`,
    ],
    [
      "run.yaml",
      (h) =>
        `call: bank.v1.BankService.ListClients\nhost: "${h}"\ninsecure: true\ntotal: 4\nconcurrency: 2\ntimeout: 10s\nname: yaml\ndata:\n  shape:\n    count: 2\n`,
    ],
  ];
  for (const [file, text] of configTexts) {
    it(`reads a ${file.slice(4)} config file`, async () => {
      const config = join(dir, file);
      await writeFile(config, text(host()));
      const r = await cli(["--config", config, "-O", "json"]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as GhzReport;
      assert.equal(report.count, 4);
      assert.equal(report.name, file.slice(4));
      assert.deepEqual(report.statusCodeDistribution, { OK: 4 });
      assert.deepEqual(report.options.data, { shape: { count: 2 } });
      assert.equal(report.options.timeout, 10e9);
    });
  }

  it("reads -D, a data file", async () => {
    const dataFile = join(dir, "data.json");
    await writeFile(dataFile, '{"shape":{"count":999999999}}');
    const args = ["--insecure", "--call", "bank.v1.BankService.ListClients", "-D", dataFile];
    const r = await cli([...args, "-n", "2", "-c", "1", "-O", "json", host()]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as GhzReport;
    assert.deepEqual(report.statusCodeDistribution, { InvalidArgument: 2 });
  });

  it("reads -d @ from stdin and runs a server-streaming method", async () => {
    const r = await cli(
      [
        "--insecure",
        "--call",
        "bank.v1.BankService.StreamClients",
        "-d",
        "@",
        "-n",
        "4",
        "-c",
        "2",
        "-O",
        "json",
        host(),
      ],
      { readStdin: async () => '{"shape":{"count":30},"pageSize":10}' },
    );
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as GhzReport;
    assert.deepEqual(report.statusCodeDistribution, { OK: 4 });
  });

  it("reports per-call deadline errors as DeadlineExceeded", async () => {
    const r = await cli([
      "--insecure",
      "--call",
      "bank.v1.BankService.ListClients",
      "-d",
      '{"shape":{"count":20000}}',
      "-t",
      "1ms",
      "-n",
      "2",
      "-c",
      "1",
      "-O",
      "json",
      host(),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as GhzReport;
    assert.deepEqual(report.statusCodeDistribution, { DeadlineExceeded: 2 });
    assert.deepEqual(Object.keys(report.errorDistribution), [
      "rpc error: code = DeadlineExceeded desc = context deadline exceeded",
    ]);
  });

  it("still writes the report when the run is cancelled", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const args = ["--insecure", "--call", "bank.v1.BankService.Live", "-z", "20s", "-c", "2"];
    const r = await cli([...args, "-O", "json", host()], { signal: controller.signal });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as GhzReport;
    assert.equal(report.endReason, "cancel");
    assert.ok(report.count > 0);
    for (const error of Object.keys(report.errorDistribution)) {
      assert.equal(error, "rpc error: code = Canceled desc = context canceled");
    }
  });

  const failures: Array<[string, string[], RegExp]> = [
    [
      "data that does not fit the method",
      ["-d", '{"shape":{"cnt":1}}'],
      /data does not fit bank\.v1\.ListClientsRequest: .*"cnt"/,
    ],
    ["data that is not JSON", ["-d", "{shape"], /--data is not valid JSON/],
    [
      "an unknown method",
      ["--call", "bank.v1.BankService.Nope"],
      /not a method of the compiled-in services; use one of: bank\.v1\.BankService\.ListClients/,
    ],
    [
      "a method of another service",
      ["--call", "helloworld.Greeter.SayHello"],
      /not a method of the compiled-in services/,
    ],
    ["a bad duration", ["-t", "soon"], /invalid duration "soon"/],
    ["an unsupported format", ["-O", "html"], /format "html" is not supported/],
    [
      "more connections than workers",
      ["-c", "1", "--connections", "2"],
      /must not exceed concurrency/,
    ],
    [
      "a missing config file",
      ["--config", "/nonexistent/ghz.json"],
      /cannot read \/nonexistent\/ghz\.json: ENOENT/,
    ],
    ["bad tags", ["--tags", "[1]"], /tags must be a JSON object/],
    ["a config of an unknown kind", ["--config", "package-lock.ini"], /must end in \.json, \.toml/],
    [
      "a missing proto",
      ["--proto", "proto/none.proto"],
      /proto proto\/none\.proto: file not found/,
    ],
    ["a proto without .proto", ["--proto", "bank.txt"], /must have \.proto extension/],
    ["an unknown flag", ["--host-override"], /unknown option/],
  ];
  for (const [name, args, message] of failures) {
    it(`exits 1 with a clear error on ${name}`, async () => {
      const base = [
        "--insecure",
        "--call",
        "bank.v1.BankService.ListClients",
        "-n",
        "1",
        "-c",
        "1",
      ];
      const r = await cli([...base, ...args, host()]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    });
  }

  it("refuses a target that is not this machine", async () => {
    const r = await cli([
      "--insecure",
      "--call",
      "bank.v1.BankService.Live",
      "-n",
      "1",
      "-c",
      "1",
      "192.0.2.1:80",
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /only loads 127\.0\.0\.1/);
  });
});
