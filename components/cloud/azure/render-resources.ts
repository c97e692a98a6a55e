// Pure: the Azure side as data — the catalog's rule groups as Azure Monitor Prometheus rule groups (and
// back, so promtool can check what Azure will evaluate), the remote-write endpoint and the role granted.
import { durationSeconds, renderRuleGroups, RenderRulesOptions, Severity } from "../../alerts";
import type { AlertDefinition, RecordingRule } from "../../alerts";
import type { DerivedName } from "../../name-rules";
import { toYaml } from "../../yaml";
import { isoDuration, notifies, parseIsoDuration, PrometheusRuleGroup, ServiceAccountRef } from "../rules";

/** Built-in role "Monitoring Metrics Publisher": write metrics to a data collection rule, nothing else. */
export const MONITORING_METRICS_PUBLISHER = "3913510d-42f4-4e42-8a64-420c390055eb";
/** The audience Microsoft Entra expects on a federated Kubernetes service-account token. */
export const AZURE_TOKEN_AUDIENCE = "api://AzureADTokenExchange";
/** Where the Prometheus pod gets that token (projected, rotated by the kubelet). */
export const AZURE_TOKEN_DIR = "/var/run/secrets/azure/tokens";
/** Azure evaluates rule groups every 1 to 15 minutes; 1 minute is the closest to the cluster's 15s. */
export const RULE_GROUP_INTERVAL = "PT1M";
/** Stream the managed-Prometheus data collection rule carries. */
export const PROMETHEUS_STREAM = "Microsoft-PrometheusMetrics";

/** Azure alert severity 0 (critical) … 4 (verbose). */
export function azureSeverity(severity: Severity): number {
  return { critical: 0, warning: 2, info: 3, none: 4 }[severity];
}

/** One rule as PrometheusRuleGroup takes it (alertsmanagement API 2023-03-01). */
export interface AzureRule {
  record?: string;
  alert?: string;
  expression: string;
  for?: string;
  severity?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Whether the rule's alerts go to the action group (the Watchdog heartbeat does not). */
  notifies?: boolean;
  resolveConfiguration?: { autoResolved: boolean; timeToResolve: string };
}

export interface AzureRuleGroup {
  /** Azure resource name of the group. */
  name: string;
  /** The in-cluster group it comes from. */
  sourceGroup: string;
  interval: string;
  rules: AzureRule[];
}

/** Every in-cluster rule group, one Azure rule group each, same rules, `for` as ISO 8601. */
export function azureRuleGroups(options: RenderRulesOptions & { cluster: string }): AzureRuleGroup[] {
  return renderRuleGroups(options).flatMap(({ groups }) =>
    groups.map((group) => ({
      name: azureRuleGroupName(options.cluster, group.name),
      sourceGroup: group.name,
      interval: RULE_GROUP_INTERVAL,
      rules: group.rules.map((rule): AzureRule => {
        if ("record" in rule) return { record: rule.record, expression: rule.expr, ...(rule.labels ? { labels: rule.labels } : {}) };
        const severity = rule.labels.severity as Severity;
        const forSeconds = durationSeconds(rule.for);
        return {
          alert: rule.alert,
          expression: rule.expr,
          ...(forSeconds > 0 ? { for: isoDuration(forSeconds) } : {}),
          severity: azureSeverity(severity),
          labels: rule.labels,
          annotations: rule.annotations,
          notifies: notifies(severity),
          resolveConfiguration: { autoResolved: true, timeToResolve: "PT10M" },
        };
      }),
    })),
  );
}

/** Azure rule groups back into one Prometheus rule file: what promtool checks. */
export function azureRuleGroupsToPrometheus(groups: AzureRuleGroup[]): string {
  const promGroups: PrometheusRuleGroup[] = groups.map((group) => ({
    name: group.sourceGroup,
    interval: `${parseIsoDuration(group.interval)}s`,
    rules: group.rules.map((rule) =>
      rule.record
        ? { record: rule.record, expr: rule.expression, ...(rule.labels ? { labels: rule.labels } : {}) }
        : { alert: rule.alert!, expr: rule.expression, for: `${rule.for ? parseIsoDuration(rule.for) : 0}s`, labels: rule.labels ?? {}, annotations: rule.annotations ?? {} },
    ),
  })) as PrometheusRuleGroup[];
  return toYaml({ groups: promGroups });
}

/** The DCR's Prometheus remote-write URL (metrics ingestion endpoint of its data collection endpoint). */
export function remoteWriteUrl(metricsIngestionEndpoint: string, dcrImmutableId: string): string {
  return `${metricsIngestionEndpoint.replace(/\/+$/, "")}/dataCollectionRules/${dcrImmutableId}/streams/${PROMETHEUS_STREAM}/api/v1/write?api-version=2023-04-24`;
}

/** The role definition id of a built-in role in a subscription. */
export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** Azure resource names of this stack: letters, digits and hyphens. */
export function azureName(cluster: string, what: string): string {
  return `${cluster}-${what}`;
}

/** The Azure rule group of an in-cluster rule group (dots are not allowed in every Azure name: hyphens). */
export function azureRuleGroupName(cluster: string, group: string): string {
  return `${cluster}-${group.replace(/\./g, "-")}`;
}

