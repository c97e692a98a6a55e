// Pure: the AWS side of the stack as data — the AMP rule groups namespaces (the catalog's rule files),
// AMP's Alertmanager definition, IAM and key policies, CloudWatch alarms and the dashboard body.
// No Pulumi here: the component turns these into resources, the tests read them directly.
import { stringify } from "yaml";
import { renderRuleFiles, RenderRulesOptions, ruleFileNames } from "../../alerts";
import { DerivedName, fitName } from "../../name-rules";
import { toYaml } from "../../yaml";

/** The seed's four log streams (Elasticsearch indices novacron-<stream>-*), one CloudWatch log group each. */
export const logStreams = ["application", "ml", "access", "errors"] as const;
export type LogStream = (typeof logStreams)[number];

export function logGroupName(cluster: string, stream: LogStream): string {
  return `/novacron/${cluster}/${stream}`;
}

/** The only action the in-cluster Prometheus needs on AMP: writing samples to its workspace. */
export const REMOTE_WRITE_ACTIONS = ["aps:RemoteWrite"] as const;

/** One rule groups namespace per domain; its data is byte for byte the in-cluster rule file. */
export function ampRuleNamespaces(options: RenderRulesOptions): { name: string; domain: string; data: string }[] {
  const files = renderRuleFiles(options);
  return Object.entries(ruleFileNames)
    .filter(([, file]) => file in files)
    .map(([domain, file]) => ({ name: ampRuleNamespaceName(domain), domain, data: files[file] }));
}

export interface ArnParts {
  partition: string;
  accountId: string;
  /** The OIDC issuer without scheme, e.g. oidc.eks.eu-west-1.amazonaws.com/id/ABC. */
  issuer: string;
}

/** Partition, account and issuer from an IAM OIDC provider ARN (validated by the stack schema). */
export function parseOidcProviderArn(arn: string): ArnParts {
  const match = /^arn:(aws[-a-z]*):iam::(\d{12}):oidc-provider\/(.+)$/.exec(arn);
  if (!match) throw new Error(`not an IAM OIDC provider ARN: ${arn}`);
  return { partition: match[1], accountId: match[2], issuer: match[3] };
}

type PolicyDocument = { Version: "2012-10-17"; Statement: Record<string, unknown>[] };

/** IRSA: only this Kubernetes service account, with the STS audience, may assume the role. */
export function irsaTrustPolicy(oidcProviderArn: string, serviceAccount: { namespace: string; name: string }): PolicyDocument {
  const { issuer } = parseOidcProviderArn(oidcProviderArn);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

/** Least privilege for remote_write: aps:RemoteWrite on this workspace only (no query, no management). */
export function remoteWritePolicy(workspaceArn: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Sid: "RemoteWriteOnly", Effect: "Allow", Action: [...REMOTE_WRITE_ACTIONS], Resource: workspaceArn }] };
}

/**
 * The key that encrypts the log groups and the alarm topic. The account root keeps administration (so the
 * key can never become unmanageable); CloudWatch Logs may use it only for this stack's log groups; CloudWatch
 * alarms and AMP's Alertmanager may use it only to publish to the encrypted topic.
 */
export function kmsKeyPolicy(args: { oidcProviderArn: string; region: string; cluster: string }): PolicyDocument {
  const { partition, accountId } = parseOidcProviderArn(args.oidcProviderArn);
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "CloudWatchLogsEncryptsStackLogGroups",
        Effect: "Allow",
        Principal: { Service: `logs.${args.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${args.region}:${accountId}:log-group:/novacron/${args.cluster}/*` } },
      },
      {
        Sid: "AlarmPublishersUseTopicKey",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "aps.amazonaws.com"] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/** Who may publish to the alarm topic: this account's CloudWatch alarms and this stack's AMP workspace. */
export function topicPolicy(args: { topicArn: string; workspaceArn: string; accountId: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudWatchAlarms",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: args.topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
      },
      {
        Sid: "AmpAlertmanager",
        Effect: "Allow",
        Principal: { Service: "aps.amazonaws.com" },
        Action: ["sns:Publish", "sns:GetTopicAttributes"],
        Resource: args.topicArn,
        Condition: { ArnEquals: { "aws:SourceArn": args.workspaceArn }, StringEquals: { "aws:SourceAccount": args.accountId } },
      },
    ],
  };
}

/**
 * AMP's Alertmanager: the catalog alerts evaluated in AMP go to the alarm topic (AMP's only receiver type);
 * the Watchdog heartbeat goes nowhere (it is meant for the in-cluster dead man's switch).
 */
