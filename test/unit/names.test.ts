// Names under mocks: a config whose derived names break a limit fails in the program entry before anything is
// registered; and every name the dev and prod stacks register (every cloud on, Loki's bucket in each cloud)
// passes its API's rule, and no two resources of one kind share a name. A resource type registered here
// without an entry below fails the test, so a new name cannot skip the rules.
import { eckStatefulSetRule, NameKind, nameProblems } from "../../components/name-rules";
import { readStackConfig, renderStack, RenderResult, RenderedResource } from "../../scripts/render";
import { runProgram } from "../helpers/program";
import { sentinelChannelSecrets } from "../helpers/sentinels";

/** Where each cloud type keeps its name(s), and the rule of each. */
const cloudNames: Record<string, [field: string, kind: NameKind][]> = {
  "aws:kms/alias:Alias": [["name", "awsKmsAliasName"]],
  "aws:cloudwatch/logGroup:LogGroup": [["name", "awsLogGroupName"]],
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": [["name", "awsMetricFilterName"], ["metricTransformation.name", "awsCloudWatchMetricName"]],
  "aws:amp/workspace:Workspace": [["alias", "awsAmpWorkspaceAlias"]],
  "aws:amp/ruleGroupNamespace:RuleGroupNamespace": [["name", "awsAmpRuleGroupsNamespaceName"]],
  "aws:sns/topic:Topic": [["name", "awsSnsTopicName"]],
  "aws:iam/role:Role": [["name", "awsIamRoleName"]],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [["name", "awsCloudWatchAlarmName"], ["metricName", "awsCloudWatchMetricName"]],
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": [["alarmName", "awsCloudWatchAlarmName"]],
  "aws:cloudwatch/dashboard:Dashboard": [["dashboardName", "awsCloudWatchDashboardName"]],
  "aws:xray/group:Group": [["groupName", "awsXrayGroupName"]],
  "aws:xray/samplingRule:SamplingRule": [["ruleName", "awsXraySamplingRuleName"]],
  "aws:s3/bucket:Bucket": [["bucketPrefix", "awsS3BucketPrefix"]],
  "gcp:serviceaccount/account:Account": [["accountId", "gcpServiceAccountId"]],
  "gcp:logging/projectBucketConfig:ProjectBucketConfig": [["bucketId", "gcpLogBucketId"]],
  "gcp:logging/projectSink:ProjectSink": [["name", "gcpLogSinkName"]],
  "gcp:monitoring/notificationChannel:NotificationChannel": [["userLabels.cluster", "gcpLabelValue"]],
  "gcp:monitoring/alertPolicy:AlertPolicy": [["userLabels.cluster", "gcpLabelValue"]],
  "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": [["userLabels.cluster", "gcpLabelValue"]],
  "gcp:storage/bucket:Bucket": [["@autonamed:-0000000", "gcsBucketName"]],
  "azure-native:resources:ResourceGroup": [["resourceGroupName", "azureResourceGroup"]],
  "azure-native:operationalinsights:Workspace": [["workspaceName", "azureLogAnalyticsWorkspace"]],
  "azure-native:applicationinsights:Component": [["resourceName", "azureApplicationInsights"]],
  "azure-native:monitor:AzureMonitorWorkspace": [["azureMonitorWorkspaceName", "azureMonitorWorkspace"]],
  "azure-native:monitor:DataCollectionEndpoint": [["dataCollectionEndpointName", "azureDataCollectionEndpoint"]],
  "azure-native:monitor:DataCollectionRule": [["dataCollectionRuleName", "azureDataCollectionRule"]],
  "azure-native:monitor:DataCollectionRuleAssociation": [["associationName", "azureInsightsResource"]],
  "azure-native:managedidentity:UserAssignedIdentity": [["resourceName", "azureUserAssignedIdentity"]],
  "azure-native:managedidentity:FederatedIdentityCredential": [["federatedIdentityCredentialResourceName", "azureFederatedCredential"]],
  "azure-native:monitor:ActionGroup": [["actionGroupName", "azureInsightsResource"], ["groupShortName", "azureActionGroupShortName"]],
  "azure-native:alertsmanagement:PrometheusRuleGroup": [["ruleGroupName", "azurePrometheusRuleGroup"]],
  "azure-native:monitor:MetricAlert": [["ruleName", "azureInsightsResource"]],
  "azure-native:monitor:DiagnosticSetting": [["name", "azureInsightsResource"]],
  "azure-native:storage:StorageAccount": [["accountName", "azureStorageAccount"]],
  "azure-native:storage:BlobContainer": [["@autonamed:00000000", "azureBlobContainer"]],
};
/** A field a resource may leave to the provider's auto-naming: the logical name plus the provider's suffix. */
const autonamedFallback: Record<string, string> = {
  "aws:iam/role:Role": "-0000000",
  "azure-native:managedidentity:UserAssignedIdentity": "00000000",
  "azure-native:managedidentity:FederatedIdentityCredential": "00000000",
};
/** Types whose name the API generates (a GUID, an id) or that have none we give. */
const unnamed = new Set([
  "aws:kms/key:Key", "aws:iam/rolePolicy:RolePolicy", "aws:sns/topicPolicy:TopicPolicy", "aws:sns/topicSubscription:TopicSubscription", "aws:amp/alertManagerDefinition:AlertManagerDefinition",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  "gcp:monitoring/dashboard:Dashboard", "gcp:projects/iAMMember:IAMMember", "gcp:serviceaccount/iAMMember:IAMMember", "gcp:storage/bucketIAMMember:BucketIAMMember",
  "azure-native:authorization:RoleAssignment",
  "random:index/randomPassword:RandomPassword", "kubernetes:helm.sh/v4:Chart",
]);
/** Kubernetes object names by kind; every other kind is a DNS-1123 subdomain. */
const kubeNameKind: Record<string, NameKind> = {
  Namespace: "kubeDnsLabel", Service: "kubeDns1035Label", ClusterRole: "kubePathSegment", ClusterRoleBinding: "kubePathSegment", Role: "kubePathSegment", RoleBinding: "kubePathSegment",
  Elasticsearch: "eckResourceName", Kibana: "eckResourceName",
};

