import { Agent, request } from "node:http";

/** Options of {@link startHeavyMixLoad}. */
export interface HeavyMixLoadOptions {
  /** `http://127.0.0.1:port` of the server under test. */
  baseUrl: string;
  /** Concurrent keep-alive HTTP/1.1 loops. Default 8. */
  concurrency?: number;
  /** Every `heavyEvery`-th call of a loop is a heavy one. Default 3. */
  heavyEvery?: number;
  /** Each loop stops after this many calls. Default 2,000. */
  maxCallsPerLoop?: number;
  /** Clients in each heavy call. Default 40,000 (the default ~15 MB of Connect JSON). */
  count?: number;
}

/** What a heavy-mix load saw. */
export interface HeavyMixResult {
  ok: number;
  okHeavy: number;
  /** Calls that reached a server and failed: any error but a refused connection, or a non-200. */
  failed: number;
  failedHeavy: number;
  /** Connections refused: nobody listened, so no request reached a server. */
  refused: number;
  /** The first 20 failures. */
  errors: string[];
}

/**
 * Concurrent HTTP/1.1 keep-alive loops, as a browser or service would call:
 * Connect JSON `Live`, with every third call a Connect JSON `ListClients` of
 * 40,000 clients (15 MB) read whole. Bounded in count; `stop()` ends it.
 * Only ever point it at 127.0.0.1.
 */
export function startHeavyMixLoad(options: HeavyMixLoadOptions): {
  stop(): Promise<HeavyMixResult>;
} {
  const concurrency = options.concurrency ?? 8;
  const heavyEvery = options.heavyEvery ?? 3;
  const maxCalls = options.maxCallsPerLoop ?? 2_000;
  const heavyBody = JSON.stringify({ shape: { count: options.count ?? 40_000 } });
  const result: HeavyMixResult = {
    ok: 0,
    okHeavy: 0,
    failed: 0,
    failedHeavy: 0,
    refused: 0,
    errors: [],
  };
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let stopped = false;
  const call = async (heavy: boolean) => {
    const path = heavy ? "ListClients" : "Live";
    try {
      const { status, bytes } = await post(
        agent,
        `${options.baseUrl}/bank.v1.BankService/${path}`,
        heavy ? heavyBody : "{}",
      );
      if (status !== 200 || (heavy && bytes < 1_000_000)) {
        throw new Error(`HTTP ${status}, ${bytes} bytes`);
      }
      result.ok++;
      if (heavy) result.okHeavy++;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "ECONNREFUSED") {
        result.refused++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return;
      }
      result.failed++;
      if (heavy) result.failedHeavy++;
      if (result.errors.length < 20) {
        result.errors.push(`${path}: ${(error as Error).message}${code ? ` (${code})` : ""}`);
      }
    }
  };
  const loops = Array.from({ length: concurrency }, async (_, loop) => {
    for (let i = 0; i < maxCalls && !stopped; i++) {
      await call((i + loop) % heavyEvery === 0);
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}

/** One keep-alive POST of Connect JSON, read whole; rejects on any socket error. */
function post(agent: Agent, url: string, body: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        timeout: 60_000,
      },
      (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.byteLength;
        });
        res.on("end", () => {
          if (!res.complete) {
            reject(Object.assign(new Error("response cut short"), { code: "TRUNCATED" }));
            return;
          }
          resolve({ status: res.statusCode ?? 0, bytes });
        });
        res.on("error", reject);
        res.on("aborted", () =>
          reject(Object.assign(new Error("response aborted"), { code: "ABORTED" })),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(body);
  });
}
