#!/usr/bin/env node
// The `loopstall` command: runs the compiled CLI in dist/, whatever the
// current directory. `npm ci` builds dist/ (through `prepare`); after editing
// src/, run `npm run build`.
try {
  await import("../dist/experiment/cli-main.js");
} catch (error) {
  if (
    error?.code === "ERR_MODULE_NOT_FOUND" &&
    String(error.message).includes("dist/experiment/cli-main.js")
  ) {
    process.stderr.write("loopstall: dist/ is missing; run `npm run build` (npm ci does it too)\n");
    process.exit(1);
  }
  throw error;
}
