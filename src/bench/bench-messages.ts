/** The event-loop delay histogram's sampling interval in the bench server, in ms. */
export const delayResolutionMs = 5;

/** Messages the bench server sends its parent over IPC. */
export type BenchServerMessage =
  | { type: "ready"; url: string; pid: number }
  | { type: "report"; maxMs: number; p99Ms: number };
