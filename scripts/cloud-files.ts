// The cloud side of the offline render: each cloud's generated rules, policies and alert definitions,
// read back from the resources the program registered, as files under cloud/<aws|gcp|azure>/.
import type { RenderedResource } from "./mock-resources";
import { azureRuleGroupsToPrometheus, AzureRuleGroup } from "../components/cloud/azure/render-resources";
import { parseIsoDuration } from "../components/cloud/rules";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const parsed = (text: unknown) => (typeof text === "string" ? JSON.parse(text) : text);
const slug = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, "-");

/** Files per cloud; empty when no cloud is enabled. */
export function cloudFiles(resources: RenderedResource[]): Record<string, string> {
  const files: Record<string, string> = {};
  const of = (type: string) => resources.filter((r) => r.type === type);
  const collect = (file: string, type: string, pick: (inputs: Record<string, any>) => unknown) => {
    const items = of(type).map((r) => pick(r.inputs));
    if (items.length > 0) files[file] = json(items);
  };

  // AWS
  for (const ns of of("aws:amp/ruleGroupNamespace:RuleGroupNamespace")) files[`cloud/aws/rules/${ns.inputs.name}.yml`] = ns.inputs.data;
  for (const am of of("aws:amp/alertManagerDefinition:AlertManagerDefinition")) files["cloud/aws/alertmanager-definition.yml"] = am.inputs.definition;
  for (const role of of("aws:iam/role:Role")) files[`cloud/aws/iam/${role.inputs.name}.trust-policy.json`] = json(parsed(role.inputs.assumeRolePolicy));
  for (const policy of of("aws:iam/rolePolicy:RolePolicy")) files[`cloud/aws/iam/${slug(policy.name)}.policy.json`] = json(parsed(policy.inputs.policy));
  for (const key of of("aws:kms/key:Key")) files["cloud/aws/kms-key-policy.json"] = json(parsed(key.inputs.policy));
  for (const policy of of("aws:sns/topicPolicy:TopicPolicy")) files["cloud/aws/sns-topic-policy.json"] = json(parsed(policy.inputs.policy));
  for (const dashboard of of("aws:cloudwatch/dashboard:Dashboard")) files["cloud/aws/dashboard.json"] = json(parsed(dashboard.inputs.dashboardBody));
  collect("cloud/aws/log-groups.json", "aws:cloudwatch/logGroup:LogGroup", ({ name, retentionInDays, kmsKeyId }) => ({ name, retentionInDays, encrypted: !!kmsKeyId }));
  collect("cloud/aws/alarms.json", "aws:cloudwatch/metricAlarm:MetricAlarm", (inputs) => inputs);
  collect("cloud/aws/composite-alarms.json", "aws:cloudwatch/compositeAlarm:CompositeAlarm", (inputs) => inputs);
  collect("cloud/aws/sns-subscriptions.json", "aws:sns/topicSubscription:TopicSubscription", ({ protocol, endpoint }) => ({ protocol, endpoint }));
  collect("cloud/aws/xray.json", "aws:xray/group:Group", (inputs) => inputs);
  collect("cloud/aws/xray-sampling-rules.json", "aws:xray/samplingRule:SamplingRule", (inputs) => inputs);

  // Google Cloud
  for (const policy of of("gcp:monitoring/alertPolicy:AlertPolicy")) files[`cloud/gcp/alert-policies/${slug(policy.name)}.json`] = json(policy.inputs);
  for (const dashboard of of("gcp:monitoring/dashboard:Dashboard")) files["cloud/gcp/dashboard.json"] = json(parsed(dashboard.inputs.dashboardJson));
  collect("cloud/gcp/notification-channels.json", "gcp:monitoring/notificationChannel:NotificationChannel", (inputs) => inputs);
  collect("cloud/gcp/uptime-checks.json", "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig", (inputs) => inputs);
  collect("cloud/gcp/log-sinks.json", "gcp:logging/projectSink:ProjectSink", (inputs) => inputs);
  collect("cloud/gcp/log-buckets.json", "gcp:logging/projectBucketConfig:ProjectBucketConfig", (inputs) => inputs);
  const grants = [
    ...of("gcp:projects/iAMMember:IAMMember").map((r) => ({ on: `project ${r.inputs.project}`, role: r.inputs.role, member: r.inputs.member })),
    ...of("gcp:serviceaccount/iAMMember:IAMMember").map((r) => ({ on: r.inputs.serviceAccountId, role: r.inputs.role, member: r.inputs.member })),
  ];
  if (grants.length > 0) files["cloud/gcp/iam.json"] = json(grants);

  // Azure
  const ruleGroups = of("azure-native:alertsmanagement:PrometheusRuleGroup").sort((a, b) => String(a.inputs.ruleGroupName).localeCompare(b.inputs.ruleGroupName));
  for (const group of ruleGroups) files[`cloud/azure/rule-groups/${group.inputs.ruleGroupName}.json`] = json(group.inputs);
  if (ruleGroups.length > 0) {
    // What Azure evaluates, as a Prometheus rule file, for promtool.
    const asRendered: AzureRuleGroup[] = ruleGroups.map((g) => ({
      name: g.inputs.ruleGroupName,
      sourceGroup: g.inputs.description.replace(/^NovaCron alert catalog: /, ""),
      interval: g.inputs.interval,
      rules: g.inputs.rules,
    }));
    asRendered.forEach((g) => parseIsoDuration(g.interval)); // fails loudly on a malformed interval
    files["cloud/azure/prometheus-rules.yml"] = azureRuleGroupsToPrometheus(asRendered);
  }
  collect("cloud/azure/action-groups.json", "azure-native:monitor:ActionGroup", (inputs) => inputs);
  collect("cloud/azure/metric-alerts.json", "azure-native:monitor:MetricAlert", (inputs) => inputs);
  collect("cloud/azure/diagnostic-settings.json", "azure-native:monitor:DiagnosticSetting", (inputs) => inputs);
  collect("cloud/azure/data-collection-rules.json", "azure-native:monitor:DataCollectionRule", (inputs) => inputs);
  collect("cloud/azure/data-collection-rule-associations.json", "azure-native:monitor:DataCollectionRuleAssociation", (inputs) => inputs);
  collect("cloud/azure/federated-credentials.json", "azure-native:managedidentity:FederatedIdentityCredential", (inputs) => inputs);
  collect("cloud/azure/role-assignments.json", "azure-native:authorization:RoleAssignment", (inputs) => inputs);
  return files;
}
