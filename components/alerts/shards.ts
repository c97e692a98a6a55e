// Which alerts each scrape shard evaluates (components/prometheus/render-config.ts, `shard`). Shard 0 scrapes
// the stack's own and the control plane's jobs whole and evaluates the whole catalog. The other shards scrape
// only their share of the growing jobs: an alert that fires where its series are absent would fire there for
// ever, so they leave those out; every other alert finds no series of a job the shard does not scrape.
// They leave out the Watchdog too: the heartbeat must stop when shard 0 stops, and Alertmanager would keep it
// going on another shard's Watchdog. Shard 0 sees the other shards die through their sidecars (TargetDown on
// thanos-sidecar, ThanosSidecarPrometheusDown), which it scrapes.
import { parsePromql } from "./promql";
import { WATCHDOG } from "./settings";
import type { AlertDefinition } from "./types";

/** Functions whose result is a series exactly where the selected series are missing. */
export const FIRES_ON_ABSENCE: readonly string[] = ["absent", "absent_over_time"];

/** Whether an alert fires when its selectors find nothing (absent(), absent_over_time()). */
export function firesOnAbsence(expr: string): boolean {
  return parsePromql(expr).functions.some((fn) => FIRES_ON_ABSENCE.includes(fn));
}

/** The alerts shards 1 to n-1 evaluate: all but the Watchdog and those that fire on absence (shard 0 evaluates them). */
export function alertsBeyondFirstShard<T extends Pick<AlertDefinition, "name" | "expr">>(alerts: readonly T[]): T[] {
  return alerts.filter((alert) => alert.name !== WATCHDOG && !firesOnAbsence(alert.expr));
}
