// Pure renderers from the alert catalog to Prometheus rule files, promtool unit-test files and Alertmanager
// inhibition rules. No Pulumi here: components turn these strings and objects into ConfigMaps.
import { stringify } from "yaml";
import { alertCatalog, recordingRules as defaultRecordingRules } from "./catalog";
import { durationSeconds, formatDuration } from "../units";
import { parsePromql } from "./promql";
import { Labels, SCRAPE_INTERVAL_SECONDS } from "./promtool-cases/series";
import { AlertDefinition, AlertDomain, AlertTestCase, RecordingRule } from "./types";

/** Rule file per domain, in this order: the seed's three files, the cluster's workloads, the stack's self-monitoring. */
export const ruleFileNames: Readonly<Record<AlertDomain, string>> = {
  infrastructure: "infrastructure.yml",
  kubernetes: "kubernetes.yml",
  application: "application.yml",
  ml: "ml-pipeline.yml",
  stack: "stack.yml",
};
const domains = Object.keys(ruleFileNames) as AlertDomain[];

/**
 * promtool test file per domain. The `.test.yml` suffix keeps them apart from rule files: they must never be
 * mounted where Prometheus loads rules from.
 */
export function ruleTestFileName(domain: AlertDomain): string {
  return ruleFileNames[domain].replace(/\.yml$/, ".test.yml");
}

export interface RenderRulesOptions {
  /** Runbooks live at `${runbookBaseUrl}/${runbookSlug(alert name)}`. */
  runbookBaseUrl: string;
  /** Defaults to the catalog. */
  alerts?: readonly AlertDefinition[];
  /** Defaults to the catalog's recording rules. */
  recording?: readonly RecordingRule[];
  /** Where promtool test files find the rule files, relative to themselves; default: beside them. */
  ruleFilesDir?: string;
}

/** HighCPUUsage → high-cpu-usage, MLExporterUpstreamDown → ml-exporter-upstream-down. */
export function runbookSlug(alertName: string): string {
  return alertName
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

/**
 * `<base>/<slug>`; when the base is a folder viewed in a Git forge (GitHub's or GitLab's `/blob/`), the page
 * is the Markdown file itself, `<base>/<slug>.md` (docs/runbooks/), so the link opens the runbook.
 */
export function runbookUrl(runbookBaseUrl: string, alertName: string): string {
  const base = runbookBaseUrl.replace(/\/+$/, "");
  return `${base}/${runbookSlug(alertName)}${/\/(-\/)?blob\//.test(base) ? ".md" : ""}`;
}

// Long expressions stay on one line, so a changed threshold is a one-line diff.
const yamlOptions = { lineWidth: 0 } as const;

/** Prometheus rule files, file name → YAML, for every domain that has rules. */
export function renderRuleFiles(options: RenderRulesOptions): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [domain, groups] of ruleGroupsByDomain(options)) {
    files[ruleFileNames[domain]] = stringify({ groups }, yamlOptions);
  }
  return files;
}

interface RuleGroup {
  name: string;
  rules: object[];
}

/** A rule group as Prometheus' rule file format has it (recording or alerting rules). */
export interface PrometheusRuleGroup {
  name: string;
  rules: PrometheusRule[];
}
export type PrometheusRule =
  | { record: string; expr: string; labels?: Labels }
  | { alert: string; expr: string; for: string; labels: Labels; annotations: Labels };

/**
 * The rule groups of renderRuleFiles, as data, per domain and rule file: what each cloud's managed
 * Prometheus rules are translated from, so they cannot drift from the in-cluster rule files.
 */
export function renderRuleGroups(options: RenderRulesOptions): { domain: AlertDomain; file: string; groups: PrometheusRuleGroup[] }[] {
  return ruleGroupsByDomain(options).map(([domain, groups]) => ({ domain, file: ruleFileNames[domain], groups: groups as PrometheusRuleGroup[] }));
}

/**
 * The most rules a group may hold: Amazon Managed Service for Prometheus takes 20 rules per rule group by default
 * (an adjustable quota), and its rule namespaces are the in-cluster rule files byte for byte. Longer groups are
 * split in catalog order: `<domain>.alerts`, `<domain>.alerts.2`, ...
 */
export const MAX_RULES_PER_GROUP = 20;

