// Which alerts each scrape shard evaluates (components/prometheus/render-config.ts, `shard`). Shard 0 scrapes
// the stack's own and the control plane's jobs whole and evaluates the whole catalog. The other shards scrape
// only their share of the growing jobs: an alert that fires where its series are absent would fire there for
// ever, so they leave those out; every other alert finds no series of a job the shard does not scrape.
import { parsePromql } from "./promql";
import type { AlertDefinition } from "./types";

/** Functions whose result is a series exactly where the selected series are missing. */
export const FIRES_ON_ABSENCE: readonly string[] = ["absent", "absent_over_time"];

/** Whether an alert fires when its selectors find nothing (absent(), absent_over_time()). */
export function firesOnAbsence(expr: string): boolean {
  return parsePromql(expr).functions.some((fn) => FIRES_ON_ABSENCE.includes(fn));
}

/** The alerts shards 1 to n-1 evaluate: all but those that fire on absence (shard 0 evaluates them). */
export function alertsBeyondFirstShard<T extends Pick<AlertDefinition, "expr">>(alerts: readonly T[]): T[] {
  return alerts.filter((alert) => !firesOnAbsence(alert.expr));
}
