import { type CallSpec, createSpecCaller } from "./call-spec.js";
import { rawGet } from "./raw-client.js";
import type { CallOutcome } from "./workload.js";

/**
 * Checks, before a run starts, that a loopstall server answers
 * `GET /.well-known/live` at `baseUrl`; throws one clear sentence otherwise,
 * so a run against nothing fails in a second instead of measuring failures.
 */
export async function checkTargetAnswers(baseUrl: string, timeoutMs = 3_000): Promise<void> {
  const url = `${baseUrl.replace(/\/+$/, "")}/.well-known/live`;
  let status: number;
  try {
    status = (await rawGet(url, { timeoutMs, maxBytes: 64 * 1024 })).status;
  } catch (error) {
    const reason =
      (error as { code?: unknown }).code ?? (error instanceof Error ? error.message : error);
    throw new Error(
      `no server answers at ${baseUrl} (GET /.well-known/live: ${String(reason)}); start one with \`npm start\` or pass --url`,
    );
  }
  if (status !== 200) {
    throw new Error(
      `${baseUrl} is not a live loopstall server: GET /.well-known/live answered HTTP ${status}`,
    );
  }
}

/**
 * Checks that one call of `spec` (the user's own probe) is answered at
 * `baseUrl` before a run starts; throws one clear sentence otherwise (no
 * server, or the call fails: an unknown method, a wrong protocol).
 */
export async function checkSpecAnswers(
  baseUrl: string,
  spec: CallSpec,
  timeoutMs = 3_000,
): Promise<void> {
  const caller = createSpecCaller(spec, baseUrl, 1);
  try {
    let outcome: CallOutcome;
    try {
      outcome = await caller.call(0, AbortSignal.timeout(timeoutMs));
    } catch (error) {
      const reason =
        (error as { code?: unknown }).code ?? (error instanceof Error ? error.message : error);
      throw new Error(`no server answers ${spec.label} at ${baseUrl}: ${String(reason)}`);
    }
    if (outcome.status !== "OK") {
      throw new Error(
        `the probe ${spec.label} at ${baseUrl} failed before the run: ${outcome.status}${outcome.error ? `: ${outcome.error}` : ""}`,
      );
    }
  } finally {
    caller.close();
  }
}
