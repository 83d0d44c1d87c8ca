/**
 * Where the project's entry points live, whether it runs compiled or from source.
 *
 * Production runs the compiled JavaScript in `dist/` and never loads tsx. The
 * tests and development run the TypeScript in `src/` under tsx. Every module
 * that starts a worker thread or a child process resolves that entry through
 * this file, relative to itself, so the same code picks `dist/x.js` beside a
 * compiled owner and `src/x.ts` beside a source one.
 */

import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/** The project root: this file is `src/runtime/entry.ts` or `dist/runtime/entry.js`. */
export const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The URL of the module `relativePath` (without extension) beside
 * `ownerUrl`, with the owner's own extension: `.js` when the owner is
 * compiled, `.ts` when it runs from source.
 */
export function entryBeside(ownerUrl: string, relativePath: string): URL {
  return new URL(`${relativePath}${extensionOf(ownerUrl)}`, ownerUrl);
}

/** Whether `entry` is TypeScript source, which only tests and development run. */
export function isSourceEntry(entry: URL): boolean {
  return entry.pathname.endsWith(".ts");
}

/**
 * Node arguments that run `entry` in a child process: the file alone when it
 * is compiled, preceded by `--import <tsx>` when it is source.
 */
export function nodeArgsFor(entry: URL): string[] {
  const file = fileURLToPath(entry);
  return isSourceEntry(entry) ? ["--import", tsxLoader(), file] : [file];
}

/**
 * Starts a worker thread on `entry`. A compiled entry starts directly. A
 * source entry gets a one-line bootstrap that registers tsx first, because
 * Node 20 does not apply the parent's `--import tsx` to a worker's entry.
 */
export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!isSourceEntry(entry)) {
    return new Worker(entry, options);
  }
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** tsx's loader, resolved from this file so a child needs no lookup of its own. Source runs only. */
function tsxLoader(): string {
  return import.meta.resolve("tsx");
}

function extensionOf(url: string): string {
  const path = new URL(url).pathname;
  const dot = path.lastIndexOf(".");
  const extension = dot === -1 ? "" : path.slice(dot);
  if (extension !== ".js" && extension !== ".ts") {
    throw new Error(`cannot tell compiled from source for ${url}`);
  }
  return extension;
}
