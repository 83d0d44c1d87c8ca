#!/usr/bin/env node
// The `loopstall` command: runs src/experiment/cli-main.ts under tsx, in this
// process, whatever the current directory.
import { register } from "tsx/esm/api";

register();
await import(new URL("../src/experiment/cli-main.ts", import.meta.url).href);
