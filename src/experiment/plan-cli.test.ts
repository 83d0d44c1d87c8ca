import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { fixtureSummary } from "../../test/support/report-fixture.js";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url);

/** `loopstall plan` as a user runs it: the compiled CLI through bin/loopstall.js. */
async function plan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/loopstall.js", "plan", ...args], {
      cwd: root,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("loopstall plan", { timeout: 60_000 }, () => {
  let dir = "";
  let summaryPath = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "loopstall-plan-"));
    summaryPath = join(dir, "summary.json");
    await writeFile(summaryPath, JSON.stringify(fixtureSummary()));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("prints pods and the liveness verdict per cell for the issue's command line", async () => {
    const r = await plan([
      "--summary",
      summaryPath,
      "--heavy-rps",
      "10",
      "--probe-period",
      "10",
      "--probe-timeout",
      "1",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^# capacity plan for 10\.0 heavy req\/s; liveness probe every 10 s, timeout 1 s/,
    );
    assert.match(r.stdout, /connect-proto\s+1\s+inline\s+4\.20\s+3\s/);
    assert.match(r.stdout, /assumptions:/);
  });

  it("refuses a missing or non-positive rate, and a bad summary, with one clear line", async () => {
    const missing = await plan(["--summary", summaryPath]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /required option '--heavy-rps <n>' not specified/);
    const zero = await plan(["--summary", summaryPath, "--heavy-rps", "0"]);
    assert.equal(zero.code, 1);
    assert.match(zero.stderr, /expected a number above 0/);
    const badTimeout = await plan([
      "--summary",
      summaryPath,
      "--heavy-rps",
      "1",
      "--probe-timeout",
      "0",
    ]);
    assert.equal(badTimeout.code, 1);
    assert.match(badTimeout.stderr, /--probe-timeout.*expected an integer from 1 to 3600/);
    const bad = join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ ...fixtureSummary(), cells: [{ format: "grpc" }] }));
    const invalid = await plan(["--summary", bad, "--heavy-rps", "1"]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /^loopstall: invalid experiment summary: summary\.cells\[0\]\./);
    const absent = await plan(["--summary", join(dir, "absent.json"), "--heavy-rps", "1"]);
    assert.equal(absent.code, 1);
    assert.match(absent.stderr, /ENOENT|no such file/);
  });
});
