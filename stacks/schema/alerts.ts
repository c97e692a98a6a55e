// `alerts`: each catalog alert's settings (components/alerts/settings.ts): enabled, threshold, for, severity.
// Derived from the catalog and its thresholds table, so an alert or threshold added there is configurable,
// validated and documented without touching this file.
import { z } from "zod";
import { alertCatalog } from "../../components/alerts/catalog";
import { forLimits, MAX_ALERT_FOR, SettableSeverity, WATCHDOG } from "../../components/alerts/settings";
import { defaultThresholds, ThresholdName, ThresholdSpec, thresholdTable, ThresholdUnit } from "../../components/alerts/thresholds";
import { duration, withCrossChecks } from "./primitives";

const byUnit: Record<ThresholdUnit, z.ZodNumber> = {
  ratio: z.number().min(0, "must be a ratio from 0 to 1").max(1, "must be a ratio from 0 to 1"),
  // Latency thresholds: a millisecond to an hour (beyond either, a p95 alert says nothing an SRE acts on).
  seconds: z.number().min(0.001, "must be at least 0.001 seconds").max(3600, "must be at most 3600 seconds"),
  count: z.number().int("must be a whole number").min(0, "must be 0 or more"),
  // Certificate lifetimes left: from about a quarter of an hour to a year.
  days: z.number().min(0.01, "must be at least 0.01 days").max(365, "must be at most 365 days"),
};

/** The unit's validator, narrowed to the threshold's own bounds where it has them. */
function thresholdSchema(spec: ThresholdSpec): z.ZodNumber {
  let schema = byUnit[spec.unit];
  if (spec.min !== undefined) schema = schema.min(spec.min, `must be at least ${spec.min}: ${spec.bounds}`);
  if (spec.max !== undefined) schema = schema.max(spec.max, `must be at most ${spec.max}: ${spec.bounds}`);
  return schema;
}

const hasThreshold = (name: string): name is ThresholdName => Object.hasOwn(thresholdTable, name);

/** One alert's settings: a threshold only where the alert has one, and the Watchdog may only be switched off. */
function alertSettingsSchema(name: string, severity: string, forDefault: string) {
  const enabled = z.boolean().optional().describe("false removes the alert from the rules, the dashboards and the clouds. Default true.");
  if (name === WATCHDOG) return z.strictObject({ enabled }).optional().describe("The heartbeat: only `enabled` (it must stay on while notifications.heartbeat is enabled).");
  const spec: ThresholdSpec | undefined = hasThreshold(name) ? thresholdTable[name] : undefined;
  return z.strictObject({
    enabled,
    ...(spec ? { threshold: thresholdSchema(spec).optional().describe(`${spec.doc} Default ${spec.default}.`) } : {}),
    for: duration("for", "0s", forLimits[name]?.max ?? MAX_ALERT_FOR, undefined, forLimits[name]?.why ?? "longer hides a problem for over an hour; slow problems belong to an SLO's slow burn")
      .optional().describe(`How long the condition holds before it fires. Default ${forDefault}.`),
    severity: z.enum(Object.values(SettableSeverity), "must be one of critical, warning, info").optional().describe(`critical pages; warning and info go to chat. Default ${severity}.`),
  }).optional();
}

const alertFields = Object.fromEntries(alertCatalog.map((alert) => [alert.name, alertSettingsSchema(alert.name, alert.severity, alert.for)]));

/** Each catalog alert's settings; an alert not listed runs as the catalog defines it. */
export const alertsSchema = withCrossChecks(z.strictObject(alertFields), {
  // CriticalCPUUsage inhibits HighCPUUsage; a critical threshold at or below the warning one would hide the warning.
  reads: [["CriticalCPUUsage", "threshold"], ["HighCPUUsage", "threshold"]],
  check: (alerts, report) => {
    const setting = (name: ThresholdName) => (alerts[name] as { threshold?: number } | undefined)?.threshold ?? defaultThresholds[name];
    const [critical, high] = [setting("CriticalCPUUsage"), setting("HighCPUUsage")];
    if (critical <= high) report(["CriticalCPUUsage", "threshold"], `(${critical}) must be above alerts.HighCPUUsage.threshold (${high})`);
  },
});
export type AlertsSpec = z.infer<typeof alertsSchema>;
