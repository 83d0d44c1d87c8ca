/** Finds a Go-installed tool for the tests: on PATH, or in $(go env GOPATH)/bin where scripts/install-*.sh put it. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export function findGoTool(name: string, versionArgs: string[]): string | undefined {
  if (spawnSync(name, versionArgs).status === 0) {
    return name;
  }
  const gopath = spawnSync("go", ["env", "GOPATH"], { encoding: "utf8" });
  const bin = gopath.status === 0 ? join(gopath.stdout.trim(), "bin", name) : "";
  return bin && spawnSync(bin, versionArgs).status === 0 ? bin : undefined;
}
