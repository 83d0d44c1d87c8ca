/**
 * The rows and table loadtest/formats.ts prints and writes. Plain module:
 * no k6 or Node APIs, so Node tests cover it.
 */
import type { Format, Strategy } from "../../src/contract/wire.ts";

/**
 * The strategy a heavy call of `format` actually runs with in formats.ts:
 * the requested one, except gRPC with `stream`, which formats.ts calls
 * unary (`ListClients`, inline) because k6/net/grpc streams are
 * asynchronous and the script times each call synchronously; concurrency.ts
 * does run `StreamClients`.
 */
export function formatsRunStrategy(format: Format, strategy: Strategy): Strategy {
  return format === "grpc" && strategy === "stream" ? "inline" : strategy;
}

/** One format's results. */
export interface FormatsRow {
  format: Format;
  /** The strategy the calls ran with (see {@link formatsRunStrategy}). */
  strategy: Strategy;
  calls: number;
  errors: number;
  /** Calls still in flight when the format's time was up, cut then (gracefulStop 0). */
  cut: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** A row from one format's counts and latency statistics. */
export function formatsRow(
  format: Format,
  requested: Strategy,
  counts: { started: number; ok: number; errors: number },
  latency: Record<string, number>,
  seconds: number,
): FormatsRow {
  return {
    format,
    strategy: formatsRunStrategy(format, requested),
    calls: counts.ok,
    errors: counts.errors,
    cut: Math.max(0, counts.started - counts.ok - counts.errors),
    callsPerSecond: counts.ok / Math.max(1, seconds),
    p50Ms: latency.med ?? 0,
    p99Ms: latency["p(99)"] ?? 0,
  };
}

/** The table, one line per row, each labelled with the strategy it ran. */
export function formatsTable(rows: FormatsRow[]): string {
  const header =
    `${"format".padEnd(14)} ${"strategy".padEnd(8)} ${"calls".padStart(6)} ${"errors".padStart(6)} ` +
    `${"cut".padStart(4)} ${"calls/s".padStart(8)} ${"p50 ms".padStart(9)} ${"p99 ms".padStart(9)}`;
  const lines = rows.map(
    (r) =>
      `${r.format.padEnd(14)} ${r.strategy.padEnd(8)} ${String(r.calls).padStart(6)} ` +
      `${String(r.errors).padStart(6)} ${String(r.cut).padStart(4)} ` +
      `${r.callsPerSecond.toFixed(2).padStart(8)} ${r.p50Ms.toFixed(1).padStart(9)} ` +
      `${r.p99Ms.toFixed(1).padStart(9)}`,
  );
  return `${header}\n${lines.join("\n")}\n`;
}
