// Pure: the Azure side as data — the catalog's rule groups as Azure Monitor Prometheus rule groups (and
// back, so promtool can check what Azure will evaluate), the remote-write endpoint and the role granted.
import { durationSeconds, renderRuleGroups, RenderRulesOptions, Severity } from "../../alerts";
import { toYaml } from "../../yaml";
import { isoDuration, notifies, parseIsoDuration, PrometheusRuleGroup } from "../rules";

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
      name: `${options.cluster}-${group.name.replace(/\./g, "-")}`,
      sourceGroup: group.name,
      interval: RULE_GROUP_INTERVAL,
      rules: group.rules.map((rule): AzureRule => {
        if ("record" in rule) return { record: rule.record, expression: rule.expr };
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
        ? { record: rule.record, expr: rule.expression }
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
