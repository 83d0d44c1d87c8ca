import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { configErrorExitCode, describeListenError } from "./listen-error.js";

const root = new URL("../../", import.meta.url);

/** Runs `npm start -- <args>` to its end; resolves with its exit code, output and run time. */
function runServer(
  args: string[],
  wrapper: string[] = [],
): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const { WORKERS: _w, PORT: _p, HOST: _h, ...env } = process.env;
  const command = [...wrapper, process.execPath, "--import", "tsx", "src/server/main.ts", ...args];
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c));
  child.stderr.on("data", (c: Buffer) => (output += c));
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, output, ms: Date.now() - started });
    }),
  );
}

describe("listen errors fail fast", { timeout: 120_000 }, () => {
  let busy: Server;
  let port = 0;
  before(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    port = (busy.address() as { port: number }).port;
  });
  after(() => busy.close());

  const expected = () =>
    `loopstall: cannot listen on 127.0.0.1:${port}: address already in use; stop what holds the port or pick another --port (EADDRINUSE)\n`;

  it("single process: a busy port is one line and exit 78", async () => {
    const { code, output } = await runServer(["--port", String(port)]);
    assert.equal(code, configErrorExitCode);
    assert.equal(output, expected());
  });

  it("--workers 2: a busy port is one line and exit 78, with no restart loop", async () => {
    const { code, output, ms } = await runServer(["--workers", "2", "--port", String(port)]);
    assert.equal(code, configErrorExitCode);
    assert.equal(output, expected());
    assert.ok(ms < 15_000, `took ${ms} ms`);
  });

  it("an address this machine does not have is one line and exit 78", async () => {
    // 192.0.2.1 is TEST-NET-1: never assigned to a host.
    const { code, output } = await runServer(["--host", "192.0.2.1", "--port", "0"]);
    assert.equal(code, configErrorExitCode);
    assert.equal(
      output,
      "loopstall: cannot listen on 192.0.2.1:0: address not available on this machine; check --host (EADDRNOTAVAIL)\n",
    );
  });

  it("a privileged port without privileges is one line and exit 78", async (t) => {
    const privilegedFrom = Number(
      await readFile("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8").catch(() => "1024"),
    );
    if (privilegedFrom < 81) {
      t.skip("this machine lets anyone bind port 80");
      return;
    }
    // As root, run the server without the capability to bind low ports
    // (setpriv drops it from the bounding set); it still reads the checkout,
    // wherever that lives, which a switch to another user might not.
    const root0 = process.getuid?.() === 0;
    if (root0 && !existsSync("/usr/bin/setpriv")) {
      t.skip("running as root without setpriv (util-linux) to drop CAP_NET_BIND_SERVICE");
      return;
    }
    const wrapper = root0 ? ["/usr/bin/setpriv", "--bounding-set", "-net_bind_service"] : [];
    const { code, output } = await runServer(["--port", "80"], wrapper);
    assert.equal(code, configErrorExitCode);
    assert.equal(
      output,
      "loopstall: cannot listen on 127.0.0.1:80: permission denied; ports below 1024 need privileges, pick another --port (EACCES)\n",
    );
  });

  it("names EACCES and leaves other errors alone", () => {
    const eacces = Object.assign(new Error("listen EACCES"), { code: "EACCES" });
    assert.equal(
      describeListenError(eacces, "::1", 80),
      "cannot listen on [::1]:80: permission denied; ports below 1024 need privileges, pick another --port (EACCES)",
    );
    assert.equal(describeListenError(new Error("boom"), "127.0.0.1", 80), undefined);
    assert.equal(describeListenError(null, "127.0.0.1", 80), undefined);
  });
});