/** `rules` as groups of at most MAX_RULES_PER_GROUP, the first named `name`, the next `name.2`, `name.3` ... */
function chunked(name: string, rules: object[]): RuleGroup[] {
  const groups: RuleGroup[] = [];
  for (let start = 0; start < rules.length; start += MAX_RULES_PER_GROUP) {
    const index = start / MAX_RULES_PER_GROUP + 1;
    groups.push({ name: index === 1 ? name : `${name}.${index}`, rules: rules.slice(start, start + MAX_RULES_PER_GROUP) });
  }
  return groups;
}

/** Each domain's groups: its recording rules first, then its alerts. */
function ruleGroupsByDomain(options: RenderRulesOptions): [AlertDomain, RuleGroup[]][] {
  const alerts = options.alerts ?? alertCatalog;
  const recording = options.recording ?? defaultRecordingRules;
  validateAlerts(alerts);
  const result: [AlertDomain, RuleGroup[]][] = [];
  for (const domain of domains) {
    const groups = domainGroups(domain, recording.filter((rule) => rule.domain === domain), alerts.filter((alert) => alert.domain === domain), options.runbookBaseUrl);
    if (groups.length > 0) result.push([domain, groups]);
  }
  return result;
}

/** One domain's groups from its recording rules and alerts (both already the domain's, in catalog order). */
function domainGroups(domain: AlertDomain, records: readonly RecordingRule[], alerts: readonly AlertDefinition[], runbookBaseUrl: string): RuleGroup[] {
  return [
    ...chunked(`${domain}.recording`, records.map(({ record, expr, labels }) => ({ record, expr, ...(labels ? { labels } : {}) }))),
    ...chunked(`${domain}.alerts`, alerts.map((alert) => alertRule(alert, runbookBaseUrl))),
  ];
}

function alertRule(alert: AlertDefinition, runbookBaseUrl: string) {
  return {
    alert: alert.name,
    expr: alert.expr,
    for: alert.for,
    labels: ruleLabels(alert),
    annotations: annotations(alert, runbookBaseUrl),
  };
}

/** The labels an alert's rule sets: its own (user alerts), then severity and domain, which routing reads. */
export function alertLabels(alert: AlertDefinition): Labels {
  return { ...alert.labels, severity: alert.severity, domain: alert.domain };
}
const ruleLabels = alertLabels;

/** The alert's runbook: its own address if it has one (user alerts), else `<base>/<slug>`. */
export function alertRunbookUrl(alert: AlertDefinition, runbookBaseUrl: string): string {
  return alert.runbookUrl ?? runbookUrl(runbookBaseUrl, alert.name);
}

function annotations(alert: AlertDefinition, runbookBaseUrl: string): Labels {
  return { summary: alert.summary, description: alert.description, runbook_url: alertRunbookUrl(alert, runbookBaseUrl) };
}

/**
 * promtool unit-test files, file name → YAML, one per domain, each loading its domain's rule file from the
 * same directory. Every AlertTestCase is one test group named "<alert>: <description>".
 *
 * promtool evaluates a file's rule groups in random order unless told otherwise; recording groups go first so
 * an alert sees the recorded value of the same evaluation. (Prometheus runs groups on independent timers, so in
 * production an alert on a recorded series may lag by up to one 15s interval.)
 */
export function renderRuleTests(options: RenderRulesOptions): Record<string, string> {
  const alerts = options.alerts ?? alertCatalog;
  const files: Record<string, string> = {};
  const defaultInterval = formatDuration(SCRAPE_INTERVAL_SECONDS);
  for (const [domain, groups] of ruleGroupsByDomain(options)) {
    const byInterval = new Map<string, object[]>();
    for (const alert of alerts.filter((a) => a.domain === domain)) {
      for (const testCase of alert.tests) {
        const interval = testCase.evaluationInterval ?? defaultInterval;
        byInterval.set(interval, [...(byInterval.get(interval) ?? []), testGroup(alert, testCase, options.runbookBaseUrl)]);
      }
    }
    for (const [interval, tests] of byInterval) {
      const file = interval === defaultInterval ? ruleTestFileName(domain) : ruleTestFileName(domain).replace(/\.test\.yml$/, `.every-${interval}.test.yml`);
      files[file] = stringify(
        { rule_files: [options.ruleFilesDir ? `${options.ruleFilesDir.replace(/\/+$/, "")}/${ruleFileNames[domain]}` : ruleFileNames[domain]], evaluation_interval: interval, group_eval_order: groups.map((group) => group.name), tests },
        yamlOptions,
      );
    }
  }
  return files;
}

