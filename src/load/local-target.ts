/** Hosts a load generator may target: this machine only. */
const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * Throws a clear error unless `baseUrl` is an http:// URL on a loopback host,
 * so loopstall can never be pointed at someone else's service.
 */
export function checkLocalTarget(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`target "${baseUrl}" is not a valid URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== "http:") {
    throw new Error(
      `target "${baseUrl}" must use http:// (loopstall speaks plain-text h2c and HTTP/1.1)`,
    );
  }
  if (!loopbackHosts.has(url.hostname)) {
    throw new Error(
      `target host "${url.hostname}" refused: loopstall only loads 127.0.0.1, localhost or [::1]`,
    );
  }
  return url;
}
