import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fixtureSummary } from "../../test/support/report-fixture.js";
import { reportFileNames, writeFileAtomic, writeReports } from "./report-writer.js";
import { validateSummary } from "./summary-validator.js";

describe("writeReports", () => {
  let root = "";
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "loopstall-report-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const layouts: { name: string; dir: () => string; prepare?: (dir: string) => Promise<void> }[] = [
    { name: "into a directory it creates", dir: () => join(root, "new", "nested") },
    {
      name: "over the files of an earlier run",
      dir: () => join(root, "again"),
      prepare: async (dir) => {
        await mkdir(dir, { recursive: true });
        for (const name of Object.values(reportFileNames)) await writeFile(join(dir, name), "old");
      },
    },
  ];

  for (const layout of layouts) {
    it(`writes summary.json, report.md and report.html ${layout.name}`, async () => {
      const dir = layout.dir();
      await layout.prepare?.(dir);
      const summary = fixtureSummary();
      const paths = await writeReports(summary, dir);
      assert.deepEqual(paths, {
        summaryPath: join(dir, "summary.json"),
        markdownPath: join(dir, "report.md"),
        htmlPath: join(dir, "report.html"),
      });
      // Only the three files: no temporary file is left behind.
      assert.deepEqual((await readdir(dir)).sort(), ["report.html", "report.md", "summary.json"]);
      const json: unknown = JSON.parse(await readFile(paths.summaryPath, "utf8"));
      assert.deepEqual(validateSummary(json), summary);
      assert.ok(
        (await readFile(paths.markdownPath, "utf8")).startsWith("# loopstall experiment report"),
      );
      assert.ok((await readFile(paths.htmlPath, "utf8")).startsWith("<!doctype html>"));
    });
  }

  it("fails clearly when the output directory is a file", async () => {
    const file = join(root, "not-a-dir");
    await writeFile(file, "x");
    await assert.rejects(writeReports(fixtureSummary(), file), (e: NodeJS.ErrnoException) =>
      ["EEXIST", "ENOTDIR"].includes(e.code ?? ""),
    );
  });

  it("leaves no temporary file when a rename fails", async () => {
    const dir = join(root, "blocked");
    // A directory where report.md should go makes the rename fail after summary.json was written.
    await mkdir(join(dir, "report.md", "inside"), { recursive: true });
    await assert.rejects(writeReports(fixtureSummary(), dir), (e: NodeJS.ErrnoException) =>
      ["EISDIR", "ENOTEMPTY", "EEXIST"].includes(e.code ?? ""),
    );
    assert.deepEqual((await readdir(dir)).sort(), ["report.md", "summary.json"]);
  });

  it("replaces a file's whole content atomically", async () => {
    const path = join(root, "atomic.txt");
    await writeFileAtomic(path, "first version, longer than the second");
    await writeFileAtomic(path, "second");
    assert.equal(await readFile(path, "utf8"), "second");
    assert.deepEqual(
      (await readdir(root)).filter((name) => name.startsWith("atomic")),
      ["atomic.txt"],
    );
  });
});
