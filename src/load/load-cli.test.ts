import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";
import { createLoadCommand } from "./load-cli.js";

describe("loopstall load", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(() => server.close());

  it("prints one `<epoch> <probe> <heavy>` line a second and a summary", async () => {
    let out = "";
    const command = createLoadCommand({
      stdout: (t) => (out += t),
      stderr: () => {},
      progress: false,
    });
    await command.parseAsync(
      [
        "--url",
        server.url,
        "--format",
        "rest-json",
        "--probe-target",
        "rest",
        "--count",
        "500",
        "--baseline",
        "1",
        "--heavy",
        "1",
        "--recovery",
        "1",
      ],
      { from: "user" },
    );
    const lines = out.split("\n").filter((l) => /^\d+ \d+ \d+$/.test(l));
    assert.ok(lines.length >= 3, out);
    const seconds = lines.map((l) => Number(l.split(" ")[0]));
    assert.deepEqual(
      seconds,
      seconds.map((_, i) => (seconds[0] as number) + i),
    );
    assert.match(out, /# heavy/);
    assert.match(out, /probe req\/s: baseline \d+/);
    assert.match(out, new RegExp(`requests per server worker: ${process.pid}: \\d+`));
  });

  it("refuses a remote target before sending anything", async () => {
    const command = createLoadCommand({ stdout: () => {}, stderr: () => {}, progress: false });
    await assert.rejects(
      command.parseAsync(["--url", "http://203.0.113.9:8080"], { from: "user" }),
      /refused/,
    );
  });
});