/** Every Azure name the stack gives, derived from the cluster name (the resource group comes from config as is). */
export interface AzureResourceNames {
  logAnalyticsWorkspace: string;
  appInsights: string;
  monitorWorkspace: string;
  dataCollectionEndpoint: string;
  dataCollectionRule: string;
  dataCollectionRuleAssociation: string;
  prometheusIdentity: string;
  prometheusFederatedCredential: string;
  actionGroup: string;
  actionGroupShortName: string;
  /** One per in-cluster rule group, in renderRuleGroups order. */
  ruleGroups: string[];
  /** By the id the component gives each (failed-requests, node-cpu, node-memory). */
  metricAlerts: Record<"failed-requests" | "node-cpu" | "node-memory", string>;
  diagnosticSettings: Record<"aks" | "logs-audit" | "dcr-errors", string>;
}

export interface AzureNameArgs {
  /** Names every resource. */
  cluster: string;
  /** The Prometheus service account (its federated credential's name). */
  prometheusServiceAccount: ServiceAccountRef;
  /** The catalog whose rule groups become Azure rule groups; default: every default threshold. */
  alerts?: AlertDefinition[];
  /** The recording rules beside them; default: the catalog's with the default SLOs'. */
  recording?: RecordingRule[];
}

/** The names AzureMonitoring gives its resources (it uses exactly these). */
export function azureResourceNames(args: AzureNameArgs): AzureResourceNames {
  const n = (what: string) => azureName(args.cluster, what);
  const sa = args.prometheusServiceAccount;
  // Group names do not depend on the runbook links.
  const groups = renderRuleGroups({ runbookBaseUrl: "", alerts: args.alerts, recording: args.recording }).flatMap(({ groups }) => groups.map((g) => g.name));
  return {
    logAnalyticsWorkspace: n("logs"),
    appInsights: n("appinsights"),
    monitorWorkspace: n("prometheus"),
    dataCollectionEndpoint: n("dce"),
    dataCollectionRule: n("prometheus"),
    dataCollectionRuleAssociation: n("prometheus"),
    prometheusIdentity: n("prometheus"),
    prometheusFederatedCredential: `${args.cluster}-${sa.namespace}-${sa.name}`,
    actionGroup: n("alerts"),
    actionGroupShortName: "novacron",
    ruleGroups: groups.map((group) => azureRuleGroupName(args.cluster, group)),
    metricAlerts: { "failed-requests": n("failed-requests"), "node-cpu": n("node-cpu"), "node-memory": n("node-memory") },
    diagnosticSettings: { aks: n("aks"), "logs-audit": n("logs-audit"), "dcr-errors": n("dcr-errors") },
  };
}

/** azureResourceNames with the rule each must pass and the args each comes from (all in one resource group). */
export function azureDerivedNames(args: AzureNameArgs): DerivedName[] {
  const n = azureResourceNames(args);
  const cluster = [["cluster"]];
  return [
    { kind: "azureLogAnalyticsWorkspace", name: n.logAnalyticsWorkspace, names: "the Log Analytics workspace", from: cluster },
    { kind: "azureApplicationInsights", name: n.appInsights, names: "the Application Insights component", from: cluster },
    { kind: "azureMonitorWorkspace", name: n.monitorWorkspace, names: "the Azure Monitor workspace", from: cluster },
    { kind: "azureDataCollectionEndpoint", name: n.dataCollectionEndpoint, names: "the data collection endpoint", from: cluster },
    { kind: "azureDataCollectionRule", name: n.dataCollectionRule, names: "the data collection rule", from: cluster },
    { kind: "azureInsightsResource", name: n.dataCollectionRuleAssociation, names: "the data collection rule association", from: cluster, scope: "dcr-associations" },
    { kind: "azureUserAssignedIdentity", name: n.prometheusIdentity, names: "Prometheus' managed identity", from: cluster },
    {
      kind: "azureFederatedCredential", name: n.prometheusFederatedCredential, names: "Prometheus' federated identity credential",
      from: [["cluster"], ["prometheusServiceAccount", "namespace"], ["prometheusServiceAccount", "name"]],
    },
    { kind: "azureInsightsResource", name: n.actionGroup, names: "the action group", from: cluster, scope: "action-groups" },
    { kind: "azureActionGroupShortName", name: n.actionGroupShortName, names: "the action group's short name", from: [] },
    ...n.ruleGroups.map((name): DerivedName => ({ kind: "azurePrometheusRuleGroup", name, names: `the Prometheus rule group ${name}`, from: cluster })),
    ...Object.values(n.metricAlerts).map((name): DerivedName => ({ kind: "azureInsightsResource", name, names: `the metric alert ${name}`, from: cluster, scope: "metric-alerts" })),
    ...Object.values(n.diagnosticSettings).map((name): DerivedName => ({ kind: "azureInsightsResource", name, names: `the diagnostic setting ${name}`, from: cluster, scope: "diagnostic-settings" })),
  ];
}

/** The name of Prometheus' remote_write queue to the Azure Monitor workspace. */
export const AZURE_REMOTE_WRITE_NAME = "azure-monitor";
