import type { ServiceAccountRef } from "../rules";
import { alertCatalog } from "../../alerts/catalog";
import type { AlertDefinition, RecordingRule } from "../../alerts/types";
import * as pulumi from "@pulumi/pulumi";
import { AlertManagerDefinition, RuleGroupNamespace, Workspace } from "@pulumi/aws/amp";
import { CompositeAlarm, Dashboard, LogGroup, LogMetricFilter, MetricAlarm } from "@pulumi/aws/cloudwatch";
import { Role, RolePolicy } from "@pulumi/aws/iam";
import { Alias, Key } from "@pulumi/aws/kms";
import { Topic, TopicPolicy, TopicSubscription } from "@pulumi/aws/sns";
import { Group, SamplingRule } from "@pulumi/aws/xray";
import { assertDerivedNames } from "../../name-rules";
import type { RemoteWriteSpec } from "../../prometheus/render-config";
import {
  alarmSpecs, AMP_REMOTE_WRITE_NAME, ampAlertmanagerDefinition, ampRuleNamespaces, awsDerivedNames, awsResourceNames, dashboardBody, irsaTrustPolicy, kmsKeyPolicy, LOG_METRICS_NAMESPACE,
  logStreams, parseOidcProviderArn, remoteWritePolicy, stackDownRule, topicPolicy,
} from "./render-resources";

export interface AwsMonitoringArgs {
  /** Cluster name: names and scopes every AWS resource of this stack. */
  cluster: string;
  /** AWS region of the workspace, log groups and alarms. */
  region: string;
  /** IAM OIDC provider of the cluster's service-account issuer; IRSA trusts it. */
  oidcProviderArn: string;
  /** The in-cluster Prometheus' service account, the only identity allowed to remote-write. */
  prometheusServiceAccount: ServiceAccountRef;
  /** Namespace of the monitoring stack (Container Insights pod-count alarm). */
  monitoringNamespace: string;
  /** EKS cluster name as Container Insights reports it. */
  eksClusterName: string;
  /** Retention of the log groups, one of CloudWatch's allowed periods. */
  logRetentionDays: number;
  /** Runbook base URL of the alert catalog (the AMP rules' runbook_url annotations). */
  runbookBaseUrl: string;
  /** The stack's alert catalog, built once (buildAlertCatalog); default: every default threshold. */
  alerts?: AlertDefinition[];
  /** The recording rules the alerts read, with the stack's SLOs' (buildRecordingRules); default: the default SLOs'. */
  recording?: RecordingRule[];
  /** Services traced by X-Ray (service names as instrumented), one sampling rule each. */
  tracedServices: string[];
  /** X-Ray fixed sampling rate beyond the one-per-second reservoir (0..1). */
  traceSamplingRate: number;
  /** Email addresses subscribed to the alarm topic. */
  emails?: string[];
  /** HTTPS endpoints subscribed to the alarm topic (webhook, PagerDuty's CloudWatch integration); secrets. */
  httpsEndpoints?: pulumi.Input<string>[];
}

/**
 * AWS monitoring for the stack: AMP as long-term store with the alert catalog as rule groups namespaces and
 * an IRSA role for remote_write, CloudWatch log groups (KMS-encrypted), alarms with a composite "stack down",
 * an SNS topic with the configured subscriptions, a dashboard, and X-Ray group and sampling rules.
 */
