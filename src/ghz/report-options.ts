/**
 * The `options` object of a ghz report, with ghz's keys, order and
 * omit-if-empty rules. Pure and dependency-free: the k6 script `loadtest/ghz.ts` imports
 * these files directly, so they import only each other (with `.ts`
 * specifiers, which k6 resolves literally) and no `node:` module.
 */
import { sortKeys, sortKeysDeep } from "./go-format.ts";
import type { GhzOptionsInput } from "./report-types.ts";

/** Builds `options` with ghz's keys, order and omit-if-empty rules. */
export function buildGhzOptions(o: GhzOptionsInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const opt = (key: string, value: unknown) => {
    if (value === undefined || value === "" || value === false || value === 0) return;
    if (Array.isArray(value) && value.length === 0) return;
    out[key] = value;
  };
  const always = (key: string, value: unknown) => {
    out[key] = value;
  };
  const ns = (value: number | undefined) => Math.trunc(value ?? 0);
  opt("call", o.call);
  opt("host", o.host);
  opt("proto", o.proto);
  opt("protoset", o.protoset);
  opt("import-paths", o.importPaths);
  opt("enable-compression", o.enableCompression);
  opt("cacert", o.cacert);
  opt("cert", o.cert);
  opt("key", o.key);
  opt("cname", o.cname);
  opt("skipTLS", o.skipTLS);
  always("insecure", o.insecure ?? false);
  opt("authority", o.authority);
  opt("rps", o.rps);
  always("load-schedule", o.loadSchedule ?? "const");
  always("load-start", o.loadStart ?? 0);
  always("load-end", o.loadEnd ?? 0);
  always("load-step", o.loadStep ?? 0);
  always("load-step-duration", ns(o.loadStepDurationNs));
  always("load-max-duration", ns(o.loadMaxDurationNs));
  opt("concurrency", o.concurrency);
  always("concurrency-schedule", o.concurrencySchedule ?? "const");
  always("concurrency-start", o.concurrencyStart ?? 0);
  always("concurrency-end", o.concurrencyEnd ?? 0);
  always("concurrency-step", o.concurrencyStep ?? 1);
  always("concurrency-step-duration", ns(o.concurrencyStepDurationNs));
  always("concurrency-max-duration", ns(o.concurrencyMaxDurationNs));
  opt("total", o.total);
  opt("async", o.async);
  opt("connections", o.connections);
  opt("duration", o.durationNs && ns(o.durationNs));
  opt("timeout", o.timeoutNs && ns(o.timeoutNs));
  opt("dial-timeout", o.dialTimeoutNs && ns(o.dialTimeoutNs));
  opt("keepalive", o.keepaliveNs && ns(o.keepaliveNs));
  if (o.data !== undefined && o.data !== null) {
    out.data = sortKeysDeep(o.data);
  }
  always("binary", o.binary ?? false);
  if (o.metadata !== undefined) {
    out.metadata = sortKeys(o.metadata);
  }
  always("CPUs", o.cpus ?? 0);
  opt("name", o.name);
  opt("skipFirst", o.skipFirst);
  opt("count-errors", o.countErrors);
  return out;
}
