import { rawGet } from "./raw-client.js";

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
