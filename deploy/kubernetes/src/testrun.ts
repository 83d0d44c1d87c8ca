/**
 * The k6-operator TestRun (k6.io/v1alpha1) that runs loadtest/concurrency.ts
 * on `parallelism` runner pods against the Service. The operator gives each
 * runner an execution segment, so the VU counts below are the whole run's;
 * each runner prints its own result (RESULT_OUT=-) and `loopstall k6-merge`
 * adds them up. Validated against the operator's CRD (../vendor/k6-operator).
 */
import { minK6Version } from "../../../src/contract/run-limits.ts";
import { loadTest } from "./deploy-settings.ts";

/** Where the runners find bank/v1/bank.proto (FORMAT=grpc loads it). */
const protoDir = "/proto";

export function testRun(): Record<string, unknown> {
  const env: Record<string, string> = {
    BASE_URL: loadTest.baseUrl,
    GRPC_ADDR: loadTest.grpcAddr,
    FORMAT: "connect-proto",
    // Sent as the loopstall-strategy header, so it wins over the overlay's default.
    STRATEGY: "offload",
    // The whole run's VUs, split across the runners: 2 probe VUs and 1 heavy VU each.
    PROBE_VUS: String(2 * loadTest.parallelism),
    HEAVY_VUS: String(loadTest.parallelism),
    BASELINE_SECONDS: "10",
    HEAVY_SECONDS: "30",
    COOLDOWN_SECONDS: "10",
    // The result on stdout, so it outlives the pod in `kubectl logs`.
    RESULT_OUT: "-",
    TIMELINE_OUT: "/tmp/k6-timeline.txt",
    PROTO_DIR: protoDir,
  };
  const { major, minor, patch } = minK6Version;
  return {
    apiVersion: "k6.io/v1alpha1",
    kind: "TestRun",
    metadata: { name: loadTest.name },
    spec: {
      parallelism: loadTest.parallelism,
      script: { configMap: { name: loadTest.scriptConfigMap, file: loadTest.scriptFile } },
      // No `cleanup: post`: the runner pods, and their logs, stay until the TestRun is deleted.
      runner: {
        // The oldest k6 the script supports (src/contract/run-limits.ts); any later one works.
        image: `grafana/k6:${major}.${minor}.${patch}`,
        env: Object.entries(env).map(([name, value]) => ({ name, value })),
        resources: {
          requests: { cpu: "500m", memory: "256Mi" },
          limits: { cpu: "1", memory: "1Gi" },
        },
        volumes: [
          {
            name: "proto",
            configMap: {
              name: `${loadTest.scriptConfigMap}-proto`,
              items: [{ key: "bank.proto", path: "bank/v1/bank.proto" }],
            },
          },
        ],
        volumeMounts: [{ name: "proto", mountPath: protoDir, readOnly: true }],
      },
    },
  };
}
