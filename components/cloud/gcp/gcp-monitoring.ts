import type { ServiceAccountRef } from "../rules";
import { alertCatalog } from "../../alerts/catalog";
import type { AlertDefinition } from "../../alerts/types";
import * as pulumi from "@pulumi/pulumi";
import { ProjectBucketConfig, ProjectSink } from "@pulumi/gcp/logging";
import { AlertPolicy, Dashboard, NotificationChannel, UptimeCheckConfig } from "@pulumi/gcp/monitoring";
import { IAMMember as ProjectIAMMember } from "@pulumi/gcp/projects";
import { Account, IAMMember as ServiceAccountIAMMember } from "@pulumi/gcp/serviceaccount";
import { assertDerivedNames } from "../../name-rules";
import { alertPolicySpecs, dashboardJson, gcpDerivedNames, gcpResourceNames, logSinkFilter, PROMETHEUS_GSA_ROLES, uptimeTarget, WORKLOAD_IDENTITY_ROLE } from "./render-resources";

/** A public endpoint Cloud Monitoring checks from outside. */
export interface UptimeCheckTarget {
  /** Short name, shown in the check's display name. */
  name: string;
  /** The https URL checked. */
  url: string;
}

export interface GcpMonitoringArgs {
  /** Cluster name: names and scopes every Google Cloud resource of this stack. */
  cluster: string;
  /** Project holding the monitoring resources. */
  project: string;
  /** Region of the log bucket. */
  region: string;
  /** Workload Identity pool of the cluster, e.g. `<project>.svc.id.goog`. */
  workloadIdentityPool: string;
  /** The in-cluster Prometheus' Kubernetes service account, bound to the Google service account. */
  prometheusServiceAccount: ServiceAccountRef;
  /** Runbook base URL of the alert catalog (linked from each policy's documentation). */
  runbookBaseUrl: string;
  /** The stack's alert catalog, built once (buildAlertCatalog); default: every default threshold. */
  alerts?: AlertDefinition[];
  /** Namespaces whose container logs are exported to the log bucket. */
  logNamespaces: string[];
  /** Retention of the log bucket, in days. */
  logRetentionDays: number;
  /** Public endpoints to check from Google's uptime-check locations. */
  uptimeChecks?: UptimeCheckTarget[];
  /** Email address notified of incidents. */
  email?: string;
  /** PagerDuty integration key (secret). */
  pagerdutyServiceKey?: pulumi.Input<string>;
  /** Webhook URL notified of incidents (secret). */
  webhookUrl?: pulumi.Input<string>;
}

/**
 * Google Cloud Monitoring for the stack: notification channels, one PromQL alert policy per catalog alert,
 * uptime checks with their alert policy, a dashboard, a log sink to a retained log bucket, and a Google
 * service account that only writes metrics, bound to Prometheus through Workload Identity.
 */
export class GcpMonitoring extends pulumi.ComponentResource {
  /** Email of the Google service account the Prometheus service account impersonates. */
  public readonly prometheusServiceAccountEmail: pulumi.Output<string>;
  /** Service-account annotations that bind Prometheus to its Google service account (GKE Workload Identity). */
  public readonly serviceAccountAnnotations: Record<string, pulumi.Output<string>>;
  /** Notification channel resource names. */
  public readonly notificationChannels: pulumi.Output<string>[];