export class AwsMonitoring extends pulumi.ComponentResource {
  /** The AMP workspace id. */
  public readonly workspaceId: pulumi.Output<string>;
  /** The IAM role the Prometheus service account assumes (annotate the service account with it). */
  public readonly prometheusRoleArn: pulumi.Output<string>;
  /** The alarm topic. */
  public readonly topicArn: pulumi.Output<string>;
  /** The remote_write entry for the in-cluster Prometheus (SigV4, role from the pod's web identity). */
  public readonly remoteWrite: pulumi.Output<RemoteWriteSpec>;
  /** Service-account annotations that bind Prometheus to its role (EKS pod identity webhook). */
  public readonly serviceAccountAnnotations: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: AwsMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every name is checked before anything is registered (the stack's config validation runs the same check).
    const nameArgs = { cluster: args.cluster, tracedServices: args.tracedServices };
    assertDerivedNames(`AwsMonitoring ${name}`, awsDerivedNames(nameArgs));
    super("novacron:aws:AwsMonitoring", name, {}, opts);
    const names = awsResourceNames(nameArgs);
    const parent = { parent: this };
    const prefix = args.cluster;
    const { accountId } = parseOidcProviderArn(args.oidcProviderArn);

    const key = new Key(`${name}-key`, {
      description: `NovaCron ${args.cluster}: log groups and alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(kmsKeyPolicy({ oidcProviderArn: args.oidcProviderArn, region: args.region, cluster: args.cluster })),
    }, parent);
    new Alias(`${name}-key`, { name: names.kmsAlias, targetKeyId: key.keyId }, parent);

    const logGroups = Object.fromEntries(logStreams.map((stream) => [stream, new LogGroup(`${name}-${stream}`, {
      name: names.logGroups[stream],
      retentionInDays: args.logRetentionDays,
      kmsKeyId: key.arn,
    }, parent)])) as Record<(typeof logStreams)[number], LogGroup>;
    new LogMetricFilter(`${name}-error-events`, {
      name: names.errorEventsFilter,
      logGroupName: logGroups.errors.name,
      pattern: "", // every event in the errors stream is an error
      metricTransformation: { name: names.errorEventsMetric, namespace: LOG_METRICS_NAMESPACE, value: "1", defaultValue: "0" },
    }, parent);

    const workspace = new Workspace(`${name}-amp`, { alias: names.workspaceAlias }, parent);
    this.workspaceId = workspace.id;
    for (const ns of ampRuleNamespaces({ runbookBaseUrl: args.runbookBaseUrl, alerts: args.alerts ?? alertCatalog, recording: args.recording })) {
      new RuleGroupNamespace(`${name}-${ns.name}`, { name: ns.name, workspaceId: workspace.id, data: ns.data }, parent);
    }

    const topic = new Topic(`${name}-alarms`, { name: names.topic, kmsMasterKeyId: key.id }, parent);
    this.topicArn = topic.arn;
    new TopicPolicy(`${name}-alarms`, {
      arn: topic.arn,
      policy: pulumi.all([topic.arn, workspace.arn]).apply(([topicArn, workspaceArn]) => JSON.stringify(topicPolicy({ topicArn, workspaceArn, accountId }))),
    }, parent);
    (args.emails ?? []).forEach((email, i) => new TopicSubscription(`${name}-email-${i}`, { topic: topic.arn, protocol: "email", endpoint: email }, parent));
    (args.httpsEndpoints ?? []).forEach((endpoint, i) =>
      new TopicSubscription(`${name}-https-${i}`, { topic: topic.arn, protocol: "https", endpoint: pulumi.secret(endpoint), endpointAutoConfirms: false }, parent));

    new AlertManagerDefinition(`${name}-alertmanager`, {
      workspaceId: workspace.id,
      definition: topic.arn.apply((topicArn) => ampAlertmanagerDefinition({ topicArn, region: args.region })),
    }, parent);

    const role = new Role(`${name}-prometheus`, {
      name: names.prometheusRole,
      description: "Assumed by the in-cluster Prometheus (IRSA) to remote-write to AMP",
      assumeRolePolicy: JSON.stringify(irsaTrustPolicy(args.oidcProviderArn, args.prometheusServiceAccount)),
      maxSessionDuration: 3600,
    }, parent);
    new RolePolicy(`${name}-prometheus-remote-write`, {
      role: role.id,
      policy: workspace.arn.apply((arn) => JSON.stringify(remoteWritePolicy(arn))),
    }, parent);
    this.prometheusRoleArn = role.arn;
    this.serviceAccountAnnotations = {
      "eks.amazonaws.com/role-arn": role.arn,
      // Regional STS: the token exchange stays in the workspace's region.
      "eks.amazonaws.com/sts-regional-endpoints": pulumi.output("true"),
    };
    this.remoteWrite = workspace.prometheusEndpoint.apply((endpoint) => ({
      name: AMP_REMOTE_WRITE_NAME,
      url: `${endpoint.replace(/\/+$/, "")}/api/v1/remote_write`,
      sigv4: { region: args.region },
      haDeduplication: true,
    }));

    const specs = workspace.id.apply((workspaceId) => alarmSpecs({ cluster: args.cluster, eksClusterName: args.eksClusterName, workspaceId, namespace: args.monitoringNamespace }));
    // The specs' names and shapes do not depend on the workspace id, so resources can be declared up front.
    const shapes = alarmSpecs({ cluster: args.cluster, eksClusterName: args.eksClusterName, workspaceId: "", namespace: args.monitoringNamespace });
    const alarms = shapes.map((shape, i) => {
      const spec = specs.apply((all) => all[i]);
      return new MetricAlarm(`${name}-${shape.name.slice(prefix.length + 1)}`, {
        name: names.alarms[i],
        alarmDescription: shape.description,
        namespace: shape.namespace,
        metricName: shape.metricName,
        dimensions: spec.dimensions,
        statistic: shape.statistic,
        period: shape.period,
        evaluationPeriods: shape.evaluationPeriods,
        comparisonOperator: shape.comparisonOperator,
        threshold: shape.threshold,
        treatMissingData: shape.treatMissingData,
        ...(shape.notifies ? { alarmActions: [topic.arn], okActions: [topic.arn] } : {}),
      }, parent);
    });
    const stackDown = new CompositeAlarm(`${name}-stack-down`, {
      alarmName: names.stackDownAlarm,
      alarmDescription: "The NovaCron monitoring stack is down: samples stopped reaching AMP or no monitoring pod is running.",
      alarmRule: stackDownRule(shapes),
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    }, { parent: this, dependsOn: alarms });

    new Dashboard(`${name}-dashboard`, {
      dashboardName: names.dashboard,
      dashboardBody: pulumi.all([workspace.id, stackDown.arn, ...alarms.map((a) => a.arn)]).apply(([workspaceId, ...alarmArns]) =>
        dashboardBody({ region: args.region, cluster: args.cluster, eksClusterName: args.eksClusterName, workspaceId, alarmArns, errorsLogGroup: names.logGroups.errors })),
    }, parent);

    new Group(`${name}-traces`, {
      groupName: names.traceGroup,
      filterExpression: args.tracedServices.map((s) => `service("${s}")`).join(" OR "),
      insightsConfiguration: { insightsEnabled: true, notificationsEnabled: false },
    }, parent);
    args.tracedServices.forEach((service, i) => new SamplingRule(`${name}-sampling-${service}`, {
      ruleName: names.samplingRules[i],
      priority: 1000 + i,
      reservoirSize: 1,
      fixedRate: args.traceSamplingRate,
      serviceName: service,
      serviceType: "*",
      host: "*",
      httpMethod: "*",
      urlPath: "*",
      resourceArn: "*",
      version: 1,
    }, parent));

    this.registerOutputs({ workspaceId: this.workspaceId, prometheusRoleArn: this.prometheusRoleArn, topicArn: this.topicArn });
  }
}
