import { Command, InvalidArgumentError, Option } from "commander";
import { parseWorkerCount } from "../cluster/worker-count.js";
import { type Source, type Strategy, sources, strategies } from "../contract/wire.js";
import { packageVersion } from "../runtime/package-version.js";
import { defaultPoolSize } from "../strategy/pool-options.js";
import { defaultServerConfig, type ServerConfig } from "./server-config.js";

/**
 * Parses the server's flags, each of which can also be set by the
 * environment variable named in its help.
 */
export function parseServerArgs(argv: string[]): ServerConfig {
  const d = defaultServerConfig;
  const program = new Command("loopstall-server")
    .description("The loopstall Connect service: HTTP/1.1 and h2c on one port.")
    .version(packageVersion)
    .addOption(new Option("--host <host>", "interface to bind").env("HOST").default(d.host))
    .addOption(int("--port <port>", "port to bind (0 picks one)", "PORT", d.port, 0, 65_535))
    .addOption(int("--max-count <n>", "cap on count", "MAX_COUNT", d.limits.maxCount))
    .addOption(
      int(
        "--max-accounts-per-client <n>",
        "cap on accounts_per_client",
        "MAX_ACCOUNTS_PER_CLIENT",
        d.limits.maxAccountsPerClient,
      ),
    )
    .addOption(
      int(
        "--max-total-accounts <n>",
        "cap on count × accounts_per_client",
        "MAX_TOTAL_ACCOUNTS",
        d.limits.maxTotalAccounts,
      ),
    )
    .addOption(
      int("--max-page-size <n>", "cap on page_size", "MAX_PAGE_SIZE", d.limits.maxPageSize, 1),
    )
    .addOption(
      int(
        "--max-response-bytes <n>",
        "cap on a response's estimated JSON size",
        "MAX_RESPONSE_BYTES",
        d.limits.maxResponseBytes,
        1,
      ),
    )
    .addOption(
      int("--read-max-bytes <n>", "largest request body", "READ_MAX_BYTES", d.readMaxBytes, 1),
    )
    .addOption(
      int("--write-max-bytes <n>", "largest response", "WRITE_MAX_BYTES", d.writeMaxBytes, 1),
    )
    .addOption(
      int(
        "--max-timeout-ms <n>",
        "largest client deadline",
        "MAX_TIMEOUT_MS",
        d.maxTimeoutMs,
        1,
        maxTimerMs,
      ),
    )
    .addOption(
      int(
        "--shutdown-timeout-ms <n>",
        "how long shutdown waits for in-flight requests",
        "SHUTDOWN_TIMEOUT_MS",
        d.shutdownTimeoutMs,
        0,
        maxTimerMs,
      ),
    )
    .addOption(
      new Option("--workers <n>", 'worker processes: a count, or "max" for one per core')
        .env("WORKERS")
        .default(d.workers)
        .argParser((value: string) => {
          try {
            return parseWorkerCount(value);
          } catch (error) {
            throw new InvalidArgumentError((error as Error).message);
          }
        }),
    )
    .addOption(
      new Option("--strategy <name>", "serialization strategy of requests that name none")
        .env("STRATEGY")
        .choices(strategies)
        .default(d.strategy),
    )
    .addOption(
      new Option("--source <name>", "data source of requests that name none")
        .env("SOURCE")
        .choices(sources)
        .default(d.source),
    )
    .addOption(
      int(
        "--source-cache-bytes <n>",
        "bound of the memory source's cache (estimated heap bytes), per process and per replica",
        "SOURCE_CACHE_BYTES",
        d.sourceCacheBytes,
        1,
      ),
    )
    .addOption(
      int(
        "--slice-ms <n>",
        "longest slice of the slice strategy, ms",
        "SLICE_MS",
        d.sliceMs,
        1,
        1_000,
      ),
    )
    .addOption(
      int("--pool-size <n>", "offload pool threads", "POOL_SIZE", d.poolSize, 1, 256).default(
        d.poolSize,
        "cores ÷ workers − 1, at least 1",
      ),
    )
    .addOption(
      int(
        "--pool-max-queue <n>",
        "offload tasks that may wait for a thread",
        "POOL_MAX_QUEUE",
        d.poolMaxQueue,
        0,
        100_000,
      ),
    )
    .addOption(
      int(
        "--max-heavy <n>",
        "heavy responses in progress at once, per process",
        "MAX_HEAVY",
        d.maxHeavy,
        1,
        10_000,
      ),
    )
    .addOption(
      int(
        "--max-pending-bytes <n>",
        "estimated response bytes held before they are written, per process",
        "MAX_PENDING_BYTES",
        d.maxPendingBytes,
        1,
      ),
    )
    .addOption(
      int(
        "--write-timeout-ms <n>",
        "a heavy response not written this long after admission is cut",
        "WRITE_TIMEOUT_MS",
        d.writeTimeoutMs,
        1,
        maxTimerMs,
      ),
    )
    .addOption(
      int(
        "--headers-timeout-ms <n>",
        "time a client has to send its request headers",
        "HEADERS_TIMEOUT_MS",
        d.headersTimeoutMs,
        1,
        maxTimerMs,
      ),
    )
    .addOption(
      int(
        "--request-timeout-ms <n>",
        "time a client has to send its whole request",
        "REQUEST_TIMEOUT_MS",
        d.requestTimeoutMs,
        1,
        maxTimerMs,
      ),
    )
    .exitOverride()
    .parse(argv, { from: "user" });
  const o = program.opts<{
    host: string;
    port: number;
    maxCount: number;
    maxAccountsPerClient: number;
    maxTotalAccounts: number;
    maxResponseBytes: number;
    maxPageSize: number;
    readMaxBytes: number;
    writeMaxBytes: number;
    maxTimeoutMs: number;
    shutdownTimeoutMs: number;
    strategy: Strategy;
    source: Source;
    sourceCacheBytes: number;
    sliceMs: number;
    poolSize: number;
    poolMaxQueue: number;
    workers: number;
    maxHeavy: number;
    maxPendingBytes: number;
    writeTimeoutMs: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
  }>();
  return {
    host: o.host,
    port: o.port,
    limits: {
      maxCount: o.maxCount,
      maxAccountsPerClient: o.maxAccountsPerClient,
      maxTotalAccounts: o.maxTotalAccounts,
      maxResponseBytes: o.maxResponseBytes,
      maxPageSize: o.maxPageSize,
    },
    readMaxBytes: o.readMaxBytes,
    writeMaxBytes: o.writeMaxBytes,
    maxTimeoutMs: o.maxTimeoutMs,
    shutdownTimeoutMs: o.shutdownTimeoutMs,
    strategy: o.strategy,
    source: o.source,
    sourceCacheBytes: o.sourceCacheBytes,
    sliceMs: o.sliceMs,
    poolSize:
      program.getOptionValueSource("poolSize") === "default"
        ? defaultPoolSize(o.workers)
        : o.poolSize,
    poolMaxQueue: o.poolMaxQueue,
    workers: o.workers,
    maxHeavy: o.maxHeavy,
    maxPendingBytes: o.maxPendingBytes,
    writeTimeoutMs: o.writeTimeoutMs,
    headersTimeoutMs: o.headersTimeoutMs,
    // Node requires requestTimeout >= headersTimeout.
    requestTimeoutMs: Math.max(o.requestTimeoutMs, o.headersTimeoutMs),
  };
}

/**
 * The longest delay setTimeout honours (2^31 - 1 ms; Node fires a longer one
 * at once), less the 5 s the cluster primary adds to the shutdown bound.
 */
const maxTimerMs = 2 ** 31 - 1 - 5_000;

/** An integer option with an environment fallback and bounds. */
function int(
  flags: string,
  description: string,
  env: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): Option {
  return new Option(flags, description)
    .env(env)
    .default(fallback)
    .argParser((value: string) => {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < min || n > max) {
        throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
      }
      return n;
    });
}
