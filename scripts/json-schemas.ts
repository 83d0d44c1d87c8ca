/**
 * Renders the JSON Schemas of the files loopstall writes from their valibot
 * schemas, into docs/: `npm run generate` writes them, and a test fails when
 * the committed files differ from what this renders.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { toJsonSchema } from "@valibot/to-json-schema";
import { k6CellResultSchema } from "../src/experiment/k6-cell-schema.js";
import { experimentSummarySchema } from "../src/experiment/summary-schema.js";
import { projectRoot } from "../src/runtime/entry.js";

/** Each documented file: where its JSON Schema goes, and its text. */
export function renderJsonSchemas(): { path: string; text: string }[] {
  const render = (title: string, schema: Parameters<typeof toJsonSchema>[0]) =>
    `${JSON.stringify(
      // Cross-field checks (min <= median <= max, ...) have no JSON Schema form; the validator applies them.
      { title, ...toJsonSchema(schema, { errorMode: "ignore" }) },
      null,
      2,
    )}\n`;
  return [
    {
      path: join(projectRoot, "docs", "summary.schema.json"),
      text: render("loopstall experiment summary (summary.json)", experimentSummarySchema),
    },
    {
      path: join(projectRoot, "docs", "k6-cell-result.schema.json"),
      text: render("loopstall k6 cell result (RESULT_OUT)", k6CellResultSchema),
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const { path, text } of renderJsonSchemas()) {
    await writeFile(path, text);
    console.log(`wrote ${path}`);
  }
}
