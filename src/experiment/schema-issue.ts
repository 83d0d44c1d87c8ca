import type * as v from "valibot";

/**
 * The path of a valibot issue written as a reader would look it up, from
 * `root`: `summary.cells[1].probe.retention`, `summary.cells[0].workerSpread["41251"]`
 * (a key that is not an identifier, such as a pid, is written in brackets).
 */
export function issuePath(root: string, issue: v.BaseIssue<unknown>): string {
  let path = root;
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (item.type === "array" || typeof key === "number") {
      path += `[${String(key)}]`;
    } else if (!/^[A-Za-z_$][\w$]*$/.test(String(key))) {
      path += `[${JSON.stringify(String(key))}]`;
    } else {
      path += `.${String(key)}`;
    }
  }
  return path;
}

/** What went wrong, worded to follow the path: "is missing", "must be a string, got the number 5". */
export function issueMessage(issue: v.BaseIssue<unknown>): string {
  const got = `got ${describeValue(issue.input)}`;
  if (issue.kind === "schema") {
    if (issue.type === "object" && issue.input === undefined && issue.path !== undefined) {
      return "is missing";
    }
    return `must be ${expectedPhrase(issue)}, ${got}`;
  }
  const requirement = (issue as { requirement?: unknown }).requirement;
  switch (issue.type) {
    case "min_value":
      return `must be >= ${String(requirement)}, ${got}`;
    case "integer":
      return `must be an integer, ${got}`;
    case "finite":
      return `must be a finite number, ${got}`;
    case "max_length":
      return typeof issue.input === "string"
        ? `must be at most ${String(requirement)} characters long`
        : `must have at most ${String(requirement)} elements, got ${issue.received}`;
    default:
      return issue.message.startsWith("must ") ? issue.message : `is invalid: ${issue.message}`;
  }
}

/** What a schema issue expected, as a phrase: "a string", "one of ("a" | "b")". */
export function expectedPhrase(issue: v.BaseIssue<unknown>): string {
  return expectedPhrases[issue.type] ?? `one of ${issue.expected ?? "?"}`;
}

const expectedPhrases: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
};

/** A short description of a value for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "number") return `the number ${value}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