export function ampAlertmanagerConfig(args: { topicArn: string; region: string }): Record<string, unknown> {
  return {
    route: {
      receiver: "sns",
      group_by: ["alertname", "cluster", "service", "instance"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [{ receiver: "blackhole", matchers: ['alertname="Watchdog"'] }],
    },
    receivers: [
      {
        name: "sns",
        sns_configs: [
          {
            topic_arn: args.topicArn,
            sigv4: { region: args.region },
            subject: "[NovaCron {{ .CommonLabels.severity }}] {{ .GroupLabels.alertname }}",
            attributes: { severity: "{{ .CommonLabels.severity }}", domain: "{{ .CommonLabels.domain }}" },
          },
        ],
      },
      { name: "blackhole" },
    ],
  };
}

/** The AlertManagerDefinition document: AMP wants the config as a string under alertmanager_config. */
export function ampAlertmanagerDefinition(args: { topicArn: string; region: string }): string {
  return stringify({ alertmanager_config: toYaml(ampAlertmanagerConfig(args)) }, { lineWidth: 0 });
}

/** A CloudWatch metric alarm as data (MetricAlarm args without the wiring). */
export interface AlarmSpec {
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: "Average" | "Sum" | "Minimum" | "Maximum";
  period: number;
  evaluationPeriods: number;
  comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanOrEqualToThreshold";
  threshold: number;
  treatMissingData: "breaching" | "notBreaching" | "missing" | "ignore";
  /** Notifies on its own; otherwise only as part of the composite "stack down" alarm. */
  notifies: boolean;
  /** Part of the composite "stack down" alarm. */
  stackDown: boolean;
}

/** Namespace of the metrics our log metric filters emit. */
export const LOG_METRICS_NAMESPACE = "NovaCron/Logs";

/**
 * Alarms on what CloudWatch itself sees, independent of the cluster's own alerting: samples arriving in AMP
 * (AWS/Usage), Container Insights' view of the nodes and the monitoring pods, and error log volume.
 */
export function alarmSpecs(args: { cluster: string; eksClusterName: string; workspaceId: string; namespace: string }): AlarmSpec[] {
  const prefix = args.cluster;
  return [
    {
      name: `${prefix}-amp-ingestion-stopped`,
      description: "No samples reached the AMP workspace for 5 minutes: every in-cluster Prometheus has stopped remote-writing.",
      namespace: "AWS/Usage",
      metricName: "ResourceCount",
      dimensions: { Service: "Prometheus", Type: "Resource", Resource: "IngestionRate", Class: "None", ResourceId: args.workspaceId },
      statistic: "Average",
      period: 60,
      evaluationPeriods: 5,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      notifies: false,
      stackDown: true,
    },
    {
      name: `${prefix}-monitoring-pods-down`,
      description: `No running pod in namespace ${args.namespace} (Container Insights) for 5 minutes.`,
      namespace: "ContainerInsights",
      metricName: "namespace_number_of_running_pods",
      dimensions: { ClusterName: args.eksClusterName, Namespace: args.namespace },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: 5,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      notifies: false,
      stackDown: true,
    },
    {
      name: `${prefix}-failed-nodes`,
      description: "Container Insights reports failed worker nodes.",
      namespace: "ContainerInsights",
      metricName: "cluster_failed_node_count",
      dimensions: { ClusterName: args.eksClusterName },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
      notifies: true,
      stackDown: false,
    },
    {
      name: `${prefix}-error-log-surge`,
      description: "More than 100 error log events in 5 minutes in the errors log group.",
      namespace: LOG_METRICS_NAMESPACE,
      metricName: `${args.cluster}-error-events`,
      dimensions: {},
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 100,
      treatMissingData: "notBreaching",
      notifies: true,
      stackDown: false,
    },
  ];
}

/** The composite "stack down" rule: any of its member alarms. */
export function stackDownRule(alarms: AlarmSpec[]): string {
  return alarms.filter((a) => a.stackDown).map((a) => `ALARM("${a.name}")`).join(" OR ");
}

/** The CloudWatch dashboard body (JSON): the alarms, AMP ingestion, the cluster and the error logs. */
export function dashboardBody(args: { region: string; cluster: string; eksClusterName: string; workspaceId: string; alarmArns: string[]; errorsLogGroup: string }): string {
  const usage = (resource: string) => ["AWS/Usage", "ResourceCount", "Service", "Prometheus", "Type", "Resource", "Resource", resource, "Class", "None", "ResourceId", args.workspaceId];
  const widget = (x: number, y: number, w: number, h: number, type: string, properties: Record<string, unknown>) => ({ type, x, y, width: w, height: h, properties });
  return JSON.stringify({
    widgets: [
      widget(0, 0, 24, 4, "alarm", { title: "NovaCron alarms", alarms: args.alarmArns }),
      widget(0, 4, 12, 6, "metric", { title: "AMP ingestion rate (samples/s)", region: args.region, stat: "Average", period: 60, metrics: [usage("IngestionRate")] }),
      widget(12, 4, 12, 6, "metric", { title: "AMP active series", region: args.region, stat: "Average", period: 300, metrics: [usage("ActiveSeries")] }),
      widget(0, 10, 12, 6, "metric", {
        title: "Node CPU and memory utilisation (%)",
        region: args.region,
        stat: "Average",
        period: 60,
        metrics: [
          ["ContainerInsights", "node_cpu_utilization", "ClusterName", args.eksClusterName],
          ["ContainerInsights", "node_memory_utilization", "ClusterName", args.eksClusterName],
        ],
      }),
      widget(12, 10, 12, 6, "metric", {
        title: "Failed nodes",
        region: args.region,
        stat: "Maximum",
        period: 60,
        metrics: [["ContainerInsights", "cluster_failed_node_count", "ClusterName", args.eksClusterName]],
      }),
      widget(0, 16, 24, 6, "log", {
        title: "Latest errors",
        region: args.region,
        view: "table",
        query: `SOURCE '${args.errorsLogGroup}' | fields @timestamp, @message | sort @timestamp desc | limit 50`,
      }),
    ],
  });
}

/**
 * X-Ray sampling rule names are per account and region and at most 32 characters: cluster first, then service;
 * a longer one keeps what fits beside a hash of the whole, so two services never share a rule name.
 */
export function samplingRuleName(cluster: string, service: string): string {
  return fitName("awsXraySamplingRuleName", `${cluster}-${service}`);
}

/** Every AWS name the stack gives, derived from the cluster name and the traced services. */
export interface AwsResourceNames {
  kmsAlias: string;
  logGroups: Record<LogStream, string>;
  /** The metric filter on the errors log group, and the metric it emits. */
  errorEventsFilter: string;
  errorEventsMetric: string;
  workspaceAlias: string;
  topic: string;
  prometheusRole: string;
  /** The metric alarms, in alarmSpecs order. */
  alarms: string[];
  stackDownAlarm: string;
  dashboard: string;
  traceGroup: string;
  /** One sampling rule per traced service, in their order. */
  samplingRules: string[];
  ruleGroupsNamespaces: string[];
}

export interface AwsNameArgs {
  /** Names and scopes every resource. */
  cluster: string;
  /** One sampling rule each. */
  tracedServices: string[];
}

/** The names AwsMonitoring gives its resources (it uses exactly these). */
export function awsResourceNames(args: AwsNameArgs): AwsResourceNames {
  const prefix = args.cluster;
  return {
    kmsAlias: `alias/${prefix}-monitoring`,
    logGroups: Object.fromEntries(logStreams.map((stream) => [stream, logGroupName(prefix, stream)])) as Record<LogStream, string>,
    errorEventsFilter: `${prefix}-error-events`,
    errorEventsMetric: `${prefix}-error-events`,
    workspaceAlias: prefix,
    topic: `${prefix}-alarms`,
    prometheusRole: `${prefix}-prometheus-remote-write`,
    // Alarm names depend on the cluster only (alarmSpecs' other args fill dimensions and descriptions).
    alarms: alarmSpecs({ cluster: prefix, eksClusterName: "", workspaceId: "", namespace: "" }).map((a) => a.name),
    stackDownAlarm: `${prefix}-stack-down`,
    dashboard: prefix,
    traceGroup: prefix,
    samplingRules: args.tracedServices.map((service) => samplingRuleName(prefix, service)),
    ruleGroupsNamespaces: Object.keys(ruleFileNames).map((domain) => ampRuleNamespaceName(domain)),
  };
}

/** The AMP rule groups namespace of one alert domain. */
export function ampRuleNamespaceName(domain: string): string {
  return `novacron-${domain}`;
}

/** awsResourceNames with the rule each must pass and the args each comes from. */
export function awsDerivedNames(args: AwsNameArgs): DerivedName[] {
  const n = awsResourceNames(args);
  const cluster = [["cluster"]];
  return [
    { kind: "awsKmsAliasName", name: n.kmsAlias, names: "the KMS key alias", from: cluster },
    ...logStreams.map((stream): DerivedName => ({ kind: "awsLogGroupName", name: n.logGroups[stream], names: `the ${stream} log group`, from: cluster })),
    { kind: "awsMetricFilterName", name: n.errorEventsFilter, names: "the error-events metric filter", from: cluster },
    { kind: "awsCloudWatchMetricName", name: n.errorEventsMetric, names: "the error-events metric", from: cluster },
    { kind: "awsAmpWorkspaceAlias", name: n.workspaceAlias, names: "the AMP workspace alias", from: cluster },
    { kind: "awsSnsTopicName", name: n.topic, names: "the alarm topic", from: cluster },
    { kind: "awsIamRoleName", name: n.prometheusRole, names: "Prometheus' remote-write IAM role", from: cluster },
    ...[...n.alarms, n.stackDownAlarm].map((name): DerivedName => ({ kind: "awsCloudWatchAlarmName", name, names: `the CloudWatch alarm ${name}`, from: cluster })),
    { kind: "awsCloudWatchDashboardName", name: n.dashboard, names: "the CloudWatch dashboard", from: cluster },
    { kind: "awsXrayGroupName", name: n.traceGroup, names: "the X-Ray group", from: cluster },
    ...n.samplingRules.map((name, i): DerivedName => ({ kind: "awsXraySamplingRuleName", name, names: `the X-Ray sampling rule of ${args.tracedServices[i]}`, from: [["cluster"], ["tracedServices", i]] })),
    ...n.ruleGroupsNamespaces.map((name): DerivedName => ({ kind: "awsAmpRuleGroupsNamespaceName", name, names: `the AMP rule groups namespace ${name}`, from: [] })),
  ];
}

/** The name of Prometheus' remote_write queue to Amazon Managed Service for Prometheus. */
export const AMP_REMOTE_WRITE_NAME = "amp";
