/**
 * The Deployment's liveness and readiness probes are the kubelet's native
 * gRPC probe: a grpc-go client calling grpc.health.v1.Health/Check on a new
 * plain-text HTTP/2 connection. grpc-health-probe is that client outside the
 * kubelet; here it calls a real server on its one port (HTTP/1.1 and h2c).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type ServerProcess, startServerProcess } from "../../../src/launcher/server-process.ts";
import { findGoTool } from "./go-tools.ts";

const run = promisify(execFile);
const probe = findGoTool("grpc-health-probe", ["-version"]);
if (probe === undefined) {
  console.error(
    "\n!!! grpc-health-probe not found: the gRPC probe check is SKIPPED. Run `bash scripts/install-grpc-health-probe.sh` (CI does).\n",
  );
}

async function check(addr: string, service?: string): Promise<{ code: number; output: string }> {
  if (probe === undefined) {
    throw new Error("grpc-health-probe missing");
  }
  const args = [`-addr=${addr}`, "-connect-timeout=10s", "-rpc-timeout=10s"];
  if (service !== undefined) {
    args.push(`-service=${service}`);
  }
  return run(probe, args).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      output: e.stdout + e.stderr,
    }),
  );
}

describe("the kubelet's gRPC probe against the one-port server", {
  skip: probe === undefined,
}, () => {
  let server: ServerProcess;
  let addr = "";
  before(async () => {
    server = await startServerProcess();
    addr = new URL(server.baseUrl).host;
  });
  after(() => server.stop());

  it('gets SERVING for the whole server (service "", what the Deployment\'s probes ask)', async () => {
    const r = await check(addr);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /status: SERVING/);
  });

  it("gets SERVING for bank.v1.BankService, and fails for an unknown service", async () => {
    assert.equal((await check(addr, "bank.v1.BankService")).code, 0);
    const unknown = await check(addr, "no.such.Service");
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.output, /NotFound|not found|NOT_FOUND/i);
  });
});
