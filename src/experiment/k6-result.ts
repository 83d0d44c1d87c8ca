/** RESULT_OUT's JSON, checked against its schema and turned into a LoadResult. */
import * as v from "valibot";
import type { LoadResult } from "../load/load-settings.js";
import { type K6CellResult, k6CellResultSchema } from "./k6-cell-schema.js";
import { clockTicksPerSecond } from "./k6-process.js";
import { expectedPhrase, issueMessage, issuePath } from "./schema-issue.js";

/** Checks RESULT_OUT's JSON and turns it into a LoadResult with k6's CPU. */
export function parseK6Result(json: unknown, wallMs: number, cpuTicks: number): LoadResult {
  const r = checkK6CellResult(json);
  return {
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    timeline: r.timeline,
    phases: r.phases,
    probe: r.probe,
    heavy: r.heavy,
    workerSpread: r.workerSpread,
    loadgenCpuPercent: (cpuTicks / clockTicksPerSecond / (Math.max(1, wallMs) / 1000)) * 100,
    errorSamples: r.errorSamples.slice(0, 10),
  };
}

/**
 * Checks that `json` is concurrency.ts's result and returns it; throws an
 * Error starting with `label` that names the first bad field.
 */
export function checkK6CellResult(json: unknown, label = "k6 result"): K6CellResult {
  if (
    typeof json === "object" &&
    json !== null &&
    ((json as { kind?: unknown }).kind !== "loopstall-k6-result" ||
      (json as { version?: unknown }).version !== 1)
  ) {
    throw new Error(`${label}: not a loopstall-k6-result version 1 (is concurrency.ts current?)`);
  }
  const parsed = v.safeParse(k6CellResultSchema, json, { abortEarly: true });
  if (!parsed.success) {
    const [issue] = parsed.issues;
    const where = issuePath("", issue).replace(/^\./, "") || "result";
    const what = issue.kind === "schema" ? `is not ${expectedPhrase(issue)}` : issueMessage(issue);
    throw new Error(`${label}: ${where} ${what}`);
  }
  return parsed.output;
}
