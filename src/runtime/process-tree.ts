import { readdirSync, readFileSync } from "node:fs";

/**
 * The command lines of process `pid` and all its descendants (Linux /proc),
 * so a check or a benchmark can show what a server's processes really run.
 * A process that exits meanwhile is left out.
 */
export function processTree(pid: number): string[] {
  const lines: string[] = [];
  const visit = (p: number) => {
    const command = readProc(`/proc/${p}/cmdline`);
    if (command === "") {
      return;
    }
    lines.push(command.split("\0").join(" ").trim());
    for (const task of listDir(`/proc/${p}/task`)) {
      const children = readProc(`/proc/${p}/task/${task}/children`).trim();
      for (const child of children === "" ? [] : children.split(" ")) {
        visit(Number(child));
      }
    }
  };
  visit(pid);
  return lines;
}

function readProc(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
