import { readFileSync } from "node:fs";

/**
 * loopstall's version, from the nearest `package.json` named `loopstall`
 * above this module (so it holds under tsx and once compiled to another
 * directory), for every CLI's `--version`.
 */
export const packageVersion: string = findVersion();

function findVersion(): string {
  for (let dir = new URL("./", import.meta.url); ; dir = new URL("../", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === "loopstall" && typeof pkg.version === "string") {
        return pkg.version;
      }
    } catch {
      // No package.json here: look further up.
    }
    if (dir.pathname === "/") {
      return "unknown";
    }
  }
}
