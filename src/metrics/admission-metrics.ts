import { Counter, Gauge, type Registry } from "prom-client";
import type { Admission } from "../http/admission.js";

/**
 * Exposes the admission control's state: heavy responses in progress and
 * the bytes they hold, and how many were admitted, shed, cut by the write
 * deadline, or dropped because their client had gone.
 */
export function registerAdmissionMetrics(registry: Registry, admission: Admission): void {
  new Gauge({
    name: "loopstall_heavy_in_progress",
    help: "Heavy responses admitted and not yet written (--max-heavy bounds it).",
    registers: [registry],
    collect() {
      this.set(admission.heavy);
    },
  });
  new Gauge({
    name: "loopstall_heavy_pending_bytes",
    help: "Estimated bytes held by admitted heavy responses (--max-pending-bytes bounds it).",
    registers: [registry],
    collect() {
      this.set(admission.pendingBytes);
    },
  });
  const counters: Array<[string, string, () => number]> = [
    ["loopstall_heavy_admitted_total", "Heavy responses admitted.", () => admission.admitted],
    ["loopstall_heavy_shed_total", "Heavy requests refused at a bound.", () => admission.shed],
    [
      "loopstall_heavy_cut_total",
      "Heavy responses cut by --write-timeout-ms.",
      () => admission.cut,
    ],
    [
      "loopstall_heavy_departed_total",
      "Heavy requests dropped, unbuilt or unencoded, because the client had gone.",
      () => admission.departed,
    ],
  ];
  for (const [name, help, read] of counters) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }
}
