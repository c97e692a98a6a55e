// What a stack may change of each catalog alert: whether it runs, its threshold, its `for` and its severity.
// The catalog applies these once (catalog.ts), so the rule, the dashboards' threshold lines and the clouds'
// copies all carry the change; the stack's config schema (stacks/schema/alerts.ts) validates them by key.
import { durationSeconds, formatDuration } from "../units";
import { failureWindows } from "./rules/selectors";
import type { Severity } from "./types";

/** The severities a stack may give an alert (`none` is the Watchdog heartbeat's alone). */
export const SettableSeverity = { critical: "critical", warning: "warning", info: "info" } as const;
export type SettableSeverity = (typeof SettableSeverity)[keyof typeof SettableSeverity];

/** One alert's settings; each unset keeps the catalog's choice. */
export interface AlertSettings {
  /** false removes the alert everywhere (rules, dashboards, clouds). Default true. */
  enabled?: boolean;
  /** Its threshold in the expression's unit (thresholds.ts lists which alerts have one, with their bounds). */
  threshold?: number;
  /** How long the condition must hold before it fires, a Prometheus duration up to MAX_ALERT_FOR. */
  for?: string;
  /** How urgently a human must act; routes follow it (critical pages). */
  severity?: SettableSeverity;
}

/** Settings by alert name; an alert not listed runs as the catalog defines it. */
export type AlertOverrides = Record<string, AlertSettings | undefined>;

/**
 * The longest `for` an alert may have: a condition held longer than an hour before anyone hears of it is an
 * outage nobody was told about; slow problems belong to an SLO's slow-burn alert.
 */
export const MAX_ALERT_FOR = "1h";

/**
 * Alerts whose `for` must stay shorter than MAX_ALERT_FOR, and why: a "more than N failures in W" alert holds
 * only while its window still holds the failures, so a `for` past half the window would never let it fire.
 */
export const forLimits: Record<string, { max: string; why: string }> = Object.fromEntries(
  Object.entries(failureWindows).map(([name, window]) => [name, { max: formatDuration(durationSeconds(window) / 2), why: `failures count only while the ${window} window holds them` }]),
);

/** The Watchdog is the heartbeat: always firing, severity none; it may only be switched off. */
export const WATCHDOG = "Watchdog";

export type { Severity };
