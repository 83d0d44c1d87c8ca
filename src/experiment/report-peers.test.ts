import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fixtureSummary } from "../../test/support/report-fixture.js";
import {
  type PeersResults,
  parsePeersResults,
  summarizeCase,
} from "../bench/peers/peers-results.js";
import { renderHtml } from "./report-html.js";
import { renderMarkdown } from "./report-markdown.js";

function fixturePeers(): PeersResults {
  const round = (rps: number) => ({ ok: rps * 3, failed: 0, rps, p99Ms: 4, wallSeconds: 3 });
  return {
    kind: "loopstall-peers",
    startedAt: "2026-12-01T20:00:00.000Z",
    node: "v20.20.2",
    cores: 2,
    cpuModel: "test cpu",
    pinned: false,
    smoke: false,
    rounds: 3,
    settings: { seconds: 3 },
    tools: { h2load: "nghttp2/1.52.0" },
    cases: [
      summarizeCase({
        scenario: "grpc-live-h2c",
        tool: "h2load",
        server: "loopstall",
        variant: "",
        rounds: [round(9_000), round(10_000), round(11_000)],
      }),
      summarizeCase({
        scenario: "grpc-live-h2c",
        tool: "h2load",
        server: "grpc-js",
        variant: "",
        rounds: [round(8_000), round(9_000), round(12_000)],
      }),
    ],
    ratios: [
      {
        label: "gRPC Live over h2c: loopstall ÷ grpc-js",
        scenario: "grpc-live-h2c",
        server: "loopstall",
        against: "grpc-js",
        perRound: [1.125, 1.111, 0.917],
        spread: { median: 1.111, min: 0.917, max: 1.125 },
        target: 1,
      },
    ],
    notes: ["a note with | a pipe"],
  };
}

describe("peers section of the experiment report", () => {
  it("summarizes rounds as median with min–max", () => {
    const [mine] = fixturePeers().cases;
    assert.deepEqual(mine?.rps, { median: 10_000, min: 9_000, max: 11_000 });
  });

  it("is absent without peers results", () => {
    assert.ok(!renderMarkdown(fixtureSummary()).includes("Peers"));
    assert.ok(!renderHtml(fixtureSummary()).includes("Peers"));
  });

  it("adds the targets and one table per scenario to report.md, before how-to-read", () => {
    const markdown = renderMarkdown(fixtureSummary(), fixturePeers());
    const section = markdown.split("## Peers")[1]?.split("## How to read this")[0] ?? "";
    assert.ok(section.length > 0, "peers section between results and how-to-read");
    assert.match(
      section,
      /\| gRPC Live over h2c: loopstall ÷ grpc-js \| 1\.11 \(0\.92–1\.13\)× \| ≥ 1\.0× \|/,
    );
    assert.match(section, /\| loopstall \| 10,000 \(9,000–11,000\) \| 4\.0 \|/);
    assert.match(section, /\| grpc-js \| 9,000 \(8,000–12,000\) \|/);
    assert.match(section, /a note with \| a pipe/);
  });

  it("adds the same tables to report.html, escaped", () => {
    const peers = fixturePeers();
    peers.notes = ["<script>"];
    const html = renderHtml(fixtureSummary(), peers);
    assert.match(html, /<h2>Peers: /);
    assert.match(html, /<td>loopstall<\/td><td class="num">10,000 \(9,000–11,000\)<\/td>/);
    assert.ok(html.includes("&lt;script&gt;") && !html.includes("<script>"));
  });

  it("reads back what bench:peers writes, and refuses other JSON", () => {
    const peers = fixturePeers();
    assert.deepEqual(parsePeersResults(JSON.stringify(peers)), peers);
    assert.throws(() => parsePeersResults(JSON.stringify(fixtureSummary())), /bench:peers/);
  });
});
