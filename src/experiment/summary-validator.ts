import { stat as fileStat, readFile } from "node:fs/promises";
import * as v from "valibot";
import { describeValue, issueMessage, issuePath } from "./schema-issue.js";
import {
  type ExperimentSummary,
  experimentSummarySchema,
  summaryLimits,
} from "./summary-schema.js";

/** Thrown by {@link validateSummary}; `path` names the first bad field, e.g. `cells[2].probe.retention`. */
export class SummaryValidationError extends Error {
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`invalid experiment summary: ${path} ${problem}`);
    this.name = "SummaryValidationError";
    this.path = path;
  }
}

/**
 * Checks that `value` (for example the parsed contents of summary.json) is an
 * {@link ExperimentSummary} and returns a copy holding only the known fields.
 * Throws a {@link SummaryValidationError} naming the first bad field.
 */
export function validateSummary(value: unknown): ExperimentSummary {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SummaryValidationError("summary", `must be an object, got ${describeValue(value)}`);
  }
  const result = v.safeParse(experimentSummarySchema, value, { abortEarly: true });
  if (!result.success) {
    const [issue] = result.issues;
    throw new SummaryValidationError(issuePath("summary", issue), issueMessage(issue));
  }
  return result.output;
}

/**
 * Reads and validates a summary.json. Throws a {@link SummaryValidationError}
 * (path `summary`) when the file is too big or not JSON, and the validation
 * error when a field is wrong.
 */
export async function readSummary(path: string): Promise<ExperimentSummary> {
  const { size } = await fileStat(path);
  if (size > summaryLimits.maxFileBytes) {
    throw new SummaryValidationError(
      "summary",
      `file ${path} is ${size} bytes, over the ${summaryLimits.maxFileBytes} byte limit`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new SummaryValidationError("summary", `file ${path} is not valid JSON: ${error.message}`);
  }
  return validateSummary(value);
}
