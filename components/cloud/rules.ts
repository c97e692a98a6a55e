// What every cloud translation shares: the catalog's rule groups (exactly the in-cluster rule files, as
// data) and the conversions between Prometheus durations and the formats clouds take.
import { alertCatalog, AlertDefinition, RenderRulesOptions, Severity } from "../alerts";
import { formatDuration } from "../units";

export type { PrometheusRule, PrometheusRuleGroup } from "../alerts";

/** The Kubernetes service account Prometheus runs as, which a cloud identity trusts. */
export interface ServiceAccountRef {
  /** Namespace of the service account. */
  namespace: string;
  /** Name of the service account. */
  name: string;
}

/** Alerts of the catalog (or of `options.alerts`), in catalog order. */
export function catalogAlerts(options: RenderRulesOptions): readonly AlertDefinition[] {
  return options.alerts ?? alertCatalog;
}

/** ISO 8601 duration as Azure takes it: 120 → "PT2M", 90 → "PT1M30S", 0 → "PT0S" (the Prometheus form, upper-cased). */
export function isoDuration(totalSeconds: number): string {
  return `PT${formatDuration(totalSeconds).toUpperCase()}`;
}

/** The inverse of isoDuration (time part only: Azure rule durations are minutes to hours). */
export function parseIsoDuration(value: string): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(value);
  if (!match || value === "PT") throw new Error(`unsupported ISO 8601 duration "${value}"`);
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** Whether an alert should reach people: the Watchdog heartbeat (severity none) never pages from a cloud. */
export function notifies(severity: Severity): boolean {
  return severity !== "none";
}
