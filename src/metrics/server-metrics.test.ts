import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { type RunningServer, startServer } from "../server/server.js";
import { defaultServerConfig } from "../server/server-config.js";
import { parsePrometheusText, sumSamples } from "./prometheus-text.js";

describe("GET /metrics on a single process", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...defaultServerConfig, port: 0 });
  });
  after(() => server.close());

  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-worker"), String(process.pid));
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await response.text());
  };
  const requests = (
    samples: ReturnType<typeof parsePrometheusText>,
    labels: Record<string, string>,
  ) => sumSamples(samples, "loopstall_requests_total", labels);

  it("counts requests by route, format and outcome", async () => {
    const live = "/bank.v1.BankService/Live";
    const transports = {
      "connect-proto": createConnectTransport({
        baseUrl: server.url,
        httpVersion: "1.1",
        useBinaryFormat: true,
      }),
      "connect-json": createConnectTransport({
        baseUrl: server.url,
        httpVersion: "2",
        useBinaryFormat: false,
      }),
      grpc: createGrpcTransport({ baseUrl: server.url }),
      "grpc-web": createGrpcWebTransport({ baseUrl: server.url, httpVersion: "1.1" }),
    };
    const before = await scrape();
    for (const transport of Object.values(transports)) {
      const client = createClient(BankService, transport);
      assert.equal((await client.live({})).pid, process.pid);
      assert.equal((await client.live({})).pid, process.pid);
    }
    await (await fetch(`${server.url}/.well-known/live`)).arrayBuffer();
    await (await fetch(`${server.url}/no/such/path`)).arrayBuffer();
    await (await fetch(`${server.url}/v1/clients?count=-1`)).arrayBuffer();
    const afterScrape = await scrape();
    const delta = (labels: Record<string, string>) =>
      requests(afterScrape, labels) - requests(before, labels);
    for (const format of Object.keys(transports)) {
      assert.equal(delta({ route: live, format, code: "ok" }), 2, format);
    }
    assert.equal(delta({ route: "/.well-known/live", format: "rest-json", code: "200" }), 1);
    assert.equal(delta({ route: "other", code: "404" }), 1);
    assert.equal(delta({ route: "/v1/clients", format: "rest-json", code: "400" }), 1);
    assert.equal(delta({ route: "/metrics", format: "other", code: "200" }), 1);
  });

  it("labels every series with this process's pid and exports the event-loop metrics", async () => {
    const samples = await scrape();
    const workers = new Set(samples.map((s) => s.labels.worker));
    assert.deepEqual([...workers], [String(process.pid)]);
    for (const name of [
      "loopstall_event_loop_delay_seconds_bucket",
      "loopstall_event_loop_delay_window_seconds",
      "loopstall_event_loop_delay_max_seconds",
      "loopstall_event_loop_active_seconds_total",
      "loopstall_event_loop_idle_seconds_total",
      "loopstall_event_loop_utilization",
    ]) {
      assert.ok(
        samples.some((s) => s.name === name),
        `${name} is exported`,
      );
    }
    // Only the launcher's aggregated scrape says how many workers reported.
    assert.equal(
      samples.some((s) => s.name === "loopstall_metrics_workers_reporting"),
      false,
    );
  });

  it("answers HEAD without a body and refuses other methods", async () => {
    const head = await fetch(`${server.url}/metrics`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
    const post = await fetch(`${server.url}/metrics`, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    assert.deepEqual(await post.json(), {
      code: "method_not_allowed",
      message: "/metrics accepts GET only",
    });
  });
});
