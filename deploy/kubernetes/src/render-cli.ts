/**
 * `npm run generate:deploy` writes deploy/kubernetes's generated files;
 * `npm run check:deploy` (CI) exits 1 listing every file that differs from
 * what the sources render, is missing, or is stale. `--dir <path>` works on
 * another copy of deploy/kubernetes (the tests use one).
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deployRoot, renderedDirs, renderFiles } from "./render.ts";

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  const dirFlag = argv.indexOf("--dir");
  const root = dirFlag >= 0 ? resolve(argv[dirFlag + 1] ?? ".") : fileURLToPath(deployRoot);
  const files = await renderFiles();
  const present = new Set<string>();
  for (const dir of renderedDirs) {
    for (const file of await listFiles(join(root, dir))) {
      present.add(relative(root, file));
    }
  }
  const drift: string[] = [];
  for (const [path, content] of files) {
    const full = join(root, path);
    const current = await readFile(full, "utf8").catch(() => undefined);
    if (current === content) {
      continue;
    }
    drift.push(`${current === undefined ? "missing" : "differs"}: deploy/kubernetes/${path}`);
    if (!check) {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
    }
  }
  for (const path of present) {
    if (!files.has(path)) {
      drift.push(`stale: deploy/kubernetes/${path}`);
      if (!check) {
        await rm(join(root, path));
      }
    }
  }
  if (check && drift.length > 0) {
    process.stderr.write(
      `check:deploy: deploy/kubernetes differs from its sources; run \`npm run generate:deploy\` and commit:\n${drift.map((d) => `  ${d}`).join("\n")}\n`,
    );
    return 1;
  }
  process.stdout.write(
    check
      ? `check:deploy: ${files.size} generated files match their sources\n`
      : `generate:deploy: wrote ${drift.length} of ${files.size} files${drift.length ? `\n${drift.map((d) => `  ${d}`).join("\n")}` : ""}\n`,
  );
  return 0;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    out.push(...(entry.isDirectory() ? await listFiles(full) : [full]));
  }
  return out;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
