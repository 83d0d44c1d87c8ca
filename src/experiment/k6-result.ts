/** RESULT_OUT's JSON, checked against its schema and turned into a LoadResult. */
import * as v from "valibot";
import type { LoadResult } from "../load/load-settings.js";
import { k6CellResultSchema } from "./k6-cell-schema.js";
import { clockTicksPerSecond } from "./k6-process.js";
import { expectedPhrase, issueMessage, issuePath } from "./schema-issue.js";

/** Checks RESULT_OUT's JSON and turns it into a LoadResult with k6's CPU. */
export function parseK6Result(json: unknown, wallMs: number, cpuTicks: number): LoadResult {
  if (
    typeof json === "object" &&
    json !== null &&
    ((json as { kind?: unknown }).kind !== "loopstall-k6-result" ||
      (json as { version?: unknown }).version !== 1)
  ) {
    throw new Error("k6 result: not a loopstall-k6-result version 1 (is concurrency.ts current?)");
  }
  const parsed = v.safeParse(k6CellResultSchema, json, { abortEarly: true });
  if (!parsed.success) {
    const [issue] = parsed.issues;
    const where = issuePath("", issue).replace(/^\./, "") || "result";
    const what = issue.kind === "schema" ? `is not ${expectedPhrase(issue)}` : issueMessage(issue);
    throw new Error(`k6 result: ${where} ${what}`);
  }
  const r = parsed.output;
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
