/**
 * What a kubelet would have done with the service during a run: its
 * liveness and readiness probes simulated from the run's own probe calls.
 * A kubelet sends one check every `periodS`, each failing if no answer came
 * within `timeoutS`; after `failureThreshold` failures in a row liveness
 * restarts the container and readiness takes the pod out of the Service's
 * endpoints, until `successThreshold` successes in a row put it back.
 *
 * A check sent at T is judged by the probe call that started first at or
 * after T (within the timeout): it would have queued behind the same stall,
 * so its answer time is that call's start − T plus its latency. No probe
 * call starting within the timeout means every probe connection was still
 * waiting for an answer: the check fails.
 */

/** One kubelet probe's settings, as in a pod spec (seconds). */
export interface KubeletProbeSettings {
  /** periodSeconds. Kubernetes default 10. */
  periodS: number;
  /** timeoutSeconds. Kubernetes default 1. */
  timeoutS: number;
  /** failureThreshold. Kubernetes default 3. */
  failureThreshold: number;
  /** successThreshold (always 1 for liveness). Kubernetes default 1. */
  successThreshold: number;
}

export interface KubeletSettings {
  liveness: KubeletProbeSettings;
  readiness: KubeletProbeSettings;
}

/** The Kubernetes defaults. */
export const kubeletDefaults: KubeletProbeSettings = {
  periodS: 10,
  timeoutS: 1,
  failureThreshold: 3,
  successThreshold: 1,
};

export const defaultKubeletSettings: KubeletSettings = {
  liveness: { ...kubeletDefaults },
  readiness: { ...kubeletDefaults },
};

/** Bounds of each setting. */
const limits = {
  periodS: [1, 3_600],
  timeoutS: [1, 3_600],
  failureThreshold: [1, 1_000],
  successThreshold: [1, 1_000],
} as const;

const keys: Record<string, keyof KubeletProbeSettings> = {
  period: "periodS",
  periodSeconds: "periodS",
  timeout: "timeoutS",
  timeoutSeconds: "timeoutS",
  failures: "failureThreshold",
  failureThreshold: "failureThreshold",
  successes: "successThreshold",
  successThreshold: "successThreshold",
};

/**
 * Parses `period=10,timeout=1,failures=3[,successes=1]` (or the pod spec's
 * names: periodSeconds, timeoutSeconds, failureThreshold, successThreshold);
 * keys left out keep the Kubernetes defaults. Throws a clear error.
 */
export function parseKubeletProbe(
  text: string,
  kind: "liveness" | "readiness",
): KubeletProbeSettings {
  const out: KubeletProbeSettings = { ...kubeletDefaults };
  for (const part of text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")) {
    const [name = "", value = ""] = part.split("=", 2).map((s) => s.trim());
    const key = keys[name];
    if (key === undefined) {
      throw new Error(
        `--${kind}: unknown setting "${name}"; use period, timeout, failures${kind === "readiness" ? ", successes" : ""}`,
      );
    }
    const n = Number(value);
    const [min, max] = limits[key];
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new Error(
        `--${kind}: ${name} must be an integer from ${min} to ${max}, got "${value}"`,
      );
    }
    out[key] = n;
  }
  if (kind === "liveness" && out.successThreshold !== 1) {
    throw new Error("--liveness: successes must be 1 (Kubernetes requires it for liveness probes)");
  }
  return out;
}

/** The probe call that started first in one slot of time. */
export interface ProbeSample {
  /** Epoch ms the call started. */
  startMs: number;
  latencyMs: number;
  ok: boolean;
}

/** Slot width: a check at any moment finds the first call after it within this much. */
const slotMs = 100;

/**
 * Keeps, per 100 ms, the probe call that started first: enough to judge a
 * check sent at any whole second, in memory bounded by the run's length.
 */
export class ProbeSampler {
  readonly #slots = new Map<number, ProbeSample>();

  add(sample: ProbeSample): void {
    const slot = Math.floor(sample.startMs / slotMs);
    const kept = this.#slots.get(slot);
    if (kept === undefined || sample.startMs < kept.startMs) {
      this.#slots.set(slot, sample);
    }
  }

  /** The first call that started at or after `ms` and before `untilMs`. */
  firstFrom(ms: number, untilMs: number): ProbeSample | undefined {
    // Checks fall on whole seconds, so `ms` is a slot's edge: the first
    // non-empty slot from there holds the first call after `ms`.
    for (let slot = Math.floor(ms / slotMs); slot * slotMs < untilMs; slot++) {
      const s = this.#slots.get(slot);
      if (s !== undefined && s.startMs >= ms && s.startMs < untilMs) {
        return s;
      }
    }
    return undefined;
  }
}