/**
 * The recording rules among `records` that `expr` reads, directly or through one another, in their order.
 * When the expression cannot be read (it does not parse, or selects by a `__name__` matcher), all of them.
 */
export function recordingRulesRead(expr: string, records: readonly RecordingRule[]): RecordingRule[] {
  const read = new Set<string>();
  const pending = [expr];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const verdict = parsePromql(next);
    if (!verdict.ok || verdict.unnamedSelectors > 0) return [...records];
    for (const metric of verdict.metrics.filter((name) => !read.has(name))) {
      read.add(metric);
      pending.push(...records.filter((rule) => rule.record === metric).map((rule) => rule.expr));
    }
  }
  return records.filter((rule) => read.has(rule.record));
}

/** The rule file of one alert's cases in renderAlertRuleTests; the test files are `<alert>[.every-<interval>].test.yml`. */
export function alertRuleFileName(alertName: string): string {
  return `${alertName}.rules.yml`;
}

/**
 * promtool unit-test files per alert, each beside a rule file of its own, file name → YAML: the alert's rule and
 * the recording rules of its domain that its expression reads (transitively), in the groups, order and form its
 * domain's rule file has them (the same renderer: same expr, for, labels, annotations, group order). What a
 * case proves does not change: in the domain's file an alert sees nothing of the other alerts, only the
 * recording rules it reads. What changes is the cost: promtool evaluates every rule of a file at every step
 * of every case, so a case over its domain's file paid for all of that domain's rules (43 in kubernetes.yml);
 * here it pays for its own few. The domain files themselves are what `promtool check rules` checks, and
 * renderRuleTests' files (what `npm run render` writes) run the same cases against them.
 */
export function renderAlertRuleTests(options: RenderRulesOptions): Record<string, string> {
  const alerts = options.alerts ?? alertCatalog;
  const recording = options.recording ?? defaultRecordingRules;
  validateAlerts(alerts);
  const defaultInterval = formatDuration(SCRAPE_INTERVAL_SECONDS);
  const files: Record<string, string> = {};
  for (const alert of alerts) {
    const records = recordingRulesRead(alert.expr, recording.filter((rule) => rule.domain === alert.domain));
    const groups = domainGroups(alert.domain, records, [alert], options.runbookBaseUrl);
    const ruleFile = alertRuleFileName(alert.name);
    files[ruleFile] = stringify({ groups }, yamlOptions);
    const byInterval = new Map<string, object[]>();
    for (const testCase of alert.tests) {
      const interval = testCase.evaluationInterval ?? defaultInterval;
      byInterval.set(interval, [...(byInterval.get(interval) ?? []), testGroup(alert, testCase, options.runbookBaseUrl)]);
    }
    for (const [interval, tests] of byInterval) {
      const file = interval === defaultInterval ? `${alert.name}.test.yml` : `${alert.name}.every-${interval}.test.yml`;
      files[file] = stringify({ rule_files: [ruleFile], evaluation_interval: interval, group_eval_order: groups.map((group) => group.name), tests }, yamlOptions);
    }
  }
  return files;
}

/** The name promtool reports for a case; unique per catalog (checked by validateAlerts). */
export function testGroupName(alert: AlertDefinition, testCase: AlertTestCase): string {
  return `${alert.name}: ${testCase.description}`;
}

function testGroup(alert: AlertDefinition, testCase: AlertTestCase, runbookBaseUrl: string) {
  const labels = testCase.expectedLabels ?? {};
  const expected = testCase.fires
    ? [
        {
          exp_labels: { ...ruleLabels(alert), ...sortedLabels(labels) },
          exp_annotations: expandAnnotations(alert, annotations(alert, runbookBaseUrl), labels),
        },
      ]
    : [];
  return {
    name: testGroupName(alert, testCase),
    interval: testCase.interval ?? formatDuration(SCRAPE_INTERVAL_SECONDS),
    input_series: testCase.series.map(({ series, values }) => ({ series, values })),
    alert_rule_test: [{ eval_time: testCase.evalTime, alertname: alert.name, exp_alerts: expected }],
  };
}

function sortedLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

const labelTemplate = /\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Expands the annotations as Prometheus would for a firing alert with these sample labels. Only
 * {{ $labels.<name> }} is supported: anything else could not be predicted exactly, so it is rejected.
 */
function expandAnnotations(alert: AlertDefinition, templates: Labels, labels: Labels): Labels {
  const expand = (text: string) => {
    const expanded = text.replace(labelTemplate, (_, name: string) => {
      if (!(name in labels)) throw new Error(`${alert.name}: annotation uses $labels.${name}, which its firing test case does not carry`);
      return labels[name];
    });
    if (expanded.includes("{{")) throw new Error(`${alert.name}: annotations may only template {{ $labels.<name> }}: "${text}"`);
    return expanded;
  };
  return Object.fromEntries(Object.entries(templates).map(([key, text]) => [key, expand(text)]));
}

/** An Alertmanager inhibit rule in the non-deprecated matcher syntax. */
export interface InhibitRule {
  /** Matchers of the alert that inhibits, e.g. alertname="NodeDown". */
  source_matchers: string[];
  /** Matchers of the alerts it silences. */
  target_matchers: string[];
  /** Labels both alerts must share for the inhibition to apply. */
  equal: string[];
}

/**
 * Alertmanager inhibit rules: one per alert that declares `inhibits`, then the generic "a critical alert
 * silences the warning of the same name on the same instance".
 */
export function renderInhibitRules(alerts: readonly AlertDefinition[] = alertCatalog): InhibitRule[] {
  validateAlerts(alerts);
  const rules: InhibitRule[] = [];
  for (const alert of alerts) {
    if (!alert.inhibits || alert.inhibits.length === 0) continue;
    const targets = alert.inhibits;
    rules.push({
      source_matchers: [`alertname="${alert.name}"`],
      target_matchers: [targets.length === 1 ? `alertname="${targets[0]}"` : `alertname=~"${targets.join("|")}"`],
      equal: [...(alert.inhibitEqual ?? [])],
    });
  }
  rules.push({ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["alertname", "instance"] });
  return rules;
}

/** What an alert's name must look like (UpperCamelCase, as every catalog alert). */
export const alertNamePattern = /^[A-Z][A-Za-z0-9]*$/;
/** A Prometheus label name; `__` names are Prometheus' own. */
export const labelNamePattern = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels the rules set themselves, which an alert's own labels may not replace (routing and inhibition read them). */
export const reservedLabels: ReadonlySet<string> = new Set(["alertname", "severity", "domain"]);

/** Fails fast on catalog mistakes that would otherwise surface as a confusing Prometheus or promtool error. */
export function validateAlerts(alerts: readonly AlertDefinition[]): void {
  const names = new Set<string>();
  for (const alert of alerts) {
    if (!alertNamePattern.test(alert.name)) throw new Error(`alert name "${alert.name}" is not UpperCamelCase`);
    if (names.has(alert.name)) throw new Error(`duplicate alert ${alert.name}`);
    names.add(alert.name);
    if (!(alert.domain in ruleFileNames)) throw new Error(`${alert.name}: unknown domain "${alert.domain}"`);
    for (const label of Object.keys(alert.labels ?? {})) {
      if (reservedLabels.has(label) || !labelNamePattern.test(label)) throw new Error(`${alert.name}: label "${label}" is reserved or not a label name`);
    }
    durationSeconds(alert.for);
    const descriptions = new Set<string>();
    for (const testCase of alert.tests) {
      if (descriptions.has(testCase.description)) throw new Error(`${alert.name}: duplicate test case "${testCase.description}"`);
      descriptions.add(testCase.description);
      durationSeconds(testCase.evalTime);
    }
  }
  for (const alert of alerts) {
    if (!alert.inhibits?.length) continue;
    if (!alert.inhibitEqual?.length) throw new Error(`${alert.name}: inhibits needs inhibitEqual (labels the two alerts must share)`);
    for (const target of alert.inhibits) {
      if (!names.has(target)) throw new Error(`${alert.name} inhibits unknown alert ${target}`);
    }
  }
}
