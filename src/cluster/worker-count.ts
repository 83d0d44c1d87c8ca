import { availableCores } from "../runtime/cores.js";

/** The most workers `--workers` accepts, whatever the core count. */
export const maxWorkers = 64;

/**
 * Parses `--workers`/`WORKERS`: a count from 1 to {@link maxWorkers}, or
 * `max` for {@link availableCores}. Throws a RangeError on anything else.
 */
export function parseWorkerCount(value: string, cores = availableCores()): number {
  if (value === "max") {
    return Math.min(cores, maxWorkers);
  }
  const n = Number(value);
  if (!/^\d{1,3}$/.test(value) || n < 1 || n > maxWorkers) {
    throw new RangeError(`expected "max" or an integer from 1 to ${maxWorkers}, got "${value}"`);
  }
  return n;
}
