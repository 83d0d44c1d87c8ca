/**
 * Result shapes that the load engine, the k6 scripts and the experiment
 * summary share. Plain module: no imports, no Node or k6 APIs.
 */

/** One second of a run's timeline: completions of the probe and of heavy calls. */
export interface TimelinePoint {
  /** Seconds since the run started. */
  t: number;
  /** Unix second. */
  epoch: number;
  probe: number;
  heavy: number;
}
