import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/**
 * The cores this process may use: `os.availableParallelism()`, lowered to the
 * cgroup v2 CPU quota (`/sys/fs/cgroup/cpu.max`, e.g. `200000 100000` = 2
 * cores) when one is set. At least 1.
 */
export function availableCores(cpuMaxPath = "/sys/fs/cgroup/cpu.max"): number {
  const cores = availableParallelism();
  const quota = readCgroupQuota(cpuMaxPath);
  return Math.max(1, quota === undefined ? cores : Math.min(cores, Math.floor(quota)));
}

/** The cgroup v2 CPU quota in cores, or undefined when unlimited or unreadable. */
export function readCgroupQuota(cpuMaxPath: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(cpuMaxPath, "utf8");
  } catch {
    return undefined;
  }
  const [quota, period] = text.trim().split(/\s+/);
  const q = Number(quota);
  const p = Number(period);
  if (quota === "max" || !Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) {
    return undefined;
  }
  return Math.max(1, q / p);
}
