import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { connect as connectTcp } from "node:net";
import { after, before, describe, it } from "node:test";
import { readMetric } from "./metric.js";
import { startProcess } from "./start-server.js";

describe("faults: slow clients", { timeout: 120_000 }, () => {
  let child: ChildProcess;
  let url: string;
  let port: number;
  before(async () => {
    ({ child, url } = await startProcess([
      "--max-heavy",
      "2",
      "--write-timeout-ms",
      "10000",
      "--headers-timeout-ms",
      "1000",
      "--request-timeout-ms",
      "2000",
    ]));
    port = Number(new URL(url).port);
  });
  after(() => {
    child.kill("SIGKILL");
  });

  it("cuts slow readers at the write deadline, sheds meanwhile, then serves again", async () => {
    const readers = Array.from({ length: 2 }, () => {
      const socket = connectTcp(port, "127.0.0.1");
      socket.on("error", () => {});
      socket.write("GET /v1/clients?count=40000 HTTP/1.1\r\nhost: x\r\n\r\n");
      socket.pause();
      return socket;
    });
    let shed = false;
    for (let i = 0; i < 100 && !shed; i++) {
      const res = await fetch(`${url}/v1/clients?count=5`);
      await res.arrayBuffer();
      shed = res.status === 503;
      if (!shed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(shed, "two slow readers fill --max-heavy 2");
    assert.equal((await fetch(`${url}/.well-known/live`)).status, 200);
    for (let i = 0; (await readMetric(url, "loopstall_heavy_cut_total")) < 2; i++) {
      assert.ok(i < 100, "the write deadline never cut the slow readers");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const res = await fetch(`${url}/v1/clients?count=5`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    for (const reader of readers) reader.destroy();
  });

  it("closes slowloris connections (headers and body) by their timeouts", async () => {
    const closedBy = (send: (socket: ReturnType<typeof connectTcp>) => void) =>
      new Promise<string>((resolve) => {
        const socket = connectTcp(port, "127.0.0.1");
        let text = "";
        socket.on("data", (chunk) => {
          text += chunk.toString();
        });
        socket.on("error", () => {});
        socket.on("close", () => resolve(text));
        send(socket);
        setTimeout(() => socket.destroy(), 20_000).unref();
      });
    const drip = (socket: ReturnType<typeof connectTcp>, first: string, byte: string) => {
      socket.write(first);
      const timer = setInterval(() => {
        if (socket.destroyed) clearInterval(timer);
        else socket.write(byte);
      }, 300);
    };
    const [headers, body] = await Promise.all([
      closedBy((s) => drip(s, "GET /v1/clients HTTP/1.1\r\nhost: x\r\n", "x")),
      closedBy((s) =>
        drip(
          s,
          "POST /bank.v1.BankService/Live HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n",
          " ",
        ),
      ),
    ]);
    assert.match(headers, /^HTTP\/1\.1 408|^$/);
    assert.match(body, /^HTTP\/1\.1 408|^$/);
    assert.equal((await fetch(`${url}/.well-known/live`)).status, 200);
  });
});
