// User-defined alerts: a team's own rules, given in the stack's config (`novacron:customAlerts`, validated by
// stacks/schema/custom-alerts.ts) and joined to the catalog, so they reach Prometheus, Alertmanager's routes,
// the dashboards and the clouds' rules exactly as catalog alerts do. Like every catalog alert, each brings
// promtool cases that prove it fires and stays quiet; they run with the catalog's (renderRuleTests).
import { AlertDefinition, AlertDomain, AlertTestCase } from "./types";
import { SettableSeverity } from "./settings";

/** One input series of a user alert's promtool case. */
export interface CustomAlertSeries {
  /** The series, e.g. `payments_failed_total{job="payments"}`. */
  series: string;
  /** Its samples in promtool's expanding notation, e.g. "0+10x20". */
  values: string;
}

/** A promtool case of a user alert: these series, evaluated at `evalTime`, fire the alert or not. */
export interface CustomAlertCase {
  /** What the case proves, e.g. "fires when more than 5% of payments fail for 5m". */
  description: string;
  /** The input series. */
  series: CustomAlertSeries[];
  /** When the alert is evaluated, a duration from the start of the series. */
  evalTime: string;
  /** Whether the alert is firing then. */
  fires: boolean;
  /** Labels the firing alert carries from its series (beyond its own), e.g. {job: "payments"}. */
  labels?: Record<string, string>;
}

/** A user-defined alert. */
export interface CustomAlertSpec {
  /** UpperCamelCase, unique, and not the name of a catalog alert. */
  name: string;
  /** PromQL; must parse and select only known metrics. */
  expr: string;
  /** How long the condition holds before it fires (at most MAX_ALERT_FOR). */
  for: string;
  /** critical pages; warning and info go to chat. */
  severity: SettableSeverity;
  /** The team and route (and rule file) the alert belongs to. */
  domain: AlertDomain;
  /** One line for the notification's title; may use {{ $labels.<name> }}. */
  summary: string;
  /** What is wrong and what to do first; may use {{ $labels.<name> }}. */
  description: string;
  /** Extra labels (never alertname, severity or domain), e.g. {team: "payments"} for a team route. */
  labels?: Record<string, string>;
  /** The runbook's address; unset links `<runbookBaseUrl>/<slug>` like catalog alerts. */
  runbookUrl?: string;
  /** promtool cases: at least one that fires and one that stays quiet. */
  tests: CustomAlertCase[];
}

/** The user alerts as catalog entries. */
export function customAlertDefinitions(specs: readonly CustomAlertSpec[]): AlertDefinition[] {
  return specs.map((spec) => ({
    name: spec.name,
    domain: spec.domain,
    severity: spec.severity,
    expr: spec.expr,
    for: spec.for,
    summary: spec.summary,
    description: spec.description,
    ...(spec.labels && Object.keys(spec.labels).length > 0 ? { labels: { ...spec.labels } } : {}),
    ...(spec.runbookUrl ? { runbookUrl: spec.runbookUrl } : {}),
    tests: spec.tests.map((test): AlertTestCase => ({
      description: test.description,
      series: test.series.map(({ series, values }) => ({ series, values })),
      evalTime: test.evalTime,
      fires: test.fires,
      ...(test.labels ? { expectedLabels: { ...test.labels } } : {}),
    })),
  }));
}
