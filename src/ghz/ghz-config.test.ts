import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseGhzConfig } from "./ghz-config.js";
import { ghzReportOptions, resolveGhzSettings } from "./ghz-settings.js";
import { parseGoDuration } from "./go-duration.js";

describe("parseGoDuration", () => {
  const good: Array<[string, number]> = [
    ["0", 0],
    ["10s", 10e9],
    ["300ms", 300e6],
    ["1m30s", 90e9],
    ["1.5h", 5_400e9],
    ["250us", 250e3],
    ["250µs", 250e3],
    ["7ns", 7],
    [".5s", 500e6],
  ];
  for (const [text, ns] of good) {
    it(`reads "${text}"`, () => {
      assert.equal(parseGoDuration(text), ns);
    });
  }
  for (const bad of ["", "10", "s", "10 s", "1d", "ten seconds", "1s-"]) {
    it(`refuses "${bad}"`, () => {
      assert.throws(() => parseGoDuration(bad), /invalid duration/);
    });
  }
});

describe("parseGhzConfig", () => {
  it("reads ghz's keys, durations as strings", () => {
    const config = parseGhzConfig({
      call: "bank.v1.BankService.Live",
      host: "127.0.0.1:8080",
      insecure: true,
      concurrency: 4,
      total: 100,
      duration: "2s",
      timeout: "500ms",
      connections: 2,
      data: { shape: { count: 5 } },
      tags: { env: "ci" },
      format: "json",
      "count-errors": true,
      skipFirst: 3,
      "load-schedule": "const",
    });
    assert.deepEqual(config, {
      call: "bank.v1.BankService.Live",
      host: "127.0.0.1:8080",
      insecure: true,
      concurrency: 4,
      total: 100,
      durationNs: 2e9,
      timeoutNs: 500e6,
      connections: 2,
      data: { shape: { count: 5 } },
      tags: { env: "ci" },
      format: "json",
      countErrors: true,
      skipFirst: 3,
    });
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ["not an object", [1], /expected a JSON object/],
    ["unknown key", { colour: "red" }, /key "colour" is unknown/],
    ["TLS", { cacert: "ca.pem" }, /key "cacert" is unknown or not supported/],
    ["step schedule", { "load-schedule": "step" }, /only "const" is supported/],
    ["bad duration", { timeout: "soon" }, /"timeout": invalid duration/],
    ["negative count", { total: -1 }, /"total" must be a whole number/],
    ["string count", { concurrency: "4" }, /"concurrency" must be a whole number/],
    ["data not an object", { data: "x" }, /data must be a JSON object/],
    ["empty data array", { data: [] }, /data must be a JSON object/],
    ["tags not strings", { tags: { a: 1 } }, /tag "a" must be a string/],
    ["bad format", { format: "html" }, /format "html" is not supported/],
  ];
  for (const [name, json, message] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseGhzConfig(json), message);
    });
  }
});

describe("resolveGhzSettings", () => {
  it("uses ghz's defaults, then the config file, then the command line", () => {
    const s = resolveGhzSettings(
      2,
      { call: "a.B.C", host: "127.0.0.1:1", total: 10, concurrency: 5 },
      { total: 20 },
    );
    assert.equal(s.total, 20);
    assert.equal(s.concurrency, 5);
    assert.equal(s.connections, 1);
    assert.equal(s.timeoutNs, 20e9);
    assert.equal(s.format, "summary");
    assert.equal(s.cpus, 2);
  });

  const bad: Array<[string, object, RegExp]> = [
    ["no call", { call: "" }, /missing --call/],
    ["no host", { host: "" }, /missing the host:port/],
    ["zero concurrency", { concurrency: 0 }, /concurrency \(-c\) must be from 1/],
    ["huge total", { total: 1e12 }, /total \(-n\) must be from 1 to 100000000/],
    [
      "connections > concurrency",
      { concurrency: 2, connections: 3 },
      /must not exceed concurrency/,
    ],
    ["skipFirst > total", { total: 5, skipFirst: 6 }, /cannot skip more requests/],
    ["timeout over an hour", { timeoutNs: 4_000e9 }, /timeout \(-t\) must be from 0/],
  ];
  for (const [name, layer, message] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => resolveGhzSettings(2, { call: "a.B.C", host: "h:1" }, layer), message);
    });
  }

  it("echoes the proto's import paths as ghz does", () => {
    const s = resolveGhzSettings(2, {
      call: "a.B.C",
      host: "h:1",
      proto: "proto/bank/v1/bank.proto",
    });
    assert.deepEqual(ghzReportOptions(s).importPaths, ["proto/bank/v1", "."]);
    const flat = resolveGhzSettings(2, { call: "a.B.C", host: "h:1", proto: "bank.proto" });
    assert.deepEqual(ghzReportOptions(flat).importPaths, ["."]);
  });
});
