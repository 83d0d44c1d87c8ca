/**
 * k6 cannot run here (AGPL, not installed), so this checks what k6 needs
 * from the scripts' import graph: every relative import names an existing
 * file literally (k6 does no Node-style extension mapping), and nothing
 * but k6's own modules and relative files is imported at run time (no
 * `node:` modules, no npm packages). Type-only imports are erased by k6's
 * TypeScript transpiler and are not followed.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const scripts = ["concurrency.ts", "formats.ts", "ghz.ts"];

/** Run-time import specifiers of a module (skips `import type` and `export type`). */
function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /^(?:import|export)\s+(type\s+)?(?:[^;]*?\sfrom\s+)?["']([^"']+)["']/gms;
  for (const match of source.matchAll(pattern)) {
    if (!match[1]) {
      specifiers.push(match[2] as string);
    }
  }
  return specifiers;
}

describe("k6 scripts import only what k6 can load", () => {
  for (const script of scripts) {
    it(script, () => {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const specifier of runtimeImports(readFileSync(file, "utf8"))) {
          if (specifier.startsWith(".")) {
            const target = resolve(dirname(file), specifier);
            assert.ok(
              existsSync(target),
              `${relative(here, file)} imports "${specifier}", which k6 cannot find literally`,
            );
            visit(target);
          } else {
            assert.match(
              specifier,
              /^k6(\/|$)/,
              `${relative(here, file)} imports "${specifier}": k6 only has its own modules`,
            );
          }
        }
      };
      visit(resolve(here, script));
      assert.ok(seen.size > 1);
    });
  }

  it("notices a Node-style import", () => {
    assert.deepEqual(
      runtimeImports(
        'import { a } from "./x.js";\nimport type { B } from "node:fs";\nimport "k6";',
      ),
      ["./x.js", "k6"],
    );
  });
});
