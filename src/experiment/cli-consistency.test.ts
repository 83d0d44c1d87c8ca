import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { runGhzCli } from "../ghz/ghz-command.js";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url);
const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  version: string;
};

/** Every command line loopstall ships, as a user types it (minus `npx`/`npm run`). */
const clis: Record<string, string[]> = {
  loopstall: ["bin/loopstall.js"],
  "loopstall load": ["bin/loopstall.js", "load"],
  "loopstall experiment": ["bin/loopstall.js", "experiment"],
  "loopstall ghz": ["bin/loopstall.js", "ghz"],
  "loopstall plan": ["bin/loopstall.js", "plan"],
  "loopstall k6-merge": ["bin/loopstall.js", "k6-merge"],
  "the server (npm start)": ["--import", "tsx", "src/server/main.ts"],
  "bench:serialize": ["--import", "tsx", "src/bench/serialize-bench.ts"],
};

const node = (args: string[]) =>
  run(process.execPath, args, { cwd: root, env: { ...process.env, PORT: "0" } });

describe("every CLI", { timeout: 120_000 }, () => {
  for (const [name, args] of Object.entries(clis)) {
    it(`${name} --version prints the package version`, async () => {
      const { stdout } = await node([...args, "--version"]);
      assert.equal(stdout, `${version}\n`);
    });

    it(`${name} --help prints each default once and no JSON arrays`, async () => {
      const { stdout } = await node([...args, "--help"]);
      const flat = stdout.replace(/\s+/g, " ");
      assert.doesNotMatch(flat, /\(default: [^)]*\) \(default:/);
      assert.doesNotMatch(flat, /default: \[/);
      assert.doesNotMatch(flat, /sequential/);
    });
  }

  it("`loopstall help ghz` prints what `loopstall ghz --help` does", async () => {
    const help = await node(["bin/loopstall.js", "help", "ghz"]);
    const flag = await node(["bin/loopstall.js", "ghz", "--help"]);
    assert.match(help.stdout, /^Usage: loopstall ghz/);
    assert.equal(help.stdout, flag.stdout);
  });

  it("bench:serialize calls its one-at-a-time probe closed, as load and experiment do", async () => {
    const { stdout } = await node(["--import", "tsx", "src/bench/serialize-bench.ts", "--help"]);
    assert.match(stdout.replace(/\s+/g, " "), /choices: "open", "closed"/);
  });

  it("ghz without --insecure refuses instead of silently dialling plain text", async () => {
    let err = "";
    const code = await runGhzCli(["--call", "bank.v1.BankService.Live", "127.0.0.1:1"], {
      stdout: () => {},
      stderr: (t) => (err += t),
    });
    assert.equal(code, 1);
    assert.equal(
      err,
      "loopstall ghz: loopstall speaks plain-text h2c only; pass --insecure (or set insecure in --config), as ghz needs for a plain-text server\n",
    );
  });
});
