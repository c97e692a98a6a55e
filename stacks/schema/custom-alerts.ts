// `customAlerts`: the stack's own alerts (components/alerts/custom.ts), joined to the catalog. Each is checked
// here, before any resource exists: its expression parses as Prometheus 3.16 would parse it
// (components/alerts/promql.ts) and selects only metrics something exports — the metric inventory
// (components/grafana/metric-inventory.ts, each list proven against its source) or the metrics this config
// declares its services export — and its promtool cases are well formed (they run with the catalog's).
import { z } from "zod";
import { alertCatalog } from "../../components/alerts/catalog";
import { parsePromql } from "../../components/alerts/promql";
import { alertNamePattern, labelNamePattern, reservedLabels } from "../../components/alerts/render-rules";
import { MAX_ALERT_FOR, SettableSeverity } from "../../components/alerts/settings";
import { AlertDomain } from "../../components/alerts/types";
import { exportedMetrics } from "../../components/grafana/metric-inventory";
import { duration, httpUrl, listOf, repeats, withCrossChecks } from "./primitives";

/** A metric name as Prometheus' classic (unquoted) syntax writes it. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** promtool's expanding notation: `1 2 _ stale`, `0+10x20`, `5-1x4`, `_x3`, `Inf`, `NaN`. */
const number = String.raw`[-+]?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|Inf|NaN)`;
const SERIES_VALUES = new RegExp(String.raw`^\s*(?:(?:_|stale|${number})(?:[-+]${number})?(?:x\d+)?\s*)+$`);
const labelTemplate = /\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

const catalogNames = new Set(alertCatalog.map((alert) => alert.name));

const MAX_LABELS = 8;
/** Labels route and group alerts; a long value is text that belongs in the description. */
const MAX_LABEL_VALUE = 128;
/** At most this many user alerts: with every text at its longest, the rules ConfigMap stays under 1 MiB (test/unit/config-limits.test.ts). */
const MAX_CUSTOM_ALERTS = 100;

/** Labels by name; each bad name is reported at its own key (zod's record keys would only say "Invalid key"). */
const labelsSchema = (value: z.ZodString, reserved: ReadonlySet<string> = new Set()) =>
  z.record(z.string(), value).superRefine((labels, ctx) => {
    if (Object.keys(labels).length > MAX_LABELS) ctx.addIssue({ code: "custom", message: `must have at most ${MAX_LABELS} labels (every list is bounded so the stack's ConfigMaps stay under Kubernetes' 1 MiB)` });
    for (const name of Object.keys(labels)) {
      const problem = !labelNamePattern.test(name) ? "must be a label name (letters, digits and _, not starting with a digit or __)"
        : reserved.has(name) ? `must not be one of ${[...reserved].join(", ")} (the rules set those)` : undefined;
      if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
    }
  });

/** Notification text: the promtool cases check it exactly, so it may only template {{ $labels.<name> }}. */
const annotation = z.string().min(1, "must not be empty").refine(
  (text) => !text.replace(labelTemplate, "").includes("{{"),
  "may only template {{ $labels.<name> }} (anything else cannot be checked by the alert's promtool cases)",
);

const expression = z.string().min(1, "must not be empty").superRefine((expr, ctx) => {
  const verdict = parsePromql(expr);
  if (!verdict.ok) {
    ctx.addIssue({ code: "custom", message: `must be PromQL that Prometheus accepts: ${verdict.errors.join("; ")}` });
  } else if (verdict.type !== "vector") {
    ctx.addIssue({ code: "custom", message: `must be an instant vector expression (each series it returns is one alert), not a ${verdict.type}` });
  } else if (verdict.unnamedSelectors > 0) {
    ctx.addIssue({ code: "custom", message: "every selector must name its metric (e.g. http_requests_total{...}), so that the metric can be checked against what the stack exports" });
  }
});

const seriesSchema = z.strictObject({
  series: z.string().superRefine((series, ctx) => {
    const verdict = parsePromql(series);
    if (!verdict.ok || verdict.metrics.length !== 1 || !/^[a-zA-Z_:][a-zA-Z0-9_:]*\s*(\{.*\})?$/s.test(series.trim())) {
      ctx.addIssue({ code: "custom", message: 'must be one series, a metric name with its labels, e.g. payments_failed_total{job="payments"}' });
    }
  }).describe("The series, a metric name with its labels."),
  values: z.string().regex(SERIES_VALUES, "must be samples in promtool's expanding notation, e.g. 0+10x20 or 1 1 _ 2").describe("Samples in promtool's expanding notation, e.g. 0+10x20."),
});

const caseSchema = z.strictObject({
  description: z.string().min(1, "must not be empty").describe("What the case proves."),
  series: listOf(seriesSchema, 20, "series").min(1, "must list at least one series").describe("Input series, one sample per 15s."),
  evalTime: duration("evalTime", "0s", "1d").describe("When the alert is evaluated, from the start of the series."),
  fires: z.boolean().describe("Whether the alert is firing then."),
  labels: labelsSchema(z.string()).optional().describe("Labels the firing alert carries from its series, e.g. {job: payments}."),
});

