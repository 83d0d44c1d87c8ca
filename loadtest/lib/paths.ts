/**
 * File paths for k6 scripts. k6 resolves a relative path given to `open()`
 * or to `grpc.Client.load()` against the directory of the script, not the
 * directory k6 runs in, while handleSummary writes its files relative to
 * k6's working directory. So settings naming a file the user passes
 * (GHZ_CONFIG, PROTO, PROTO_DIR) are resolved here against the working
 * directory: `__ENV.PWD`, which `k6 run` passes in from the shell (system
 * environment variables are on by default). Without it, a relative path is
 * refused with a clear message rather than read from the wrong folder.
 * Plain module: no k6 or Node APIs.
 */

/** True for `/x`, `\x`, `C:\x` and `C:/x`. */
export function isAbsolutePath(path: string): boolean {
  return /^(?:[/\\]|[A-Za-z]:[/\\])/.test(path);
}

/**
 * `path` made absolute against `workingDir` (k6's working directory, from
 * `__ENV.PWD`) and normalized; `what` names the setting in the error.
 */
export function resolveFromWorkingDir(
  path: string,
  what: string,
  workingDir: string | undefined,
): string {
  if (path === "") {
    throw new Error(`${what} is empty`);
  }
  if (isAbsolutePath(path)) {
    return normalizePath(path);
  }
  if (workingDir === undefined || !isAbsolutePath(workingDir)) {
    throw new Error(
      `${what}=${path} is relative and k6's working directory is unknown (no PWD in the environment); give an absolute path, e.g. -e ${what}=$PWD/${path}`,
    );
  }
  return normalizePath(`${workingDir.replace(/[/\\]+$/, "")}/${path}`);
}

/** Collapses `.`, `..` and repeated separators (forward slashes out). */
export function normalizePath(path: string): string {
  const drive = /^[A-Za-z]:/.exec(path)?.[0] ?? "";
  const parts: string[] = [];
  for (const part of path.slice(drive.length).split(/[/\\]+/)) {
    if (part === "" || part === ".") {
      continue;
    }
    if (part === "..") {
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return `${drive}/${parts.join("/")}`;
}

/**
 * An absolute .proto path as `client.load()` arguments: its folder as the
 * import path and its file name. (`client.load([], "/abs/x.proto")` fails:
 * k6 joins the file onto the script's folder, the default import path.)
 */
export function protoLoadArgs(absoluteProto: string): { importPaths: string[]; file: string } {
  const path = normalizePath(absoluteProto);
  const slash = path.lastIndexOf("/");
  return { importPaths: [path.slice(0, slash) || "/"], file: path.slice(slash + 1) };
}
