// The alert catalog: every alert the stack evaluates, as typed data, with the promtool cases that prove its
// threshold and `for` duration. The rules live by domain in rules/, their cases in promtool-cases/, the
// numbers a stack may change in thresholds.ts; this file joins them. A stack builds the catalog once and
// hands the same alerts to Prometheus, Grafana and each cloud, so all of them draw and evaluate one truth.
//
// Annotations only use {{ $labels.<name> }}: the promtool cases check annotations exactly, and a {{ $value }}
// would tie them to floating-point formatting. Thresholds are in the expression and on the dashboards, not in
// the text, so a threshold change stays a one-line diff.
import { CustomAlertSpec, customAlertDefinitions } from "./custom";
import { compileSlos } from "../slo/compile";
import { defaultSlos } from "../slo/presets";
import { sloCaseBuilders } from "../slo/promtool-cases";
import type { SloSpec } from "../slo/types";
import { caseBuilders } from "./promtool-cases";
import { CaseBuilder } from "./promtool-cases/series";
import { applicationRules } from "./rules/application";
import { eckOperatorRules } from "./rules/eck-operator";
import { infrastructureRules } from "./rules/infrastructure";
import { kubernetesWorkloadRules } from "./rules/kubernetes-workloads";
import { kubernetesClusterRules } from "./rules/kubernetes-cluster";
import { mlRules } from "./rules/ml";
import { pipelineRules } from "./rules/pipeline";
import { stackRules } from "./rules/stack";
import { thanosRules } from "./rules/thanos";
import { CatalogScope, fullScope } from "./scope";
import { AlertOverrides } from "./settings";
import { AlertThresholds, defaultThresholds, thresholdNames } from "./thresholds";
import { recordingRules as baseRecordingRules } from "./rules/recording";
import { AlertDefinition, AlertRule, RecordingRule } from "./types";

export { RECORDED_QUANTILE, recordingNames } from "./rules/recording";
export { exporterJobs, maxScrapeIntervalSeconds, probeJobs, rateWindows } from "./rules/selectors";

function withCases(rule: AlertRule, builders: Readonly<Record<string, CaseBuilder>>): AlertDefinition {
  const build = builders[rule.name];
  if (!build) throw new Error(`alert ${rule.name} has no promtool cases (components/alerts/promtool-cases/)`);
  return { ...rule, tests: build(rule) };
}

/**
 * The catalog with a stack's settings applied (settings.ts): disabled alerts left out, thresholds built into
 * the expressions, `for` and severity replaced. The promtool cases are built from the result, so they prove
 * the alert as the stack runs it. `scope` (scope.ts) leaves out the alerts on parts the stack does not run.
 * `slos` (components/slo) add their burn alerts; their recording rules come from buildRecordingRules(slos).
 * `custom` are the stack's own alerts (custom.ts), appended with their own cases.
 */
export function buildAlertCatalog(
  overrides: AlertOverrides = {},
  scope: CatalogScope = fullScope,
  slos: readonly SloSpec[] = defaultSlos,
  custom: readonly CustomAlertSpec[] = [],
): AlertDefinition[] {
  const thresholds: AlertThresholds = { ...defaultThresholds };
  for (const name of thresholdNames) thresholds[name] = overrides[name]?.threshold ?? thresholds[name];
  const enabled = (name: string) => overrides[name]?.enabled !== false;
  const builders = { ...caseBuilders, ...sloCaseBuilders(slos) };
  return [
    ...infrastructureRules(thresholds), ...kubernetesClusterRules(thresholds, scope), ...kubernetesWorkloadRules(thresholds, scope), ...applicationRules(thresholds),
    ...mlRules(thresholds), ...stackRules(thresholds, scope), ...thanosRules(thresholds, scope), ...pipelineRules(thresholds, scope), ...eckOperatorRules(thresholds, scope), ...compileSlos(slos).alerts,
  ]
    .filter((rule) => enabled(rule.name))
    .map((rule) => ({
      ...rule,
      for: overrides[rule.name]?.for ?? rule.for,
      severity: overrides[rule.name]?.severity ?? rule.severity,
      // An alert switched off is nothing to inhibit.
      ...(rule.inhibits ? { inhibits: rule.inhibits.filter(enabled) } : {}),
    }))
    .map((rule) => withCases(rule, builders))
    .concat(customAlertDefinitions(custom));
}

/** The recording rules the alerts and dashboards read: the catalog's own, then each SLO's. */
export function buildRecordingRules(slos: readonly SloSpec[] = defaultSlos): RecordingRule[] {
  return [...baseRecordingRules, ...compileSlos(slos).recording];
}

/** The recording rules with the default SLOs, for components used on their own. */
export const recordingRules = Object.freeze(buildRecordingRules()) as RecordingRule[];

/**
 * The catalog with every default threshold, for components used on their own. Frozen, yet typed as a plain
 * array so it can be passed as a component's `alerts` (Pulumi's component packaging has no readonly arrays).
 */
export const alertCatalog = Object.freeze(buildAlertCatalog()) as AlertDefinition[];
