/**
 * The numbers every manifest shares, in one place: names, the port, the
 * probes and the shutdown timing. The probe settings are also what
 * `loopstall plan` defaults to (--probe-period, --probe-timeout).
 */
import { strategies } from "../../../src/contract/wire.ts";
import { defaultServerConfig } from "../../../src/server/server-config.ts";

/** Name of the Deployment, Service, HPA, PDB and their `app` label. */
export const appName = "loopstall";

/** The image the Deployment runs; `kustomize edit set image loopstall=<yours>` replaces it. */
export const imageName = "loopstall";
export const imageTag = "0.1.0";

/** The one port: HTTP/1.1 and h2c (Connect, gRPC, gRPC-Web, REST, /metrics). */
export const port = 8080;

/** Seconds the preStop hook waits, so endpoints drop the pod before SIGTERM starts the drain. */
export const preStopDelayS = 5;

/** The server's drain bound (`SHUTDOWN_TIMEOUT_MS`), written into the pod's env. */
export const shutdownTimeoutMs = defaultServerConfig.shutdownTimeoutMs;

/**
 * The kubelet's SIGKILL comes this long after the pod starts terminating
 * (preStop included): the preStop delay, the whole drain bound, and a margin
 * for the process to exit, so a drain is never cut.
 */
export const terminationGracePeriodS = preStopDelayS + shutdownTimeoutMs / 1000 + 10;

/** The liveness probe: the numbers `loopstall plan` judges (period 10 s, timeout 1 s, 3 failures). */
export const liveness = { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 } as const;

/**
 * Strategies that get an overlay: every one the server knows, and `fast`
 * (added to the server by a parallel change; until it lands there the server
 * refuses STRATEGY=fast at startup with a clear message).
 */
export const overlayStrategies: readonly string[] = [...new Set<string>([...strategies, "fast"])];

/** The k6-operator TestRun: runners, and the Service they load. */
export const loadTest = {
  name: "loopstall-concurrency",
  parallelism: 4,
  scriptConfigMap: "loopstall-k6-concurrency",
  scriptFile: "concurrency.js",
  baseUrl: `http://${appName}:${port}`,
  grpcAddr: `${appName}:${port}`,
} as const;
