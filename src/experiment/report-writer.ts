import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderHtml } from "./report-html.js";
import { renderMarkdown } from "./report-markdown.js";
import type { ExperimentSummary } from "./summary-schema.js";

/** Where {@link writeReports} put the three files. */
export interface ReportPaths {
  summaryPath: string;
  markdownPath: string;
  htmlPath: string;
}

/** File names inside the output directory. */
export const reportFileNames = {
  summary: "summary.json",
  markdown: "report.md",
  html: "report.html",
} as const;

/**
 * Writes summary.json, report.md and report.html into `outDir` (created if
 * missing). All three are rendered before anything is written, and each file
 * is written to a temporary file beside it and renamed into place, so a reader
 * never sees a half-written file and a failure leaves no temporary file.
 */
export async function writeReports(
  summary: ExperimentSummary,
  outDir: string,
): Promise<ReportPaths> {
  const contents = {
    summary: `${JSON.stringify(summary, null, 2)}\n`,
    markdown: renderMarkdown(summary),
    html: renderHtml(summary),
  };
  await mkdir(outDir, { recursive: true });
  const paths: ReportPaths = {
    summaryPath: join(outDir, reportFileNames.summary),
    markdownPath: join(outDir, reportFileNames.markdown),
    htmlPath: join(outDir, reportFileNames.html),
  };
  await writeFileAtomic(paths.summaryPath, contents.summary);
  await writeFileAtomic(paths.markdownPath, contents.markdown);
  await writeFileAtomic(paths.htmlPath, contents.html);
  return paths;
}

/** Writes `path` via a temporary file in the same directory and a rename, which is atomic on POSIX. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, data, { encoding: "utf8", flag: "wx" });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