const at = (value: any, path: string) => path.split(".").reduce((v, k) => (v == null ? undefined : v[k]), value);

/** Every (name, rule, what) a registered resource carries. */
function namesOf(r: RenderedResource): { name: string; rule: NameKind; what: string; unique: string | undefined }[] {
  if (r.type.startsWith("kubernetes:") && r.inputs.kind) {
    const meta = r.inputs.metadata ?? {};
    const labels = [meta.labels, r.inputs.spec?.template?.metadata?.labels, ...(r.inputs.spec?.nodeSets ?? []).map((s: any) => s.podTemplate?.metadata?.labels)].filter(Boolean);
    return [
      { name: meta.name, rule: kubeNameKind[r.inputs.kind] ?? "kubeDnsSubdomain", what: `${r.inputs.kind} name`, unique: `${r.inputs.apiVersion}/${r.inputs.kind}/${meta.namespace ?? ""}` },
      ...labels.flatMap((l: Record<string, string>) => Object.entries(l).map(([k, v]) => ({ name: v, rule: "kubeLabelValue" as NameKind, what: `label ${k}`, unique: undefined }))),
    ];
  }
  const fields = cloudNames[r.type];
  if (!fields) return [];
  return fields.flatMap(([field, rule]) => {
    const autonamed = field.startsWith("@autonamed:") ? `${r.name}${field.slice("@autonamed:".length)}` : undefined;
    const value = autonamed ?? at(r.inputs, field) ?? (autonamedFallback[r.type] !== undefined ? `${r.name}${autonamedFallback[r.type]}` : undefined);
    const shared = field.startsWith("userLabels") || !!autonamed || at(r.inputs, field) === undefined;
    return [{ name: value, rule, what: field, unique: shared ? undefined : `${r.type}/${field}/${r.inputs.resourceGroupName ?? ""}` }];
  });
}

const prodClouds = JSON.parse(readStackConfig("prod").config["novacron:clouds"]);
const onlyCloud = (cloud: string) => JSON.stringify(Object.fromEntries(Object.entries(prodClouds).map(([name, s]) => [name, { ...(s as object), enabled: name === cloud }])));
const renders: Record<string, RenderResult> = {};

