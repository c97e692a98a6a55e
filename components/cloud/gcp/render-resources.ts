// Pure: the Google Cloud side as data — one Cloud Monitoring alert policy with a PromQL condition per
// catalog alert, the roles of the workload's service account, the log sink filter and the dashboard.
import { AlertDefinition, alertLabels, alertRunbookUrl, durationSeconds, recordingNames, renderRuleGroups, RenderRulesOptions, Severity } from "../../alerts";
import { DerivedName, fitName } from "../../name-rules";
import { catalogAlerts, notifies } from "../rules";

/** The only role the Prometheus workload's Google service account holds: writing metrics (GMP ingestion). */
export const PROMETHEUS_GSA_ROLES = ["roles/monitoring.metricWriter"] as const;
/** The one role Kubernetes' service account gets on the Google service account: impersonating it. */
export const WORKLOAD_IDENTITY_ROLE = "roles/iam.workloadIdentityUser";

/** Cloud Monitoring evaluates PromQL conditions every multiple of 30s; 30s is the closest to the cluster's 15s. */
export const EVALUATION_INTERVAL = "30s";

/** Cloud Monitoring's incident severities; `info` and the heartbeat have none. */
export function policySeverity(severity: Severity): "CRITICAL" | "WARNING" | undefined {
  return severity === "critical" ? "CRITICAL" : severity === "warning" ? "WARNING" : undefined;
}

/** Go-template label references in annotations → Cloud Monitoring documentation variables. */
export function documentationText(text: string): string {
  return text.replace(/\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, label: string) => `\${metric.label.${label}}`);
}

/** An alert policy as data (AlertPolicy args minus project and channels). */
export interface AlertPolicySpec {
  alert: string;
  displayName: string;
  severity?: "CRITICAL" | "WARNING";
  notifies: boolean;
  userLabels: Record<string, string>;
  documentation: { subject: string; content: string; mimeType: "text/markdown" };
  condition: {
    displayName: string;
    conditionPrometheusQueryLanguage: {
      query: string;
      /** The alert's `for`, as a protobuf Duration ("120s"). */
      duration: string;
      evaluationInterval: string;
      labels: Record<string, string>;
      ruleGroup: string;
      alertRule: string;
    };
  };
}

/** One policy per catalog alert: the same PromQL, `for` and severity as the in-cluster rule. */
export function alertPolicySpecs(options: RenderRulesOptions & { cluster: string }): AlertPolicySpec[] {
  const groupOf = new Map<string, string>();
  for (const { groups } of renderRuleGroups(options)) {
    for (const group of groups) for (const rule of group.rules) if ("alert" in rule) groupOf.set(rule.alert, group.name);
  }
  return catalogAlerts(options).map((alert: AlertDefinition) => {
    const severity = policySeverity(alert.severity);
    return {
      alert: alert.name,
      displayName: `NovaCron ${options.cluster}: ${alert.name}`,
      ...(severity ? { severity } : {}),
      notifies: notifies(alert.severity),
      userLabels: { cluster: options.cluster, domain: alert.domain, severity: alert.severity },
      documentation: {
        subject: `[NovaCron ${alert.severity}] ${documentationText(alert.summary)}`,
        content: `${documentationText(alert.description)}\n\nRunbook: ${alertRunbookUrl(alert, options.runbookBaseUrl)}`,
        mimeType: "text/markdown",
      },
      condition: {
        displayName: alert.name,
        conditionPrometheusQueryLanguage: {
          query: alert.expr,
          duration: `${durationSeconds(alert.for)}s`,
          evaluationInterval: EVALUATION_INTERVAL,
          labels: alertLabels(alert),
          ruleGroup: groupOf.get(alert.name)!,
          alertRule: alert.name,
        },
      },
    };
  });
}

/** Logs of the NovaCron services and of the monitoring stack in this cluster (GKE container logs). */
export function logSinkFilter(args: { cluster: string; namespaces: string[] }): string {
  const namespaces = args.namespaces.map((ns) => `"${ns}"`).join(" OR ");
  return `resource.type="k8s_container" AND resource.labels.cluster_name="${args.cluster}" AND resource.labels.namespace_name=(${namespaces})`;
}

/** host and path of an https URL, as the uptime check's monitored resource and httpCheck take them. */
export function uptimeTarget(url: string): { host: string; path: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, path: `${parsed.pathname}${parsed.search}` || "/", port: parsed.port ? Number(parsed.port) : 443 };
}

/** A Cloud Monitoring dashboard (mosaic layout) of PromQL charts over the same series the alerts use. */
export function dashboardJson(args: { cluster: string }): string {
  const charts: [string, string][] = [
    ["Node CPU utilisation", recordingNames.cpu],
    ["Node memory utilisation", recordingNames.memory],
    ["HTTP error ratio by service", recordingNames.errorRatio],
    ["HTTP p95 latency by service (s)", recordingNames.latencyP95],
    ["Model accuracy", "ml_model_accuracy"],
    ["Targets up", "sum by (job) (up)"],
  ];
  return JSON.stringify({
    displayName: `NovaCron ${args.cluster}`,
    mosaicLayout: {
      columns: 48,
      tiles: charts.map(([title, query], i) => ({
        xPos: (i % 2) * 24,
        yPos: Math.floor(i / 2) * 16,
        width: 24,
        height: 16,
        widget: { title, xyChart: { dataSets: [{ plotType: "LINE", timeSeriesQuery: { prometheusQuery: query } }] } },
      })),
    },
  });
}

/** Every Google Cloud identifier the stack gives, derived from the cluster name. */
export interface GcpResourceNames {
  logBucketId: string;
  logSink: string;
  /** The Prometheus service account's id: at most 30 characters, so a long one is shortened with a hash. */
  prometheusServiceAccountId: string;
  /** The `cluster` label on every resource. */
  clusterLabel: string;
}

/** The names GcpMonitoring gives its resources (it uses exactly these). */
export function gcpResourceNames(args: { cluster: string }): GcpResourceNames {
  return {
    logBucketId: `${args.cluster}-logs`,
    logSink: `${args.cluster}-logs`,
    prometheusServiceAccountId: fitName("gcpServiceAccountId", `${args.cluster}-prometheus`),
    clusterLabel: args.cluster,
  };
}

/** gcpResourceNames with the rule each must pass and the args each comes from. */
export function gcpDerivedNames(args: { cluster: string }): DerivedName[] {
  const n = gcpResourceNames(args);
  const from = [["cluster"]];
  return [
    { kind: "gcpLogBucketId", name: n.logBucketId, names: "the log bucket", from },
    { kind: "gcpLogSinkName", name: n.logSink, names: "the log sink", from },
    { kind: "gcpServiceAccountId", name: n.prometheusServiceAccountId, names: "Prometheus' Google service account id", from },
    { kind: "gcpLabelValue", name: n.clusterLabel, names: "the cluster label value", from, shared: true },
  ];
}
