/** Hosts a load generator may target: this machine only. */
const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * Origins the user allowed with `--allow-remote`, in this thread (the load
 * threads get the list in their config). Only an exact origin is allowed.
 */
const allowedOrigins = new Set<string>();

/**
 * Allows one non-loopback origin (`--allow-remote`): returns the warning to
 * print, or undefined for a loopback URL, which needs no permission.
 */
export function allowRemoteTarget(baseUrl: string): string | undefined {
  const url = parseTarget(baseUrl);
  if (loopbackHosts.has(url.hostname)) {
    return undefined;
  }
  allowedOrigins.add(url.origin);
  return `warning: --allow-remote: loading ${url.origin}, which is not this machine; every call goes over the network, and the numbers include it. Load only a service you are allowed to load.`;
}

/** The origins allowed so far, to hand to a load thread. */
export function remoteOrigins(): string[] {
  return [...allowedOrigins];
}

/** Allows origins a parent thread allowed. */
export function allowOrigins(origins: readonly string[]): void {
  for (const origin of origins) {
    allowedOrigins.add(origin);
  }
}

/**
 * Throws a clear error unless `baseUrl` is an http:// URL on a loopback host
 * (or an origin allowed with `--allow-remote`), so loopstall is never
 * pointed at someone else's service by accident.
 */
export function checkLocalTarget(baseUrl: string): URL {
  const url = parseTarget(baseUrl);
  if (!loopbackHosts.has(url.hostname) && !allowedOrigins.has(url.origin)) {
    throw new Error(
      `target host "${url.hostname}" refused: loopstall only loads 127.0.0.1, localhost or [::1] (add --allow-remote to load another host on purpose)`,
    );
  }
  return url;
}

function parseTarget(baseUrl: string): URL {
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
  return url;
}
