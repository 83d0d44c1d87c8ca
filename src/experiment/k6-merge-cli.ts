/** `loopstall k6-merge`: the runners' results of a distributed k6 run, as one (k6-merge.ts). */
import { readFile, stat, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Command } from "commander";
import { extractK6Results, formatMerged, k6MergeLimits, mergeK6Results } from "./k6-merge.js";

/** Where `loopstall k6-merge` writes; the process's stdout by default. */
export interface K6MergeCliIo {
  stdout?: (text: string) => void;
}

export function createK6MergeCommand(io: K6MergeCliIo = {}): Command {
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  return new Command("k6-merge")
    .description(
      "Merge the per-runner results of a distributed k6 run (runner logs or RESULT_OUT files) into one.",
    )
    .argument("<files...>", "runner logs (kubectl logs) or RESULT_OUT JSON files")
    .option("--out <file>", "also write the merged result as JSON (the runners' schema)")
    .action(async (files: string[], flags: { out?: string }) => {
      const results = [];
      for (const file of files) {
        const path = resolve(file);
        const { size } = await stat(path);
        if (size > k6MergeLimits.maxFileBytes) {
          throw new Error(
            `${file} is ${size} bytes, over the ${k6MergeLimits.maxFileBytes} byte limit`,
          );
        }
        results.push(...extractK6Results(await readFile(path, "utf8"), file));
      }
      const merged = mergeK6Results(results);
      if (flags.out) {
        await writeFile(resolve(flags.out), `${JSON.stringify(merged.result, null, 2)}\n`);
      }
      stdout(formatMerged(merged));
    });
}
