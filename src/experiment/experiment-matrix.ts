import type { Format, Source, Strategy } from "../contract/wire.js";

/** One cell of the experiment matrix. */
export interface MatrixCell {
  format: Format;
  workers: number;
  strategy: Strategy;
  source: Source;
}

/** The axes of the matrix, and an optional filter of its cells. */
export interface MatrixAxes {
  formats: readonly Format[];
  workers: readonly number[];
  strategies: readonly Strategy[];
  sources: readonly Source[];
  /** Keeps only the cells it accepts (the quick preset's); default all. */
  cellFilter?: (cell: MatrixCell) => boolean;
}

/** The cells of the matrix, format-major, then source, workers and strategy. */
export function matrixCells(axes: MatrixAxes): MatrixCell[] {
  const cells = axes.formats.flatMap((format) =>
    axes.sources.flatMap((source) =>
      axes.workers.flatMap((workers) =>
        axes.strategies.map((strategy) => ({ format, workers, strategy, source })),
      ),
    ),
  );
  return axes.cellFilter === undefined ? cells : cells.filter(axes.cellFilter);
}

/**
 * The quick preset's cells when no axis is given on the command line: the
 * `build` source's inline, offload, stream and fast at 1 and 2 workers (what
 * the quick run covered before sources), plus the `memory` source at 1 worker with the
 * strategies that differ for it: inline (the seed's stall, with the data
 * already in memory), offload-clone, offload-replica and slice.
 */
export function quickCell(cell: MatrixCell): boolean {
  if (cell.source === "build") {
    return ["inline", "offload", "stream", "fast"].includes(cell.strategy);
  }
  return (
    cell.workers === 1 &&
    ["inline", "offload-clone", "offload-replica", "slice"].includes(cell.strategy)
  );
}

/** The heavy request that fills a `memory` cell's caches before its load starts. */
export function warmUpPath(
  cell: MatrixCell,
  shape: { count: number; accountsPerClient: number; filledStrings: number },
): string {
  // REST takes every strategy; the cache is shared by every protocol.
  return `/v1/clients?count=${shape.count}&accounts_per_client=${shape.accountsPerClient}&filled_strings=${shape.filledStrings}&strategy=${cell.strategy}&source=${cell.source}`;
}