const customAlertSchema = withCrossChecks(
  z.strictObject({
    name: z.string()
      .regex(alertNamePattern, "must be UpperCamelCase letters and digits, e.g. PaymentsFailing")
      .refine((name) => !catalogNames.has(name), "is a catalog alert's name: change a catalog alert with novacron:alerts.<AlertName>, or give this one its own name")
      .describe("UpperCamelCase, unique, not a catalog alert's name."),
    expr: expression.describe("PromQL: must parse (Prometheus 3.16's grammar) and select only known metrics."),
    for: duration("for", "0s", MAX_ALERT_FOR, undefined, "longer hides a problem for over an hour; slow problems belong to an SLO's slow burn").describe(`How long the condition holds before it fires, at most ${MAX_ALERT_FOR}.`),
    severity: z.enum(Object.values(SettableSeverity), "must be one of critical, warning, info").describe("critical pages; warning and info go to chat."),
    domain: z.enum(Object.values(AlertDomain), `must be one of ${Object.values(AlertDomain).join(", ")}`).describe("The team route and rule file the alert joins."),
    summary: annotation.describe("One line for the notification's title; may use {{ $labels.<name> }}."),
    description: annotation.describe("What is wrong and what to do first; may use {{ $labels.<name> }}."),
    labels: labelsSchema(z.string().min(1, "must not be empty").max(MAX_LABEL_VALUE, `must be at most ${MAX_LABEL_VALUE} characters`), reservedLabels).optional().describe("Extra labels, e.g. {team: payments}, for alertmanager.teamRoutes to match."),
    runbookUrl: httpUrl.optional().describe("The runbook's address; unset links <runbookBaseUrl>/<alert-slug>."),
    tests: listOf(caseSchema, 20, "cases").describe("promtool cases: at least one that fires and one that stays quiet."),
  }),
  {
    reads: ["tests"],
    check: ({ tests }, report) => {
      if (!tests.some((t) => t.fires)) report(["tests"], "must include a case where the alert fires");
      if (!tests.some((t) => !t.fires)) report(["tests"], "must include a case where the alert stays quiet");
      for (const i of repeats(tests.map((t) => t.description))) report(["tests", i, "description"], `repeats "${tests[i].description}"`);
    },
  },
  {
    // A firing case's annotations are checked exactly: every label they template must be one the case expects.
    reads: ["summary", "description", "tests"],
    check: ({ summary, description, tests }, report) => {
      const used = [...`${summary}\n${description}`.matchAll(labelTemplate)].map((m) => m[1]);
      tests.forEach((t, i) => {
        if (!t.fires) return;
        const missing = [...new Set(used.filter((label) => !Object.hasOwn(t.labels ?? {}, label)))];
        if (missing.length > 0) report(["tests", i, "labels"], `must give ${missing.join(", ")}: the summary or description uses {{ $labels.${missing[0]} }}`);
      });
    },
  },
);

/** The stack's own alerts and the metrics its services export beyond the inventory. */
export const customAlertsSchema = withCrossChecks(
  z.strictObject({
    metrics: listOf(z.string().regex(METRIC_NAME, "must be a metric name, e.g. payments_failed_total"), 500, "metrics").optional()
      .describe("Metrics your services export that the stack's inventory does not list; user alerts may select them."),
    alerts: listOf(customAlertSchema, MAX_CUSTOM_ALERTS, "alerts")
      // Every repeated name, even while other fields of the alerts are wrong: one run reports every problem.
      .superRefine((alerts, ctx) => {
        const names = alerts.map((alert) => (typeof alert?.name === "string" ? alert.name : undefined));
        for (const i of repeats(names)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `repeats ${names[i]}` });
      }, { when: (payload) => Array.isArray(payload.value) })
      .optional()
      .describe("The alerts."),
  }),
  {
    // Each alert's metrics: exported by some part of the stack, or declared here. Alerts whose expression was
    // refused are not judged again.
    reads: ["metrics"],
    check: ({ metrics, alerts }, report) => {
      if (!Array.isArray(alerts)) return;
      // (alerts unset: metrics declared ahead of the alerts that use them)
      const known = new Set([...exportedMetrics().keys(), ...(metrics ?? [])]);
      alerts.forEach((alert, i) => {
        if (typeof alert?.expr !== "string") return;
        const verdict = parsePromql(alert.expr);
        if (!verdict.ok) return;
        const unknown = verdict.metrics.filter((metric) => !known.has(metric));
        if (unknown.length > 0) {
          report(["alerts", i, "expr"], `selects ${unknown.join(", ")}, which nothing in the stack exports: if your services export ${unknown.length === 1 ? "it" : "them"}, list ${unknown.length === 1 ? "it" : "them"} in customAlerts.metrics`);
        }
      });
    },
  },
);
export type CustomAlertsSpec = z.infer<typeof customAlertsSchema>;
