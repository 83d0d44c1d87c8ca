import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type RunningServer, startServer } from "./server.js";
import { defaultServerConfig } from "./server-config.js";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url);

/** The `curl` lines of the README's shell blocks, as a user would type them. */
async function readmeCurlCommands(): Promise<string[]> {
  const readme = await readFile(new URL("README.md", root), "utf8");
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  return blocks.flatMap((block) => block.split("\n")).filter((line) => line.startsWith("curl "));
}

describe("the README", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(() => server.close());

  it("has curl commands that work exactly as written", async () => {
    const commands = await readmeCurlCommands();
    assert.ok(commands.length >= 5, "the README shows JSON POST, GET and REST calls");
    for (const command of commands) {
      assert.match(command, /localhost:8080/);
      const local = command.replaceAll("localhost:8080", `127.0.0.1:${server.port}`);
      const { stdout } = await run("sh", ["-c", local]);
      const body = JSON.parse(stdout) as Record<string, unknown>;
      assert.ok(!("code" in body), `${command} answered an error: ${stdout}`);
    }
  });

  it("shows the example client verbatim, and the example works", async () => {
    const readme = await readFile(new URL("README.md", root), "utf8");
    const example = await readFile(new URL("src/client/example-client.ts", root), "utf8");
    assert.ok(
      readme.includes(example.trim()),
      "README's client snippet is src/client/example-client.ts",
    );
    // Both ways the README gives: compiled (npm test builds dist/ first) and from source.
    for (const args of [
      ["dist/client/example-client.js"],
      ["--import", "tsx", "src/client/example-client.ts"],
    ]) {
      const { stdout } = await run(process.execPath, args, {
        cwd: root,
        env: { ...process.env, LOOPSTALL_URL: server.url },
      });
      assert.match(stdout, /sent 3 clients/);
    }
  });

  it("states only figures that its results table shows", async () => {
    const readme = await readFile(new URL("README.md", root), "utf8");
    // The first excerpt and its paragraph ("In that run: ...").
    const excerpt = readme.slice(
      readme.indexOf("An excerpt of a real run"),
      readme.indexOf("In that run:"),
    );
    const rows = [
      ...excerpt.matchAll(/^\| (connect-proto|connect-json|grpc|grpc-web|rest-json) +\|.*$/gm),
    ].map((m) => m[0].split("|").map((cell) => cell.trim()));
    assert.ok(rows.length >= 5);
    const byStrategy = (strategy: string) => rows.filter((r) => r[3] === strategy);
    const median = (r: string[]) => Number(/^([\d.]+)%/.exec(r[4] ?? "")?.[1]);
    const range = (values: number[]) => `${Math.min(...values)}–${Math.max(...values)}%`;
    const prose = readme.slice(readme.indexOf("In that run:"));
    const paragraph = prose.slice(0, prose.indexOf("\n"));
    assert.ok(
      paragraph.includes(`median retention ${range(byStrategy("inline").map(median))}`),
      paragraph,
    );
    const offload = byStrategy("offload");
    assert.ok(paragraph.includes(`keeps ${range(offload.map(median))} of the probe`), paragraph);
    const repeats = offload.flatMap((r) =>
      (/\(([\d.]+)–([\d.]+)%\)/.exec(r[4] ?? "") ?? []).slice(1).map(Number),
    );
    assert.ok(
      paragraph.includes(
        `single repeats from ${Math.min(...repeats)}% to ${Math.max(...repeats)}%`,
      ),
    );
    const ms = (cell: string) => Number(cell.replace(/,/g, "").replace(/ ms$/, ""));
    const worst = Math.max(
      ...offload.map((r) => {
        const [during = "", before = ""] = (r[5] ?? "").split(" / ");
        return ms(during) / ms(before);
      }),
    );
    const claimed = Number(/p99 within ([\d.]+)×/.exec(paragraph)?.[1]);
    assert.ok(claimed >= worst && claimed < worst + 0.1, `claimed ${claimed}×, table ${worst}×`);
    const [stream] = byStrategy("stream");
    assert.ok(stream && paragraph.includes(`Streaming pages keeps ${stream[4]}`), paragraph);
  });

  it("says what the strategy × source run shows with figures from its table only", async () => {
    const readme = await readFile(new URL("README.md", root), "utf8");
    const section = readme.slice(readme.indexOf("#### Where the data lives"));
    const table = section.slice(0, section.indexOf("What it shows:"));
    const rows = table.split("\n").filter((line) => /^\| connect-(proto|json) /.test(line));
    assert.ok(rows.length >= 10, "the table has a row per strategy × source");
    const prose = section.slice(section.indexOf("What it shows:"));
    const paragraph = prose.slice(0, prose.indexOf("\n"));
    const figures = [...paragraph.matchAll(/[\d][\d.,–]*(%|×| ms| MB)/g)].map((m) => m[0]);
    assert.ok(figures.length >= 3, paragraph);
    for (const figure of figures) {
      assert.ok(table.includes(figure), `"${figure}" is not in the table`);
    }
  });
});
