/**
 * The kustomization.yaml files: the base (the four objects and the image
 * name to replace), one overlay per strategy (STRATEGY in the pod's env, a
 * label to tell the pods apart), and the load test's (the TestRun, its
 * script and proto as ConfigMaps).
 */
import { appName, imageName, imageTag, loadTest } from "./deploy-settings.ts";

export interface Kustomization {
  apiVersion: "kustomize.config.k8s.io/v1beta1";
  kind: "Kustomization";
  [field: string]: unknown;
}

export function baseKustomization(files: string[]): Kustomization {
  return {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: files,
    // `kustomize edit set image loopstall=<registry>/loopstall:<tag>` in an overlay points at your image.
    images: [{ name: imageName, newTag: imageTag }],
  };
}

export function overlayKustomization(strategy: string): Kustomization {
  return {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: ["../../base"],
    labels: [
      {
        pairs: { "loopstall.dev/strategy": strategy },
        // Selectors stay the base's, so switching overlays updates the same Deployment.
        includeSelectors: false,
        includeTemplates: true,
      },
    ],
    patches: [
      {
        target: { kind: "Deployment", name: appName },
        // A strategic merge: env entries merge by name, so only STRATEGY changes.
        patch: [
          "apiVersion: apps/v1",
          "kind: Deployment",
          "metadata:",
          `  name: ${appName}`,
          "spec:",
          "  template:",
          "    spec:",
          "      containers:",
          `        - name: ${appName}`,
          "          env:",
          "            - name: STRATEGY",
          `              value: ${strategy}`,
          "",
        ].join("\n"),
      },
    ],
  };
}

export function loadTestKustomization(): Kustomization {
  return {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: ["testrun.yaml"],
    configMapGenerator: [
      { name: loadTest.scriptConfigMap, files: [loadTest.scriptFile] },
      { name: `${loadTest.scriptConfigMap}-proto`, files: ["bank.proto"] },
    ],
    // The TestRun names its ConfigMaps; kustomize cannot rewrite names inside a custom resource.
    generatorOptions: { disableNameSuffixHash: true },
  };
}
