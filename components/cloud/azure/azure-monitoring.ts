import type { ServiceAccountRef } from "../rules";
import { alertCatalog } from "../../alerts/catalog";
import type { AlertDefinition } from "../../alerts/types";
import * as pulumi from "@pulumi/pulumi";
import { PrometheusRuleGroup } from "@pulumi/azure-native/alertsmanagement";
import { Component } from "@pulumi/azure-native/applicationinsights";
import { RoleAssignment } from "@pulumi/azure-native/authorization";
import { FederatedIdentityCredential, UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import {
  ActionGroup, AzureMonitorWorkspace, DataCollectionEndpoint, DataCollectionRule, DataCollectionRuleAssociation, DiagnosticSetting, MetricAlert,
} from "@pulumi/azure-native/monitor";
import { Workspace } from "@pulumi/azure-native/operationalinsights";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import type { RemoteWriteSpec } from "../../prometheus/render-config";
import type { ProjectedToken } from "../../prometheus/prometheus";
import { assertDerivedNames } from "../../name-rules";
import {
  AZURE_REMOTE_WRITE_NAME, AZURE_TOKEN_AUDIENCE, AZURE_TOKEN_DIR, azureDerivedNames, azureResourceNames, azureRuleGroups, MONITORING_METRICS_PUBLISHER, PROMETHEUS_STREAM, remoteWriteUrl, roleDefinitionId,
} from "./render-resources";

export interface AzureMonitoringArgs {
  /** Cluster name: names every Azure resource of this stack and scopes the rule groups (`cluster` label). */
  cluster: string;
  /** Azure location of the resources. */
  location: string;
  /** Resource group created for the monitoring resources. */
  resourceGroup: string;
  /** Subscription of the resources (built-in role definitions are addressed through it). */
  subscriptionId: string;
  /** Microsoft Entra tenant of the managed identity Prometheus uses. */
  tenantId: string;
  /** The cluster's service-account token issuer, trusted by the managed identity's federated credential. */
  oidcIssuerUrl: string;
  /** The in-cluster Prometheus' service account: the only subject the federated credential accepts. */
  prometheusServiceAccount: ServiceAccountRef;
  /** AKS cluster resource id: DCR association, node metric alerts and control-plane diagnostic settings. */
  aksClusterResourceId?: string;
  /** Log Analytics retention, in days. */
  logRetentionDays: number;
  /** Runbook base URL of the alert catalog (the rules' runbook_url annotations). */
  runbookBaseUrl: string;
  /** The stack's alert catalog, built once (buildAlertCatalog); default: every default threshold. */
  alerts?: AlertDefinition[];
  /** Email address of the action group. */
  email?: string;
  /** HTTPS endpoints of the action group's webhook receivers (webhook, PagerDuty's Azure integration); secrets. */
  webhookUrls?: pulumi.Input<string>[];
}

/**
 * Azure Monitor for the stack: Log Analytics, workspace-based Application Insights, an Azure Monitor
 * workspace fed by the in-cluster Prometheus through a data collection endpoint and rule (workload identity,
 * no secret), the alert catalog as Prometheus rule groups, an action group, metric alerts and diagnostic settings.
 */
export class AzureMonitoring extends pulumi.ComponentResource {
  /** The Azure Monitor workspace resource id. */
  public readonly monitorWorkspaceId: pulumi.Output<string>;
  /** The Log Analytics workspace resource id. */
  public readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
  /** Application Insights connection string (a secret: it carries the ingestion key). */
  public readonly appInsightsConnectionString: pulumi.Output<string>;
  /** The remote_write entry for the in-cluster Prometheus (Entra workload identity). */
  public readonly remoteWrite: pulumi.Output<RemoteWriteSpec>;
  /** Service-account annotations naming the managed identity (AKS workload identity webhook). */
  public readonly serviceAccountAnnotations: Record<string, pulumi.Output<string>>;
  /** The client id of the managed identity Prometheus uses (the Thanos sidecar's Azure Workload Identity). */
  public readonly prometheusClientId: pulumi.Output<string>;
  /** The principal id of the managed identity Prometheus uses (granted the Thanos bucket). */
  public readonly prometheusPrincipalId: pulumi.Output<string>;
  /** The token Prometheus presents to Entra, projected into its pod. */
  public readonly projectedToken: ProjectedToken = { name: "azure-identity-token", audience: AZURE_TOKEN_AUDIENCE, mountPath: AZURE_TOKEN_DIR };

  constructor(name: string, args: AzureMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every name is checked before anything is registered (the stack's config validation runs the same check).
    const nameArgs = { cluster: args.cluster, prometheusServiceAccount: args.prometheusServiceAccount, alerts: args.alerts };
    assertDerivedNames(`AzureMonitoring ${name}`, azureDerivedNames(nameArgs));
    super("novacron:azure:AzureMonitoring", name, {}, opts);
    const names = azureResourceNames(nameArgs);
    const parent = { parent: this };
    const location = args.location;
    const tags = { cluster: args.cluster, "managed-by": "pulumi" };

    const group = new ResourceGroup(`${name}-rg`, { resourceGroupName: args.resourceGroup, location, tags }, parent);
    const resourceGroupName = group.name;

    const logs = new Workspace(`${name}-logs`, {
      resourceGroupName, location, tags,
      workspaceName: names.logAnalyticsWorkspace,
      sku: { name: "PerGB2018" },
      retentionInDays: args.logRetentionDays,
    }, parent);
    this.logAnalyticsWorkspaceId = logs.id;
    const appInsights = new Component(`${name}-appinsights`, {
      resourceGroupName, location, tags,
      resourceName: names.appInsights,
      kind: "web",
      applicationType: "web",
      ingestionMode: "LogAnalytics",
      workspaceResourceId: logs.id,
    }, parent);
    this.appInsightsConnectionString = pulumi.secret(appInsights.connectionString);

    const monitorWorkspace = new AzureMonitorWorkspace(`${name}-prometheus`, { resourceGroupName, location, tags, azureMonitorWorkspaceName: names.monitorWorkspace }, parent);
    this.monitorWorkspaceId = monitorWorkspace.id;

    const endpoint = new DataCollectionEndpoint(`${name}-dce`, {
      resourceGroupName, location, tags,
      dataCollectionEndpointName: names.dataCollectionEndpoint,
      networkAcls: { publicNetworkAccess: "Enabled" },
    }, parent);
    const destination = "monitorWorkspace";
    const rule = new DataCollectionRule(`${name}-dcr`, {
      resourceGroupName, location, tags,
      dataCollectionRuleName: names.dataCollectionRule,
      description: "The cluster's Prometheus metrics into the Azure Monitor workspace",
      dataCollectionEndpointId: endpoint.id,
      dataSources: { prometheusForwarder: [{ name: "PrometheusDataSource", streams: [PROMETHEUS_STREAM], labelIncludeFilter: {} }] },
      destinations: { monitoringAccounts: [{ name: destination, accountResourceId: monitorWorkspace.id }] },
      dataFlows: [{ streams: [PROMETHEUS_STREAM], destinations: [destination] }],
    }, parent);
    if (args.aksClusterResourceId) {
      new DataCollectionRuleAssociation(`${name}-dcra`, {
        associationName: names.dataCollectionRuleAssociation,
        resourceUri: args.aksClusterResourceId,
        dataCollectionRuleId: rule.id,
        description: "Azure Monitor metrics add-on of the AKS cluster sends through the same rule",
      }, parent);
    }

    // Prometheus authenticates as a user-assigned identity through a federated service-account token: no secret.
    const identity = new UserAssignedIdentity(`${name}-prometheus`, { resourceGroupName, location, tags, resourceName: names.prometheusIdentity }, parent);
    this.prometheusClientId = identity.clientId;
    this.prometheusPrincipalId = identity.principalId;
    const sa = args.prometheusServiceAccount;
    new FederatedIdentityCredential(`${name}-prometheus`, {
      resourceGroupName,
      resourceName: identity.name,
      federatedIdentityCredentialResourceName: names.prometheusFederatedCredential,
      issuer: args.oidcIssuerUrl,
      subject: `system:serviceaccount:${sa.namespace}:${sa.name}`,
      audiences: [AZURE_TOKEN_AUDIENCE],
    }, parent);
    new RoleAssignment(`${name}-prometheus-metrics-publisher`, {
      principalId: identity.principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: roleDefinitionId(args.subscriptionId, MONITORING_METRICS_PUBLISHER),
      scope: rule.id,
      description: "The in-cluster Prometheus writes to this data collection rule only",
    }, parent);
    this.serviceAccountAnnotations = { "azure.workload.identity/client-id": identity.clientId, "azure.workload.identity/tenant-id": pulumi.output(args.tenantId) };
    this.remoteWrite = pulumi.all([endpoint.metricsIngestion, rule.immutableId, identity.clientId]).apply(([ingestion, immutableId, clientId]) => ({
      name: AZURE_REMOTE_WRITE_NAME,
      url: remoteWriteUrl(ingestion?.endpoint ?? "", immutableId),
      azureWorkloadIdentity: { clientId, tenantId: args.tenantId, tokenFilePath: `${AZURE_TOKEN_DIR}/token` },
      haDeduplication: true,
    }));

    const actionGroup = new ActionGroup(`${name}-actions`, {
      resourceGroupName, tags,
      location: "Global",
      actionGroupName: names.actionGroup,
      groupShortName: names.actionGroupShortName,
      enabled: true,
      emailReceivers: args.email ? [{ name: "email", emailAddress: args.email, useCommonAlertSchema: true }] : [],
      webhookReceivers: (args.webhookUrls ?? []).map((url, i) => ({ name: `webhook-${i}`, serviceUri: pulumi.secret(url), useCommonAlertSchema: true })),
    }, parent);
    const actions = [{ actionGroupId: actionGroup.id }];

    for (const ruleGroup of azureRuleGroups({ runbookBaseUrl: args.runbookBaseUrl, cluster: args.cluster, alerts: args.alerts ?? alertCatalog })) {
      new PrometheusRuleGroup(`${name}-${ruleGroup.sourceGroup}`, {
        resourceGroupName, location, tags,
        ruleGroupName: ruleGroup.name,
        description: `NovaCron alert catalog: ${ruleGroup.sourceGroup}`,
        clusterName: args.cluster,
        scopes: [monitorWorkspace.id],
        interval: ruleGroup.interval,
        enabled: true,
        rules: ruleGroup.rules.map(({ notifies, ...rule }) => ({ ...rule, ...(rule.alert && notifies ? { actions } : {}) })),
      }, parent);
    }

    const metricAlert = (id: keyof typeof names.metricAlerts, scope: pulumi.Input<string>, metricNamespace: string, metricName: string, threshold: number, severity: number, description: string) =>
      new MetricAlert(`${name}-${id}`, {
        resourceGroupName, tags,
        location: "global",
        ruleName: names.metricAlerts[id],
        description,
        severity,
        enabled: true,
        scopes: [scope],
        evaluationFrequency: "PT1M",
        windowSize: "PT5M",
        autoMitigate: true,
        criteria: {
          odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
          allOf: [{ criterionType: "StaticThresholdCriterion", name: metricName, metricNamespace, metricName, operator: "GreaterThan", threshold, timeAggregation: "Average" }],
        },
        actions,
      }, parent);
    metricAlert("failed-requests", appInsights.id, "microsoft.insights/components", "requests/failed", 10, 2, "More than 10 failed requests a minute on average over 5 minutes (Application Insights).");
    if (args.aksClusterResourceId) {
      const aks = "Microsoft.ContainerService/managedClusters";
      metricAlert("node-cpu", args.aksClusterResourceId, aks, "node_cpu_usage_percentage", 95, 1, "AKS node CPU above 95% for 5 minutes.");
      metricAlert("node-memory", args.aksClusterResourceId, aks, "node_memory_working_set_percentage", 90, 1, "AKS node working-set memory above 90% for 5 minutes.");
      new DiagnosticSetting(`${name}-aks-diagnostics`, {
        name: names.diagnosticSettings.aks,
        resourceUri: args.aksClusterResourceId,
        workspaceId: logs.id,
        logAnalyticsDestinationType: "Dedicated",
        logs: ["kube-apiserver", "kube-audit-admin", "kube-controller-manager", "kube-scheduler", "cluster-autoscaler", "guard"].map((category) => ({ category, enabled: true })),
      }, parent);
    }
    // Who read or changed the stack's logs and metrics: the workspaces' own audit trail.
    new DiagnosticSetting(`${name}-logs-audit`, { name: names.diagnosticSettings["logs-audit"], resourceUri: logs.id, workspaceId: logs.id, logs: [{ categoryGroup: "audit", enabled: true }] }, parent);
    new DiagnosticSetting(`${name}-dcr-errors`, { name: names.diagnosticSettings["dcr-errors"], resourceUri: rule.id, workspaceId: logs.id, logs: [{ categoryGroup: "allLogs", enabled: true }] }, parent);

    this.registerOutputs({ monitorWorkspaceId: this.monitorWorkspaceId, logAnalyticsWorkspaceId: this.logAnalyticsWorkspaceId });
  }
}
