/**
 * The parts of summary.json that say how far a measurement can be trusted:
 * where each repeat's probe and heavy calls landed, what a kubelet would
 * have done, the discarded warm-up and whether server and load generator
 * ran on separate cores. Spread into summary-schema.ts; every field is
 * optional (absent: not recorded), so summaries written before them, or by
 * other engines, still validate.
 */
import * as v from "valibot";

const maxStringLength = 1_000;
const maxWorkers = 1_024;
const text = v.pipe(v.string(), v.maxLength(maxStringLength));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const positiveCount = v.pipe(v.number(), v.integer(), v.minValue(1));
const finite = v.pipe(v.number(), v.finite());
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
const stat = v.pipe(
  v.object({ median: finite, min: finite, max: finite }),
  v.check((s) => s.min <= s.median && s.median <= s.max, "must have min <= median <= max"),
);

const perWorker = v.pipe(
  v.record(text, count),
  v.check((r) => Object.keys(r).length <= maxWorkers, `must have at most ${maxWorkers} keys`),
);

const placementSchema = v.pipe(
  v.object({
    probe: v.pipe(perWorker, v.description("probe calls answered per x-worker pid")),
    heavy: v.pipe(perWorker, v.description("heavy calls answered per x-worker pid")),
  }),
  v.description("where one repeat's calls landed"),
);

const kubeletProbeSettingsSchema = v.object({
  periodS: positiveCount,
  timeoutS: positiveCount,
  failureThreshold: positiveCount,
  successThreshold: positiveCount,
});

const kubernetesCellSchema = v.pipe(
  v.object({
    liveness: v.object({
      checks: v.pipe(count, v.description("checks per repeat (the most)")),
      failedChecks: v.pipe(stat, v.description("failed checks per repeat")),
      restarts: v.pipe(stat, v.description("restarts the kubelet would have made per repeat")),
      repeatsRestarted: v.pipe(count, v.description("repeats with at least one restart")),
      firstRestartAtS: v.pipe(
        v.nullable(finite),
        v.description("first restart in the timeline's repeat, seconds on its axis; null: none"),
      ),
    }),
    readiness: v.object({
      checks: count,
      failedChecks: stat,
      unreadyS: v.pipe(stat, v.description("seconds out of the Service's endpoints per repeat")),
      repeatsUnready: v.pipe(count, v.description("repeats that left the endpoints")),
      firstUnreadyAtS: v.pipe(
        v.nullable(finite),
        v.description("when the timeline's repeat first left the endpoints; null: never"),
      ),
    }),
  }),
  v.description("what a kubelet would have done, simulated from the probe calls"),
);

/** Fields added to each cell. */
export const cellMeasureEntries = {
  placement: v.optional(
    v.pipe(v.array(placementSchema), v.maxLength(1_000), v.description("one entry per repeat")),
  ),
  kubernetes: v.optional(v.nullable(kubernetesCellSchema)),
};

/** Fields added to `settings`. */
export const settingsMeasureEntries = {
  kubernetes: v.optional(
    v.nullable(
      v.pipe(
        v.object({ liveness: kubeletProbeSettingsSchema, readiness: kubeletProbeSettingsSchema }),
        v.description(
          "the simulated kubelet probes (Kubernetes defaults: period 10 s, timeout 1 s, 3 failures)",
        ),
      ),
    ),
  ),
  pinning: v.optional(
    v.nullable(
      v.pipe(
        v.object({ serverCpus: text, loadgenCpus: text }),
        v.description(
          "taskset CPU lists of the server and the load generator (--pin); null: not pinned",
        ),
      ),
    ),
  ),
  placementPlan: v.optional(
    v.nullable(
      v.pipe(
        text,
        v.description("how the heavy connections were placed on workers (--workers > 1)"),
      ),
    ),
  ),
  target: v.optional(
    v.nullable(
      v.pipe(text, v.description("the server loaded (--target); null: one started per run")),
    ),
  ),
};

/** The warm-up entry of `settings.phases`. */
export const warmupEntry = {
  warmupS: v.optional(
    v.pipe(nonNegative, v.description("discarded warm-up before the baseline, seconds")),
  ),
};

/** The warm-up entry of a cell's `phases`. */
export const warmupStartEntry = {
  warmupStart: v.optional(
    v.pipe(
      finite,
      v.description("seconds (≤ 0) at which the discarded warm-up started; 0: no warm-up"),
    ),
  ),
};

export type CellPlacement = v.InferOutput<typeof placementSchema>;
export type KubernetesCell = v.InferOutput<typeof kubernetesCellSchema>;