  constructor(name: string, args: GcpMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every name is checked before anything is registered (the stack's config validation runs the same check).
    assertDerivedNames(`GcpMonitoring ${name}`, gcpDerivedNames({ cluster: args.cluster }));
    super("novacron:gcp:GcpMonitoring", name, {}, opts);
    const names = gcpResourceNames({ cluster: args.cluster });
    const parent = { parent: this };
    const project = args.project;
    const userLabels = { cluster: names.clusterLabel, "managed-by": "pulumi" };

    const channels: NotificationChannel[] = [];
    if (args.email) {
      channels.push(new NotificationChannel(`${name}-email`, { project, type: "email", displayName: `NovaCron ${args.cluster} email`, labels: { email_address: args.email }, userLabels }, parent));
    }
    if (args.pagerdutyServiceKey) {
      channels.push(new NotificationChannel(`${name}-pagerduty`, {
        project, type: "pagerduty", displayName: `NovaCron ${args.cluster} PagerDuty`, userLabels,
        sensitiveLabels: { serviceKey: pulumi.secret(args.pagerdutyServiceKey) },
      }, parent));
    }
    if (args.webhookUrl) {
      channels.push(new NotificationChannel(`${name}-webhook`, {
        project, type: "webhook_tokenauth", displayName: `NovaCron ${args.cluster} webhook`, userLabels,
        labels: pulumi.secret(pulumi.output(args.webhookUrl).apply((url) => ({ url }))),
      }, parent));
    }
    this.notificationChannels = channels.map((c) => c.name);
    const channelNames = channels.map((c) => c.name);

    for (const policy of alertPolicySpecs({ runbookBaseUrl: args.runbookBaseUrl, cluster: args.cluster, alerts: args.alerts ?? alertCatalog })) {
      new AlertPolicy(`${name}-${policy.alert}`, {
        project,
        displayName: policy.displayName,
        combiner: "OR",
        severity: policy.severity,
        userLabels: policy.userLabels,
        documentation: policy.documentation,
        conditions: [policy.condition],
        // The heartbeat is always firing by design: recorded, never sent.
        notificationChannels: policy.notifies ? channelNames : [],
        alertStrategy: { autoClose: "1800s" },
      }, parent);
    }

    const checks = (args.uptimeChecks ?? []).map((check) => {
      const target = uptimeTarget(check.url);
      return new UptimeCheckConfig(`${name}-uptime-${check.name}`, {
        project,
        displayName: `NovaCron ${args.cluster} ${check.name}`,
        timeout: "10s",
        period: "60s",
        monitoredResource: { type: "uptime_url", labels: { project_id: project, host: target.host } },
        httpCheck: { path: target.path, port: target.port, useSsl: true, validateSsl: true, requestMethod: "GET", acceptedResponseStatusCodes: [{ statusClass: "STATUS_CLASS_2XX" }] },
        userLabels,
      }, parent);
    });
    if (checks.length > 0) {
      new AlertPolicy(`${name}-uptime`, {
        project,
        displayName: `NovaCron ${args.cluster}: public endpoint down`,
        combiner: "OR",
        severity: "CRITICAL",
        userLabels,
        documentation: { mimeType: "text/markdown", content: "A NovaCron public endpoint failed its uptime check from more than one location for 2 minutes." },
        conditions: checks.map((check, i) => ({
          displayName: `uptime ${args.uptimeChecks![i].name}`,
          conditionThreshold: {
            filter: pulumi.interpolate`metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id="${check.uptimeCheckId}"`,
            aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_NEXT_OLDER", crossSeriesReducer: "REDUCE_COUNT_FALSE", groupByFields: ["resource.label.host"] }],
            comparison: "COMPARISON_GT",
            thresholdValue: 1,
            duration: "120s",
            trigger: { count: 1 },
          },
        })),
        notificationChannels: channelNames,
      }, parent);
    }

    new Dashboard(`${name}-dashboard`, { project, dashboardJson: dashboardJson({ cluster: args.cluster }) }, parent);

    const bucket = new ProjectBucketConfig(`${name}-logs`, {
      project,
      location: args.region,
      bucketId: names.logBucketId,
      retentionDays: args.logRetentionDays,
      description: `NovaCron ${args.cluster} logs, kept ${args.logRetentionDays} days`,
    }, parent);
    new ProjectSink(`${name}-logs`, {
      project,
      name: names.logSink,
      destination: pulumi.interpolate`logging.googleapis.com/${bucket.id}`,
      filter: logSinkFilter({ cluster: args.cluster, namespaces: args.logNamespaces }),
      uniqueWriterIdentity: true,
    }, parent);

    const gsa = new Account(`${name}-prometheus`, {
      project,
      accountId: names.prometheusServiceAccountId,
      displayName: `NovaCron ${args.cluster} Prometheus`,
      description: "Writes the in-cluster Prometheus' metrics to Managed Service for Prometheus; nothing else.",
    }, parent);
    for (const role of PROMETHEUS_GSA_ROLES) {
      new ProjectIAMMember(`${name}-prometheus-${role.split("/")[1]}`, { project, role, member: pulumi.interpolate`serviceAccount:${gsa.email}` }, parent);
    }
    const ksa = args.prometheusServiceAccount;
    new ServiceAccountIAMMember(`${name}-prometheus-workload-identity`, {
      serviceAccountId: gsa.name,
      role: WORKLOAD_IDENTITY_ROLE,
      member: `serviceAccount:${args.workloadIdentityPool}[${ksa.namespace}/${ksa.name}]`,
    }, parent);
    this.prometheusServiceAccountEmail = gsa.email;
    this.serviceAccountAnnotations = { "iam.gke.io/gcp-service-account": gsa.email };

    this.registerOutputs({ prometheusServiceAccountEmail: this.prometheusServiceAccountEmail });
  }
}
