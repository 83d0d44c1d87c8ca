/**
 * Offline validation of rendered manifests: each object against its
 * Kubernetes schema (kubernetes-models, Kubernetes 1.27's OpenAPI) or, for
 * the TestRun, against the vendored k6-operator CRD's openAPIV3Schema (ajv).
 * Used by the tests; throws an Error naming the object and the first problem.
 */
import { readFileSync } from "node:fs";
import { Ajv, type AnySchema, type ValidateFunction } from "ajv";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { parse } from "yaml";

type Validator = (object: Record<string, unknown>) => void;

function model(ctor: new (data: never) => { validate(): void }): Validator {
  return (object) => {
    const { apiVersion: _a, kind: _k, ...data } = object;
    new ctor(data as never).validate();
  };
}

/** The kinds the manifests use, by `apiVersion/kind`. */
const validators: Record<string, Validator> = {
  "apps/v1/Deployment": model(Deployment),
  "v1/Service": model(Service),
  "autoscaling/v2/HorizontalPodAutoscaler": model(HorizontalPodAutoscaler),
  "policy/v1/PodDisruptionBudget": model(PodDisruptionBudget),
  "v1/ConfigMap": model(ConfigMap),
  "k6.io/v1alpha1/TestRun": (object) => {
    const validate = testRunValidator();
    if (!validate(object)) {
      const [e] = validate.errors ?? [];
      const extra = (e?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      const what =
        extra === undefined ? (e?.message ?? "is invalid") : `has unknown field "${extra}"`;
      throw new Error(`${e?.instancePath || "/"} ${what}`);
    }
  },
};

let compiled: ValidateFunction | undefined;

/**
 * The TestRun CRD's schema, made strict the way the API server's field
 * validation is (`kubectl apply` fails on unknown fields): every object
 * schema that lists its properties refuses others, unless it says
 * x-kubernetes-preserve-unknown-fields.
 */
export function testRunValidator(): ValidateFunction {
  if (compiled === undefined) {
    const crd = parse(
      readFileSync(new URL("../vendor/k6-operator/k6.io_testruns.yaml", import.meta.url), "utf8"),
    ) as { spec: { versions: { name: string; schema: { openAPIV3Schema: unknown } }[] } };
    const version = crd.spec.versions.find((v) => v.name === "v1alpha1");
    if (version === undefined) {
      throw new Error("the vendored CRD has no v1alpha1 version");
    }
    const schema = strict(structuredClone(version.schema.openAPIV3Schema));
    // The CRD's `metadata: {type: object}` stands for ObjectMeta; check the part we use.
    const root = schema as { properties: Record<string, unknown> };
    root.properties.metadata = {
      type: "object",
      required: ["name"],
      properties: { name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" } },
    };
    // Kubernetes' own keywords (x-kubernetes-*) and formats (int32, int-or-string) are not JSON Schema's.
    compiled = new Ajv({ strict: false, validateFormats: false, allErrors: false }).compile(
      schema as AnySchema,
    );
  }
  return compiled;
}

function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    return schema.map(strict);
  }
  if (typeof schema !== "object" || schema === null) {
    return schema;
  }
  const s = schema as Record<string, unknown>;
  for (const [key, value] of Object.entries(s)) {
    s[key] = key === "properties" ? mapValues(value, strict) : strict(value);
  }
  if (
    s.type === "object" &&
    typeof s.properties === "object" &&
    s["x-kubernetes-preserve-unknown-fields"] !== true &&
    s.additionalProperties === undefined
  ) {
    s.additionalProperties = false;
  }
  return s;
}

function mapValues(value: unknown, f: (v: unknown) => unknown): unknown {
  if (typeof value !== "object" || value === null) {
    return value;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, f(v)]));
}

/** Validates one object; throws naming it (`Deployment loopstall: …`). */
export function validateObject(object: unknown): void {
  if (typeof object !== "object" || object === null) {
    throw new Error(`not an object: ${JSON.stringify(object)}`);
  }
  const o = object as Record<string, unknown>;
  const key = `${String(o.apiVersion)}/${String(o.kind)}`;
  const name = (o.metadata as { name?: unknown } | undefined)?.name;
  const validator = validators[key];
  if (validator === undefined) {
    throw new Error(`${key} ${String(name)}: no schema for this kind`);
  }
  try {
    validator(o);
  } catch (error) {
    throw new Error(
      `${String(o.kind)} ${String(name)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Every document of a multi-document YAML text, empty ones left out. */
export function yamlDocuments(text: string): unknown[] {
  return text
    .split(/^---$/m)
    .map((doc) => parse(doc) as unknown)
    .filter((doc) => doc !== null && doc !== undefined);
}
