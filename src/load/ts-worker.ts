import { Worker } from "node:worker_threads";

/** tsx's ESM register API, resolved once so the worker needs no `node_modules` lookup of its own. */
const tsxApi = import.meta.resolve("tsx/esm/api");

/**
 * Starts a worker thread running the TypeScript module at `moduleUrl`.
 * Node 20 does not apply the parent's `--import tsx` to a worker's entry
 * module, so a one-line bootstrap registers tsx first and then imports it.
 */
export function startTsWorker(moduleUrl: URL, workerData: unknown): Worker {
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
