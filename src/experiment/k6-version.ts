/**
 * The k6 release `--engine k6` needs, read from `k6 version`: k6 strips
 * TypeScript types by default only from v0.57.
 */
import { spawn } from "node:child_process";
import { minK6Version } from "../contract/run-limits.js";
import { outputTailChars } from "./k6-process.js";

/** A k6 release number, from `k6 version`. */
export interface K6Version {
  major: number;
  minor: number;
  patch: number;
  /** Everything after `vX.Y.Z` on the first line, e.g. ` (go1.24.1, linux/amd64)`. */
  rest: string;
}

/**
 * Reads `k6 version`'s output: `k6 v<semver> (<build details>, go…, os/arch)`
 * (k6's cmd/version.go prints `k6 v%s` with consts.FullVersion()),
 * possibly followed by an `Extensions:` list. Undefined if it is not that.
 */
export function parseK6Version(output: string): K6Version | undefined {
  const match = /^k6 v(\d+)\.(\d+)\.(\d+)(.*)$/m.exec(output.trim());
  if (!match) {
    return undefined;
  }
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    rest: match[4] ?? "",
  };
}

/** Throws a clear error unless `output` names a k6 of at least {@link minK6Version}. */
export function checkK6Version(output: string): K6Version {
  const min = `v${minK6Version.major}.${minK6Version.minor}.${minK6Version.patch}`;
  const version = parseK6Version(output);
  if (version === undefined) {
    const first = output.trim().split("\n")[0] ?? "";
    throw new Error(
      `--engine k6: cannot read the k6 version from \`k6 version\` (got "${first.slice(0, 200)}"); loopstall needs k6 ${min} or later`,
    );
  }
  const order = (v: { major: number; minor: number; patch: number }) =>
    v.major * 1e6 + v.minor * 1e3 + v.patch;
  // A pre-release of the minimum (v0.57.0-rc1) sorts before it, as in semver.
  const pre = /^-/.test(version.rest);
  if (order(version) < order(minK6Version) || (order(version) === order(minK6Version) && pre)) {
    throw new Error(
      `--engine k6: k6 v${version.major}.${version.minor}.${version.patch}${pre ? version.rest.split(" ")[0] : ""} is too old; loopstall's k6 scripts need k6 ${min} or later (TypeScript support by default); install a newer k6, or use the default --engine embedded`,
    );
  }
  return version;
}

/**
 * Runs `k6 version` and throws a clear error unless k6 is on PATH and at
 * least {@link minK6Version}.
 */
export async function requireK6(command = "k6"): Promise<K6Version> {
  const result = await new Promise<{ found: boolean; code: number | null; output: string }>(
    (resolve) => {
      const child = spawn(command, ["version"], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString("utf8")).slice(0, outputTailChars);
      };
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      child.once("error", () => resolve({ found: false, code: null, output }));
      child.once("close", (code) => resolve({ found: true, code, output }));
    },
  );
  if (!result.found) {
    throw new Error(
      "--engine k6: k6 is not on PATH; install k6, or use the default --engine embedded",
    );
  }
  if (result.code !== 0) {
    throw new Error(
      `--engine k6: \`k6 version\` exited with code ${result.code}: ${result.output.trim().slice(0, 500)}`,
    );
  }
  return checkK6Version(result.output);
}
