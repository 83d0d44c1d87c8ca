/**
 * deploy/kubernetes offline: the committed YAML is what the sources render,
 * every object (base, each `kustomize build` overlay, the load test) passes
 * its Kubernetes schema or the k6-operator CRD, the server accepts the pods'
 * environment, and the Dockerfile's HEALTHCHECK answers as Docker runs it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { strategies } from "../../../src/contract/wire.ts";
import { type ServerProcess, startServerProcess } from "../../../src/launcher/server-process.ts";
import { parseServerArgs } from "../../../src/server/server-cli.ts";
import { deployment, service } from "./base-objects.ts";
import {
  liveness,
  loadTest,
  overlayStrategies,
  preStopDelayS,
  shutdownTimeoutMs,
  terminationGracePeriodS,
} from "./deploy-settings.ts";
import { findGoTool } from "./go-tools.ts";
import { testRunValidator, validateObject, yamlDocuments } from "./kubernetes-schemas.ts";
import { deployRoot, renderFiles, repoRoot } from "./render.ts";

const run = promisify(execFile);
const root = fileURLToPath(deployRoot);
const read = (path: string) => readFileSync(join(root, path), "utf8");

type Obj = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

const kustomize = findGoTool("kustomize", ["version"]);
if (kustomize === undefined) {
  console.error(
    "\n!!! kustomize not found: the overlay checks are SKIPPED. Run `bash scripts/install-kustomize.sh` (CI does).\n",
  );
}

async function build(dir: string): Promise<Obj[]> {
  if (kustomize === undefined) {
    throw new Error("kustomize missing");
  }
  const { stdout } = await run(kustomize, ["build", join(root, dir)], { maxBuffer: 64 << 20 });
  return yamlDocuments(stdout) as Obj[];
}

function container(d: Obj) {
  const spec = d.spec as {
    template: { spec: { containers: { env: { name: string; value: string }[] }[] } };
  };
  const [c] = spec.template.spec.containers;
  assert.ok(c);
  return c;
}

describe("deploy/kubernetes: generated files", () => {
  it("are committed exactly as the sources render them (npm run check:deploy)", async () => {
    for (const [path, content] of await renderFiles()) {
      assert.equal(read(path), content, `deploy/kubernetes/${path}: run npm run generate:deploy`);
    }
  });

  it("check:deploy fails on a changed, a missing and a stale file, and generate:deploy fixes them", async () => {
    const copy = await mkdtemp(join(tmpdir(), "loopstall-deploy-"));
    try {
      await cp(root, copy, { recursive: true });
      await writeFile(join(copy, "base/service.yaml"), "# edited by hand\n");
      await rm(join(copy, "overlays/offload/kustomization.yaml"));
      await writeFile(join(copy, "overlays/old.yaml"), "kind: Old\n");
      const cli = [join(root, "src/render-cli.ts"), "--dir", copy];
      const failed = await run(process.execPath, ["--import", "tsx", ...cli, "--check"]).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(failed?.code, 1);
      assert.match(failed?.stderr ?? "", /differs: deploy\/kubernetes\/base\/service\.yaml/);
      assert.match(
        failed?.stderr ?? "",
        /missing: deploy\/kubernetes\/overlays\/offload\/kustomization\.yaml/,
      );
      assert.match(failed?.stderr ?? "", /stale: deploy\/kubernetes\/overlays\/old\.yaml/);
      await run(process.execPath, ["--import", "tsx", ...cli]);
      const { stdout } = await run(process.execPath, ["--import", "tsx", ...cli, "--check"]);
      assert.match(stdout, /check:deploy: 13 generated files match/);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it("every base object passes its Kubernetes schema, as committed YAML", () => {
    const kinds: string[] = [];
    for (const file of ["deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml"]) {
      for (const doc of yamlDocuments(read(`base/${file}`))) {
        validateObject(doc);
        kinds.push((doc as Obj).kind);
      }
    }
    assert.deepEqual(kinds, [
      "Deployment",
      "Service",
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
    ]);
  });

  it("the schemas catch a wrong object", () => {
    const bad = yamlDocuments(read("base/deployment.yaml"))[0] as Obj;
    (bad.spec as { minReadySeconds: unknown }).minReadySeconds = "5";
    assert.throws(
      () => validateObject(bad),
      /Deployment loopstall: .*minReadySeconds must be integer/,
    );
    assert.throws(
      () => validateObject({ apiVersion: "v1", kind: "Pod" }),
      /no schema for this kind/,
    );
  });
});

describe("deploy/kubernetes: the Deployment and Service", () => {
  const d = deployment().toJSON() as Obj;
  const c = container(d) as ReturnType<typeof container> & Record<string, unknown>;
  const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));

  it("runs one process per pod, reachable from outside the pod, and the server accepts its env", () => {
    assert.equal(env.WORKERS, "1");
    const saved = { ...process.env };
    try {
      Object.assign(process.env, env);
      const config = parseServerArgs([]);
      assert.equal(config.workers, 1);
      assert.equal(config.host, "0.0.0.0");
      assert.equal(config.port, 8080);
      assert.equal(config.poolSize, 1);
      assert.equal(config.shutdownTimeoutMs, shutdownTimeoutMs);
    } finally {
      process.env = saved;
    }
  });

  it("gives SIGKILL time for the preStop delay and the whole drain", () => {
    const spec = (d.spec as { template: { spec: { terminationGracePeriodSeconds: number } } })
      .template.spec;
    assert.equal(spec.terminationGracePeriodSeconds, terminationGracePeriodS);
    assert.ok(terminationGracePeriodS > preStopDelayS + shutdownTimeoutMs / 1000);
    assert.deepEqual(c.lifecycle, {
      preStop: { exec: { command: ["sleep", String(preStopDelayS)] } },
    });
  });

  it("probes: startup and readiness, and a native gRPC liveness probe loopstall plan judges", () => {
    assert.deepEqual(c.livenessProbe, { grpc: { port: 8080 }, ...liveness });
    assert.deepEqual((c.readinessProbe as { grpc: unknown }).grpc, { port: 8080 });
    assert.equal(
      (c.startupProbe as { httpGet: { path: string } }).httpGet.path,
      "/.well-known/live",
    );
    const resources = c.resources as { requests: object; limits: object };
    assert.ok(resources.requests && resources.limits);
    const annotations = (d.spec as { template: { metadata: { annotations: object } } }).template
      .metadata.annotations;
    assert.deepEqual(annotations, {
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "8080",
      "prometheus.io/path": "/metrics",
    });
  });

  it("the Service speaks h2c to the pods' named port", () => {
    const s = service().toJSON() as Obj;
    const [p] = (s.spec as { ports: { appProtocol: string; targetPort: string }[] }).ports;
    assert.equal(p?.appProtocol, "kubernetes.io/h2c");
    assert.equal(p?.targetPort, "http");
  });
});

describe("deploy/kubernetes: overlays (kustomize build)", { skip: kustomize === undefined }, () => {
  it("has one per strategy, fast included", () => {
    for (const s of [...strategies, "fast"]) {
      assert.ok(overlayStrategies.includes(s), s);
    }
  });

  for (const strategy of overlayStrategies) {
    it(`${strategy}: every object passes its schema and the pods run STRATEGY=${strategy}`, async () => {
      const objects = await build(`overlays/${strategy}`);
      assert.deepEqual(objects.map((o) => o.kind).sort(), [
        "Deployment",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Service",
      ]);
      for (const o of objects) {
        validateObject(o);
        assert.equal(o.metadata.labels?.["loopstall.dev/strategy"], strategy);
      }
      const d = objects.find((o) => o.kind === "Deployment");
      assert.ok(d);
      const env = container(d).env;
      assert.deepEqual(
        env.filter((e) => e.name === "STRATEGY"),
        [{ name: "STRATEGY", value: strategy }],
      );
      // Only STRATEGY changed: the rest of the env is the base's.
      assert.equal(env.length, container(deployment().toJSON() as Obj).env.length);
    });
  }
});

describe("deploy/kubernetes: the k6-operator TestRun", () => {
  const testRun = yamlDocuments(read("loadtest/testrun.yaml"))[0] as Obj;

  it("passes the vendored CRD's schema, and the schema refuses unknown or mistyped fields", () => {
    validateObject(testRun);
    const typo = structuredClone(testRun);
    (typo.spec as Record<string, unknown>).paralelism = 4;
    assert.throws(() => validateObject(typo), /\/spec has unknown field "paralelism"/);
    const mistyped = structuredClone(testRun);
    (mistyped.spec as Record<string, unknown>).parallelism = "4";
    assert.throws(() => validateObject(mistyped), /\/spec\/parallelism must be integer/);
    const noScript = structuredClone(testRun);
    delete (noScript.spec as Record<string, unknown>).script;
    assert.equal(testRunValidator()(noScript), false);
  });

  it("runs concurrency.ts on N runners against the Service, results on stdout", () => {
    const spec = testRun.spec as {
      parallelism: number;
      script: { configMap: { name: string; file: string } };
      runner: { env: { name: string; value: string }[] };
    };
    assert.equal(spec.parallelism, loadTest.parallelism);
    assert.deepEqual(spec.script.configMap, {
      name: loadTest.scriptConfigMap,
      file: loadTest.scriptFile,
    });
    const env = Object.fromEntries(spec.runner.env.map((e) => [e.name, e.value]));
    assert.equal(env.BASE_URL, "http://loopstall:8080");
    assert.equal(env.RESULT_OUT, "-");
  });

  it("ships the bundled script: one file, no relative imports, only k6's modules", () => {
    const script = read(`loadtest/${loadTest.scriptFile}`);
    const imports = [...script.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    assert.deepEqual(imports.sort(), ["k6", "k6/http", "k6/metrics", "k6/net/grpc"]);
    assert.match(script, /^export \{[^}]*\bhandleSummary\b[^}]*\};$/m);
    assert.equal(
      read("loadtest/bank.proto").split("\n").slice(1).join("\n"),
      readFileSync(new URL("proto/bank/v1/bank.proto", repoRoot), "utf8"),
    );
  });

  it("kustomize build gives the TestRun and its ConfigMaps, all valid", {
    skip: kustomize === undefined,
  }, async () => {
    const objects = await build("loadtest");
    for (const o of objects) {
      validateObject(o);
    }
    const script = objects.find((o) => o.metadata.name === loadTest.scriptConfigMap);
    assert.equal(script?.data?.[loadTest.scriptFile], read(`loadtest/${loadTest.scriptFile}`));
    assert.ok(objects.find((o) => o.metadata.name === `${loadTest.scriptConfigMap}-proto`));
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(new URL("Dockerfile", repoRoot), "utf8");

  it("builds with npm ci and runs compiled JS as a non-root user, node as PID 1", () => {
    assert.equal(dockerfile.match(/^FROM /gm)?.length, 2);
    assert.match(dockerfile, /^RUN npm ci --no-audit --no-fund$/m);
    assert.match(dockerfile, /^RUN npm ci --omit=dev --ignore-scripts/m);
    assert.match(dockerfile, /^USER 1000:1000$/m);
    assert.match(dockerfile, /^CMD \["node", "dist\/server\/main\.js"\]$/m);
  });

  describe("its HEALTHCHECK, run as Docker runs it", () => {
    let server: ServerProcess;
    const cmd = JSON.parse(
      /^\s+CMD (\[.*\])$/m.exec(dockerfile.slice(dockerfile.indexOf("HEALTHCHECK")))?.[1] ?? "[]",
    ) as string[];
    before(async () => {
      server = await startServerProcess();
    });
    after(() => server.stop());

    it("exits 0 when /.well-known/live answers, 1 when nothing listens", async () => {
      assert.equal(cmd[0], "node");
      const port = new URL(server.baseUrl).port;
      await run(process.execPath, cmd.slice(1), { env: { PORT: port } });
      const closed = await run(process.execPath, cmd.slice(1), { env: { PORT: "1" } }).then(
        () => 0,
        (e: { code: number }) => e.code,
      );
      assert.equal(closed, 1);
    });
  });
});