/** The verdict of one kubelet probe. */
export interface KubeletProbeVerdict {
  settings: KubeletProbeSettings;
  /** Checks judged (each one whose timeout ended within the run). */
  checks: number;
  failedChecks: number;
  /** Seconds (on the timeline's axis) of each failed check. */
  failedAtS: number[];
}

export interface LivenessVerdict extends KubeletProbeVerdict {
  /** Restarts the kubelet would have made (its failure count starts again after each). */
  restarts: number;
  /** When the first restart would have happened, seconds on the timeline's axis; null: none. */
  firstRestartAtS: number | null;
}

export interface ReadinessVerdict extends KubeletProbeVerdict {
  /** Seconds the pod would have been out of the Service's endpoints. */
  unreadyS: number;
  /** When it would first have left them, seconds on the timeline's axis; null: never. */
  firstUnreadyAtS: number | null;
}

export interface KubeletVerdict {
  liveness: LivenessVerdict;
  readiness: ReadinessVerdict;
}

/**
 * Simulates both probes over `[fromMs, toMs)` (epoch ms; the measured part
 * of the run, warm-up left out), the first check at `fromMs`. Times in the
 * verdict are seconds since `originMs`, the timeline's zero.
 */
export function simulateKubelet(
  sampler: ProbeSampler,
  settings: KubeletSettings,
  fromMs: number,
  toMs: number,
  originMs: number,
): KubeletVerdict {
  const checks = (s: KubeletProbeSettings) => {
    const results: Array<{ atMs: number; ok: boolean }> = [];
    const timeoutMs = s.timeoutS * 1000;
    for (let at = fromMs; at + timeoutMs <= toMs; at += s.periodS * 1000) {
      const first = sampler.firstFrom(at, at + timeoutMs);
      const answeredMs =
        first === undefined ? Number.POSITIVE_INFINITY : first.startMs - at + first.latencyMs;
      const ok = first?.ok === true && answeredMs <= timeoutMs;
      results.push({ atMs: at, ok });
    }
    return results;
  };
  const seconds = (ms: number) => (ms - originMs) / 1000;
  const base = (s: KubeletProbeSettings, results: Array<{ atMs: number; ok: boolean }>) => ({
    settings: { ...s },
    checks: results.length,
    failedChecks: results.filter((c) => !c.ok).length,
    failedAtS: results.filter((c) => !c.ok).map((c) => seconds(c.atMs)),
  });

  const live = checks(settings.liveness);
  let restarts = 0;
  let firstRestartAtS: number | null = null;
  let failures = 0;
  for (const c of live) {
    failures = c.ok ? 0 : failures + 1;
    if (failures >= settings.liveness.failureThreshold) {
      restarts++;
      firstRestartAtS ??= seconds(c.atMs);
      failures = 0;
    }
  }

  const ready = checks(settings.readiness);
  let isReady = true;
  let fails = 0;
  let successes = 0;
  let unreadySinceMs = 0;
  let unreadyMs = 0;
  let firstUnreadyAtS: number | null = null;
  for (const c of ready) {
    if (c.ok) {
      fails = 0;
      successes++;
      if (!isReady && successes >= settings.readiness.successThreshold) {
        isReady = true;
        unreadyMs += c.atMs - unreadySinceMs;
      }
    } else {
      successes = 0;
      fails++;
      if (isReady && fails >= settings.readiness.failureThreshold) {
        isReady = false;
        unreadySinceMs = c.atMs;
        firstUnreadyAtS ??= seconds(c.atMs);
      }
    }
  }
  if (!isReady) {
    unreadyMs += toMs - unreadySinceMs;
  }
  return {
    liveness: { ...base(settings.liveness, live), restarts, firstRestartAtS },
    readiness: { ...base(settings.readiness, ready), unreadyS: unreadyMs / 1000, firstUnreadyAtS },
  };
}

/** One line per probe, for the `load` output and the reports. */
export function describeKubelet(v: KubeletVerdict): string[] {
  const s = (p: KubeletProbeSettings) =>
    `period=${p.periodS},timeout=${p.timeoutS},failures=${p.failureThreshold}`;
  const l = v.liveness;
  const r = v.readiness;
  return [
    `kubernetes liveness (${s(l.settings)}): ${l.failedChecks} of ${l.checks} checks failed; ${
      l.restarts === 0
        ? "no restart"
        : `restarted ${l.restarts === 1 ? "once" : `${l.restarts} times`}, first at t=${l.firstRestartAtS}s`
    }`,
    `kubernetes readiness (${s(r.settings)},successes=${r.settings.successThreshold}): ${r.failedChecks} of ${r.checks} checks failed; ${
      r.firstUnreadyAtS === null
        ? "never out of the Service's endpoints"
        : `out of the Service's endpoints for ${r.unreadyS.toFixed(0)} s from t=${r.firstUnreadyAtS}s`
    }`,
  ];
}
