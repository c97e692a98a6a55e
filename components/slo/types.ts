// An SLO as typed data: an objective over a window, measured by an SLI written as good and total events in
// PromQL. compile.ts turns it into recording rules and the SRE workbook's multi-window, multi-burn-rate
// alerts, which join the alert catalog like any other alert.
import type { AlertDomain } from "../alerts/types";

/** The placeholder each SLI expression uses as its range, e.g. `rate(http_requests_total[$window])`. */
export const WINDOW_PLACEHOLDER = "$window";

/** An SLI as a ratio of events: the share of `total` that is `good`. */
export interface Sli {
  /** PromQL counting good events per second over `[$window]`, e.g. `sum(rate(x{status!~"5.."}[$window]))`. */
  good: string;
  /** PromQL counting all events per second over `[$window]`; the same shape and labels as `good`. */
  total: string;
}

export interface SloSpec {
  /** Lowercase, dash-separated name, e.g. `api-availability`: the `slo` label and the alerts' name stem. */
  name: string;
  /** What the SLO promises, in one sentence (dashboards and the alerts' description). */
  description: string;
  /** The share of events that must be good, strictly between 0 and 1 (0.999 = 99.9%). */
  objective: number;
  /** The compliance window over which the error budget is spent, a Prometheus duration (e.g. 30d). */
  window: string;
  /** The indicator: good and total events. */
  sli: Sli;
  /** The team and route of the burn alerts, and the rule file the SLO's rules go to. */
  domain: AlertDomain;
}