beforeAll(async () => {
  const secrets = sentinelChannelSecrets("SENTINEL-n4mes");
  renders.dev = await renderStack("dev", secrets);
  renders.prod = await renderStack("prod", secrets); // every cloud on; Loki's bucket in S3
  renders["prod, Loki in GCS"] = await renderStack("prod", { ...secrets, "novacron:clouds": onlyCloud("gcp") });
  renders["prod, Loki in Azure storage"] = await renderStack("prod", { ...secrets, "novacron:clouds": onlyCloud("azure") });
});

describe.each(["dev", "prod", "prod, Loki in GCS", "prod, Loki in Azure storage"])("%s: every registered name", (stack) => {
  test("passes its API's rule", () => {
    const broken = renders[stack].resources.flatMap((r) => namesOf(r).flatMap(({ name, rule, what }) => {
      const problems = typeof name === "string" ? nameProblems(rule, name) : ["is missing"];
      return problems.map((p) => `${r.type} ${r.name} ${what} "${name}" ${p}`);
    }));
    expect(broken).toEqual([]);
  });

  test("is unique among the resources of its kind", () => {
    const seen = new Map<string, string>();
    const collisions: string[] = [];
    for (const r of renders[stack].resources) {
      for (const { name, unique } of namesOf(r)) {
        if (unique === undefined) continue;
        const key = `${unique}/${String(name).toLowerCase()}`;
        if (seen.has(key)) collisions.push(`${r.name} and ${seen.get(key)}: ${key}`);
        else seen.set(key, r.name);
      }
    }
    expect(collisions).toEqual([]);
  });

  test("comes from a type whose names are known here", () => {
    const unknown = renders[stack].resources
      .map((r) => r.type)
      .filter((type) => !type.startsWith("novacron:") && !type.startsWith("pulumi:providers:") && !unnamed.has(type) && !(type in cloudNames) && !type.startsWith("kubernetes:"));
    expect([...new Set(unknown)]).toEqual([]);
    expect(renders[stack].resources.filter((r) => r.type.startsWith("kubernetes:") && !r.inputs.kind && !unnamed.has(r.type)).map((r) => r.type)).toEqual([]);
  });
});

test("a StatefulSet's pods fit their revision-hash label (the same room ECK keeps)", () => {
  const sets = renders.prod.resources.filter((r) => r.inputs.kind === "StatefulSet");
  expect(sets.length).toBeGreaterThan(2);
  for (const s of sets) expect([s.inputs.metadata.name, nameProblems(eckStatefulSetRule(s.inputs.spec.replicas), s.inputs.metadata.name)]).toEqual([s.inputs.metadata.name, []]);
});

describe("through the whole program", () => {
  const prodSecrets = ["webhookUrl"];
  const prod = { "novacron:environment": "prod", "novacron:notifications": JSON.stringify({ webhook: { enabled: true } }), "novacron:webhookUrl": "https://hooks.example.com/x" };

  test("a cluster name too long for AWS' names is a StackConfigError on novacron:cluster, and nothing is registered", async () => {
    const run = await runProgram({ ...prod, "novacron:cluster": `novacron-${"x".repeat(40)}`, "novacron:clouds": onlyCloud("aws") }, prodSecrets.map((k) => `novacron:${k}`), "prod");
    expect((run.error as Error)?.name).toBe("StackConfigError");
    expect((run.error as Error).message).toMatch(/novacron:cluster: Prometheus' remote-write IAM role "novacron-x{40}-prometheus-remote-write" is 73 characters, over the limit of 64/);
    expect(run.resources).toEqual([]);
  });

  test("the same program with the prod cluster name registers the stack (the assertion above can fail)", async () => {
    const run = await runProgram({ ...prod, "novacron:clouds": onlyCloud("aws") }, prodSecrets.map((k) => `novacron:${k}`), "prod");
    expect(run.error).toBeUndefined();
    expect(run.resources.some((r) => r.type === "aws:xray/samplingRule:SamplingRule")).toBe(true);
  });
});
