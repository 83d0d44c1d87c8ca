/**
 * Runs the real ghz (v0.121.0, installed by scripts/install-ghz.sh) and
 * `loopstall ghz` against the same server and checks that the two JSON
 * reports have the same keys, key order and JSON types (recursively), the
 * same options and the same status and error distributions. Skipped, loudly,
 * when ghz is not installed.
 */
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";
import { runGhzCli } from "./ghz-command.js";

const run = promisify(execFile);

/** The ghz binary: on PATH, else in $(go env GOPATH)/bin; undefined if neither. */
function findGhz(): string | undefined {
  const candidates = (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "ghz"));
  try {
    const gopath = execFileSync("go", ["env", "GOPATH"], { encoding: "utf8", timeout: 10_000 });
    candidates.push(join(gopath.trim(), "bin", "ghz"));
  } catch {
    // No Go toolchain: only PATH counts.
  }
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** JSON type of a value, telling arrays and null apart from objects. */
function jsonType(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** Asserts equal keys, key order and JSON types, recursively. */
function assertSameShape(ours: unknown, theirs: unknown, path = "$"): void {
  assert.equal(jsonType(ours), jsonType(theirs), `JSON type at ${path}`);
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    assert.equal(ours.length, theirs.length, `array length at ${path}`);
    ours.forEach((item, i) => {
      assertSameShape(item, theirs[i], `${path}[${i}]`);
    });
  } else if (jsonType(ours) === "object") {
    const a = ours as Record<string, unknown>;
    const b = theirs as Record<string, unknown>;
    assert.deepEqual(Object.keys(a), Object.keys(b), `keys and their order at ${path}`);
    for (const key of Object.keys(a)) {
      assertSameShape(a[key], b[key], `${path}.${key}`);
    }
  } else if (typeof ours === "number" && !floatKeys.some((key) => path.endsWith(`.${key}`))) {
    // ghz writes durations and counts as Go integers.
    assert.equal(
      Number.isInteger(ours),
      Number.isInteger(theirs),
      `integer-ness at ${path} (${ours} vs ${theirs})`,
    );
  }
}

/** ghz's float64 fields; every other number it writes is an integer. */
const floatKeys = ["rps", "mark", "frequency"];

const integerPaths = ["count", "total", "average", "fastest", "slowest"];

const ghz = findGhz();
/** ghz reads `--proto` relative to its working directory. */
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

describe("loopstall ghz vs the real ghz", () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(async () => {
    await server?.close();
  });

  async function both(args: string[]): Promise<[Record<string, unknown>, Record<string, unknown>]> {
    const [ours, theirs] = await bothText([...args, "-O", "json"]);
    return [JSON.parse(ours), JSON.parse(theirs)];
  }

  async function bothText(args: string[]): Promise<[string, string]> {
    const full = [...args, `127.0.0.1:${server.port}`];
    const real = await run(ghz as string, full, {
      cwd: repoRoot,
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    let out = "";
    let err = "";
    const code = await runGhzCli(full, {
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        err += t;
      },
    });
    assert.equal(code, 0, err);
    return [out, real.stdout];
  }

  const common = ["--insecure", "--proto", "proto/bank/v1/bank.proto"];

  it("agrees on a successful run (Live, -n 200 -c 4 --connections 2)", async (t) => {
    if (!ghz) {
      const why =
        "ghz not installed: run scripts/install-ghz.sh (go install github.com/bojand/ghz/cmd/ghz@v0.121.0)";
      console.warn(`\n!!! SKIPPED: ${why}\n`);
      t.skip(why);
      return;
    }
    const args = [...common, "--call", "bank.v1.BankService.Live", "-n", "200", "-c", "4"];
    const [ours, theirs] = await both([
      ...args,
      "--connections",
      "2",
      "--name",
      "cmp",
      "--tags",
      '{"k":"v"}',
    ]);
    assertSameShape(ours, theirs);
    assert.deepEqual(ours.options, theirs.options);
    assert.deepEqual(ours.statusCodeDistribution, { OK: 200 });
    assert.deepEqual(theirs.statusCodeDistribution, { OK: 200 });
    assert.deepEqual(ours.errorDistribution, theirs.errorDistribution);
    assert.equal(ours.count, 200);
    assert.equal(ours.endReason, theirs.endReason);
    assert.deepEqual(ours.tags, theirs.tags);
    for (const key of integerPaths) {
      assert.ok(Number.isInteger(ours[key]), `${key} is an integer`);
    }
    assert.match(String(ours.date), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    const details = ours.details as Array<{ timestamp: string }>;
    assert.match(details[0]?.timestamp ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z/);
  });

  it("agrees on a run whose calls fail (ListClients over the count cap)", async (t) => {
    if (!ghz) {
      const why =
        "ghz not installed: run scripts/install-ghz.sh (go install github.com/bojand/ghz/cmd/ghz@v0.121.0)";
      console.warn(`\n!!! SKIPPED: ${why}\n`);
      t.skip(why);
      return;
    }
    const args = [...common, "--call", "bank.v1.BankService.ListClients", "-n", "40", "-c", "4"];
    const data = ["-d", '{"shape":{"count":999999999}}', "--connections", "2"];
    const [ours, theirs] = await both([...args, ...data]);
    assertSameShape(ours, theirs);
    assert.deepEqual(ours.options, theirs.options);
    assert.deepEqual(ours.statusCodeDistribution, { InvalidArgument: 40 });
    assert.deepEqual(ours.statusCodeDistribution, theirs.statusCodeDistribution);
    assert.deepEqual(ours.errorDistribution, theirs.errorDistribution);
    assert.equal(ours.latencyDistribution, null);
    assert.equal(ours.histogram, null);
  });

  it("prints the same summary text, numbers aside", async (t) => {
    if (!ghz) {
      const why =
        "ghz not installed: run scripts/install-ghz.sh (go install github.com/bojand/ghz/cmd/ghz@v0.121.0)";
      console.warn(`\n!!! SKIPPED: ${why}\n`);
      t.skip(why);
      return;
    }
    const args = [...common, "--call", "bank.v1.BankService.Live", "-n", "50", "-c", "2"];
    const [ours, theirs] = await bothText([...args, "--name", "text"]);
    // Numbers, the padding that depends on their width, and bar lengths differ.
    const mask = (text: string) =>
      text
        .replace(/\d+(\.\d+)?/g, "N")
        .replace(/∎+/g, "")
        .replace(/ +/g, " ");
    assert.equal(mask(ours), mask(theirs));
    assert.match(ours, /^\nSummary:\n {2}Name:\t\ttext\n {2}Count:\t50\n/);
  });
});
