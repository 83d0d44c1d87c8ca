/**
 * The base manifests as kubernetes-models objects: the Deployment (one
 * process per pod), its Service (h2c), a HorizontalPodAutoscaler and a
 * PodDisruptionBudget. render.ts writes them to ../base/*.yaml.
 */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Service } from "kubernetes-models/v1/Service";
import {
  appName,
  imageName,
  imageTag,
  liveness,
  port,
  preStopDelayS,
  shutdownTimeoutMs,
  terminationGracePeriodS,
} from "./deploy-settings.ts";

const labels = { "app.kubernetes.io/name": appName };

export function deployment(): Deployment {
  return new Deployment({
    metadata: { name: appName, labels },
    spec: {
      // No replicas: the HPA owns the count (re-applying would reset it); it starts at minReplicas.
      selector: { matchLabels: labels },
      // Surge first, so a rollout never has fewer serving pods than replicas.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels,
          annotations: {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": String(port),
            "prometheus.io/path": "/metrics",
          },
        },
        spec: {
          terminationGracePeriodSeconds: terminationGracePeriodS,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: appName,
              image: `${imageName}:${imageTag}`,
              ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
              env: [
                { name: "HOST", value: "0.0.0.0" },
                { name: "PORT", value: String(port) },
                // One event loop per pod: Kubernetes balances pods, node:cluster
                // would only balance connections inside one (deploy/kubernetes/README.md).
                { name: "WORKERS", value: "1" },
                { name: "STRATEGY", value: "inline" },
                // The offload pool: one thread beside the event loop (the cpu limit is 2).
                { name: "POOL_SIZE", value: "1" },
                { name: "SHUTDOWN_TIMEOUT_MS", value: String(shutdownTimeoutMs) },
              ],
              resources: {
                // One core for the event loop; the limit leaves the offload thread a second.
                requests: { cpu: "1", memory: "512Mi" },
                // The fault suite's abandoned flood peaks under 1.5 GiB per process.
                limits: { cpu: "2", memory: "1536Mi" },
              },
              // The first answer of the cheap probe: up to 60 s to start.
              startupProbe: {
                httpGet: { path: "/.well-known/live", port },
                periodSeconds: 2,
                timeoutSeconds: 1,
                failureThreshold: 30,
              },
              // The kubelet's native gRPC probe: grpc.health.v1.Health/Check over h2c.
              // On an event loop blocked by inline serialization it times out, and
              // after failureThreshold periods the kubelet restarts the container:
              // the seed's failure (`loopstall plan` predicts it).
              livenessProbe: { grpc: { port }, ...liveness },
              // Health says NOT_SERVING once the drain starts, and endpoints drop the pod.
              readinessProbe: {
                grpc: { port },
                periodSeconds: 5,
                timeoutSeconds: 1,
                failureThreshold: 2,
              },
              lifecycle: {
                // Endpoints and load balancers stop sending new connections before
                // SIGTERM; then the server drains for up to SHUTDOWN_TIMEOUT_MS.
                preStop: { exec: { command: ["sleep", String(preStopDelayS)] } },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
        },
      },
    },
  });
}

export function service(): Service {
  return new Service({
    metadata: { name: appName, labels },
    spec: {
      selector: labels,
      ports: [
        {
          name: "http",
          port,
          targetPort: "http",
          protocol: "TCP",
          // HTTP/2 without TLS, so gateways and meshes speak h2c (gRPC) to the pods.
          appProtocol: "kubernetes.io/h2c",
        },
      ],
    },
  });
}

export function horizontalPodAutoscaler(): HorizontalPodAutoscaler {
  return new HorizontalPodAutoscaler({
    metadata: { name: appName, labels },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: appName },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        {
          type: "Resource",
          // Of the 1-core request: one busy event loop is 100%.
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } },
        },
      ],
    },
  });
}

export function podDisruptionBudget(): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: appName, labels },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  });
}

/** Every base object, in the order kustomization.yaml lists their files. */
export function baseObjects(): { file: string; object: { toJSON(): unknown; validate(): void } }[] {
  return [
    { file: "deployment.yaml", object: deployment() },
    { file: "service.yaml", object: service() },
    { file: "hpa.yaml", object: horizontalPodAutoscaler() },
    { file: "pdb.yaml", object: podDisruptionBudget() },
  ];
}
