import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fixtureSummary } from "../../test/support/report-fixture.js";
import { summaryLimits } from "./summary-schema.js";
import { readSummary, SummaryValidationError, validateSummary } from "./summary-validator.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests reach into and break arbitrary nested fields of the JSON.
type Mutable = Record<string, any>;

const remove = Symbol("remove");

/**
 * Each case sets one field of a valid summary (`at`, a path of keys) to a bad
 * value, or removes it, and names the path the error must report.
 */
const brokenCases: { name: string; at: (string | number)[]; value: unknown; path: string }[] = [
  { name: "wrong schema version", at: ["schemaVersion"], value: 2, path: "summary.schemaVersion" },
  { name: "missing cells", at: ["cells"], value: remove, path: "summary.cells" },
  { name: "cells not an array", at: ["cells"], value: {}, path: "summary.cells" },
  { name: "bad date", at: ["startedAt"], value: "yesterday", path: "summary.startedAt" },
  { name: "cpus zero", at: ["environment", "cpus"], value: 0, path: "summary.environment.cpus" },
  {
    name: "unknown engine",
    at: ["settings", "engine"],
    value: "wrk",
    path: "summary.settings.engine",
  },
  {
    name: "probe rate a string",
    at: ["settings", "probe", "rate"],
    value: "10",
    path: "summary.settings.probe.rate",
  },
  {
    name: "unknown format in the matrix",
    at: ["settings", "matrix", "formats", 1],
    value: "xml",
    path: "summary.settings.matrix.formats[1]",
  },
  {
    name: "unknown cell format",
    at: ["cells", 1, "format"],
    value: "<b>soap</b>",
    path: "summary.cells[1].format",
  },
  {
    name: "retention a string",
    at: ["cells", 1, "probe", "retention"],
    value: "48%",
    path: "summary.cells[1].probe.retention",
  },
  {
    name: "retention NaN",
    at: ["cells", 2, "probe", "retention"],
    value: Number.NaN,
    path: "summary.cells[2].probe.retention",
  },
  {
    name: "negative errors",
    at: ["cells", 0, "probe", "errors"],
    value: -1,
    path: "summary.cells[0].probe.errors",
  },
  {
    name: "fractional workers",
    at: ["cells", 0, "workers"],
    value: 1.5,
    path: "summary.cells[0].workers",
  },
  {
    name: "stat out of order",
    at: ["cells", 0, "probe", "stats", "retention", "min"],
    value: 0.9,
    path: "summary.cells[0].probe.stats.retention",
  },
  {
    name: "stat without max",
    at: ["cells", 0, "heavy", "stats", "rps", "max"],
    value: remove,
    path: "summary.cells[0].heavy.stats.rps.max",
  },
  {
    name: "loop delay missing",
    at: ["cells", 0, "server", "eventLoopDelayP99Ms"],
    value: remove,
    path: "summary.cells[0].server.eventLoopDelayP99Ms",
  },
  {
    name: "negative spread",
    at: ["cells", 1, "workerSpread", "41251"],
    value: -3,
    path: 'summary.cells[1].workerSpread["41251"]',
  },
  {
    name: "timeline point null",
    at: ["cells", 0, "timeline", 3],
    value: null,
    path: "summary.cells[0].timeline[3]",
  },
  {
    name: "timeline point without probe",
    at: ["cells", 0, "timeline", 5, "probe"],
    value: remove,
    path: "summary.cells[0].timeline[5].probe",
  },
  {
    name: "timeline too long",
    at: ["cells", 0, "timeline"],
    value: new Array(summaryLimits.maxTimelinePoints + 1).fill({
      t: 0,
      epoch: 0,
      probe: 0,
      heavy: 0,
    }),
    path: "summary.cells[0].timeline",
  },
  {
    name: "heavy phase ending before it starts",
    at: ["cells", 2, "phases", "heavyEnd"],
    value: 5,
    path: "summary.cells[2].phases.heavyEnd",
  },
  {
    name: "huge string",
    at: ["environment", "cpuModel"],
    value: "x".repeat(summaryLimits.maxStringLength + 1),
    path: "summary.environment.cpuModel",
  },
];

function broken(at: (string | number)[], value: unknown): Mutable {
  const summary: Mutable = fixtureSummary();
  const parent = at.slice(0, -1).reduce((node, key) => node[key], summary);
  const key = at.at(-1) as string | number;
  if (value === remove) delete parent[key];
  else parent[key] = value;
  return summary;
}

describe("validateSummary", () => {
  it("accepts the fixture and returns an equal copy", () => {
    const summary = fixtureSummary();
    const checked = validateSummary(JSON.parse(JSON.stringify(summary)));
    assert.deepEqual(checked, summary);
  });

  it("drops fields it does not know", () => {
    const summary: Mutable = fixtureSummary();
    summary.extra = "<script>";
    summary.cells[0].probe.extra = 1;
    const checked: Mutable = validateSummary(summary);
    assert.equal("extra" in checked, false);
    assert.equal("extra" in checked.cells[0].probe, false);
  });

  it("accepts null loop-delay stats and an empty timeline", () => {
    const summary: Mutable = fixtureSummary();
    summary.cells[0].server.eventLoopDelayP99Ms = null;
    summary.cells[0].timeline = [];
    assert.equal(validateSummary(summary).cells[0]?.server.eventLoopDelayP99Ms, null);
  });

  for (const value of [null, undefined, "summary", 42, []]) {
    it(`rejects ${JSON.stringify(value) ?? "undefined"} as a whole`, () => {
      assert.throws(
        () => validateSummary(value),
        (e) => e instanceof SummaryValidationError && e.path === "summary",
      );
    });
  }

  for (const c of brokenCases) {
    it(`rejects ${c.name}, naming ${c.path}`, () => {
      assert.throws(
        () => validateSummary(broken(c.at, c.value)),
        (e) =>
          e instanceof SummaryValidationError &&
          e.path === c.path &&
          e.message.startsWith(`invalid experiment summary: ${c.path} `),
      );
    });
  }
});

describe("readSummary", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "loopstall-summary-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a valid summary.json", async () => {
    const path = join(dir, "ok.json");
    await writeFile(path, JSON.stringify(fixtureSummary()));
    assert.deepEqual(await readSummary(path), fixtureSummary());
  });

  const badFiles: { name: string; content: string; path: string; message: RegExp }[] = [
    { name: "not JSON", content: "{ nope", path: "summary", message: /is not valid JSON/ },
    { name: "empty", content: "", path: "summary", message: /is not valid JSON/ },
    {
      name: "a broken field",
      content: JSON.stringify({ ...fixtureSummary(), finishedAt: 5 }),
      path: "summary.finishedAt",
      message: /must be a string, got the number 5/,
    },
  ];
  for (const c of badFiles) {
    it(`rejects a file that is ${c.name}`, async () => {
      const path = join(dir, "bad.json");
      await writeFile(path, c.content);
      await assert.rejects(
        readSummary(path),
        (e) =>
          e instanceof SummaryValidationError && e.path === c.path && c.message.test(e.message),
      );
    });
  }

  it("rejects a missing file with the file system's error", async () => {
    await assert.rejects(
      readSummary(join(dir, "missing.json")),
      (e: NodeJS.ErrnoException) => e.code === "ENOENT",
    );
  });
});
