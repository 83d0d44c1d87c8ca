import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { renderJsonSchemas } from "./json-schemas.js";

describe("the documented JSON Schemas", () => {
  for (const { path, text } of renderJsonSchemas()) {
    it(`${path.slice(path.indexOf("docs/"))} matches its valibot schema (npm run generate)`, async () => {
      assert.equal(await readFile(path, "utf8"), text);
    });
  }

  it("document the summary's fields and bounds", () => {
    const [summary] = renderJsonSchemas();
    const schema = JSON.parse(summary?.text ?? "{}");
    assert.equal(schema.properties.schemaVersion.const, 1);
    assert.deepEqual(schema.properties.settings.properties.engine.enum, ["embedded", "k6"]);
    const cell = schema.properties.cells.items;
    assert.equal(cell.properties.timeline.maxItems, 86_400);
    assert.match(cell.properties.probe.properties.retention.description, /duringRps/);
  });
});
