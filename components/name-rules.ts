// Pure: the naming rules of every API the stack names things in (Kubernetes, ECK, AWS, Google Cloud, Azure),
// one entry per kind of name, each with the page that states it; what is wrong with a candidate name; a
// deterministic way to shorten a name that must fit; and the limit and collision report over a set of derived
// names. Components derive their names with pure functions that use these rules, and the stack schema runs the
// same functions before any resource is registered.
import { createHash } from "crypto";

export interface NameRule {
  /** What the name names, as the messages say it, e.g. "AWS IAM role name". */
  what: string;
  min: number;
  max: number;
  /** Every character of the name must match this (one character). */
  chars: RegExp;
  /** The allowed characters in words, for messages. */
  charsText: string;
  /** The first character must match this, if set. */
  start?: RegExp;
  startText?: string;
  /** The last character must match this, if set. */
  end?: RegExp;
  endText?: string;
  /** Further rules: each pattern the whole name must not match, with why. */
  forbidden?: { pattern: RegExp; text: string }[];
  /** Where the API states the rule. */
  doc: string;
}

const K8S_NAMES = "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/";
const AZURE_NAMES = "https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules";
const ECK_NAMES = "https://github.com/elastic/cloud-on-k8s/blob/main/pkg/controller/common/name/name.go";
const LOWER_ALNUM = /[a-z0-9]/;
const ALNUM = /[A-Za-z0-9]/;
const azureInsightsForbidden = (chars: string) => ({ pattern: new RegExp(`[${chars.replace(/[\\\]^-]/g, "\\$&")}\\p{Cc}]`, "u"), text: `must not contain any of ${chars} or control characters` });

/** Every kind of name the stack derives, with its API's rule. */
export const nameRules = {
  // Kubernetes (apimachinery validation; the names page above).
  kubeDnsLabel: { what: "Kubernetes DNS-1123 label name", min: 1, max: 63, chars: /[a-z0-9-]/, charsText: "lower-case letters, digits and '-'", start: LOWER_ALNUM, startText: "a lower-case letter or digit", end: LOWER_ALNUM, endText: "a lower-case letter or digit", doc: `${K8S_NAMES}#dns-label-names` },
  kubeDnsSubdomain: {
    what: "Kubernetes DNS-1123 subdomain name", min: 1, max: 253, chars: /[a-z0-9.-]/, charsText: "lower-case letters, digits, '-' and '.'", start: LOWER_ALNUM, startText: "a lower-case letter or digit", end: LOWER_ALNUM, endText: "a lower-case letter or digit",
    forbidden: [{ pattern: /\.[^a-z0-9]|[^a-z0-9]\./, text: "must start and end each dot-separated part with a letter or digit" }], doc: `${K8S_NAMES}#dns-subdomain-names`,
  },
  kubeDns1035Label: { what: "Kubernetes DNS-1035 label name (Service)", min: 1, max: 63, chars: /[a-z0-9-]/, charsText: "lower-case letters, digits and '-'", start: /[a-z]/, startText: "a lower-case letter", end: LOWER_ALNUM, endText: "a lower-case letter or digit", doc: `${K8S_NAMES}#rfc-1035-label-names` },
  kubePathSegment: { what: "Kubernetes path segment name (RBAC)", min: 1, max: 253, chars: /[^/%]/, charsText: "any character but '/' and '%'", forbidden: [{ pattern: /^\.\.?$/, text: "must not be '.' or '..'" }], doc: `${K8S_NAMES}#path-segment-names` },
  kubeLabelValue: {
    what: "Kubernetes label value", min: 0, max: 63, chars: /[A-Za-z0-9._-]/, charsText: "letters, digits, '-', '_' and '.'", start: ALNUM, startText: "a letter or digit", end: ALNUM, endText: "a letter or digit",
    doc: "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set",
  },
  // ECK 3.5: ValidateNames (pkg/apis/elasticsearch/v1/name.go) and CheckNameLength (pkg/apis/common/v1): a
  // resource name leaves room for the longest suffix ECK adds (MaxResourceNameLength 36 = 63 - MaxSuffixLength 27).
  eckResourceName: { what: "ECK resource name (Elasticsearch, Kibana)", min: 1, max: 36, chars: /[a-z0-9.-]/, charsText: "lower-case letters, digits, '-' and '.'", start: LOWER_ALNUM, startText: "a lower-case letter or digit", end: LOWER_ALNUM, endText: "a lower-case letter or digit", doc: ECK_NAMES },
  /** The suffix "-es-<nodeSet>" may be at most MaxSuffixLength (27) long, so the node set name at most 23. */
  eckNodeSetName: {
    what: "ECK node set name", min: 1, max: 23, chars: /[a-z0-9.-]/, charsText: "lower-case letters, digits, '-' and '.'", start: LOWER_ALNUM, startText: "a lower-case letter or digit", end: LOWER_ALNUM, endText: "a lower-case letter or digit",
    doc: "https://github.com/elastic/cloud-on-k8s/blob/main/pkg/apis/elasticsearch/v1/name.go",
  },
  // AWS (each API reference's request parameters).
  awsIamRoleName: { what: "AWS IAM role name", min: 1, max: 64, chars: /[\w+=,.@-]/, charsText: "letters, digits and + = , . @ _ -", doc: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html" },
  awsXrayGroupName: { what: "AWS X-Ray group name", min: 1, max: 32, chars: /[A-Za-z0-9_.-]/, charsText: "letters, digits, '-', '_' and '.'", forbidden: [{ pattern: /^Default$/, text: "must not be the reserved name Default" }], doc: "https://docs.aws.amazon.com/xray/latest/api/API_CreateGroup.html" },
  awsXraySamplingRuleName: { what: "AWS X-Ray sampling rule name", min: 1, max: 32, chars: /[A-Za-z0-9_.-]/, charsText: "letters, digits, '-', '_' and '.'", doc: "https://docs.aws.amazon.com/xray/latest/api/API_SamplingRule.html" },
  awsSnsTopicName: { what: "AWS SNS topic name", min: 1, max: 256, chars: /[A-Za-z0-9_-]/, charsText: "letters, digits, '-' and '_'", doc: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html" },
  awsCloudWatchAlarmName: { what: "AWS CloudWatch alarm name", min: 1, max: 255, chars: /[^\p{Cc}]/u, charsText: "printable characters", doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html" },
  awsCloudWatchDashboardName: { what: "AWS CloudWatch dashboard name", min: 1, max: 255, chars: /[A-Za-z0-9_-]/, charsText: "letters, digits, '-' and '_'", doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html" },
  awsCloudWatchMetricName: { what: "AWS CloudWatch metric name", min: 1, max: 255, chars: /[^\p{Cc}]/u, charsText: "printable characters", doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html" },
  awsLogGroupName: { what: "AWS CloudWatch Logs log group name", min: 1, max: 512, chars: /[A-Za-z0-9._\-/#]/, charsText: "letters, digits and . _ - / #", doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html" },
  awsMetricFilterName: { what: "AWS CloudWatch Logs metric filter name", min: 1, max: 512, chars: /[^:*]/, charsText: "any character but ':' and '*'", doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html" },
  awsKmsAliasName: {
    what: "AWS KMS alias name", min: 7, max: 256, chars: /[A-Za-z0-9:/_-]/, charsText: "letters, digits and : / _ -",
    forbidden: [{ pattern: /^(?!alias\/)/, text: "must start with alias/" }, { pattern: /^alias\/aws\//, text: "must not start with alias/aws/ (reserved for AWS)" }], doc: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
  },
  awsAmpWorkspaceAlias: { what: "Amazon Managed Service for Prometheus workspace alias", min: 1, max: 100, chars: /[^\p{Cc}]/u, charsText: "printable characters", doc: "https://docs.aws.amazon.com/prometheus/latest/APIReference/API_CreateWorkspace.html" },
  awsAmpRuleGroupsNamespaceName: { what: "Amazon Managed Service for Prometheus rule groups namespace name", min: 1, max: 64, chars: /[A-Za-z0-9._-]/, charsText: "letters, digits, '-', '_' and '.'", start: ALNUM, startText: "a letter or digit", doc: "https://docs.aws.amazon.com/prometheus/latest/APIReference/API_CreateRuleGroupsNamespace.html" },
  awsS3BucketName: {
    what: "AWS S3 bucket name", min: 3, max: 63, chars: /[a-z0-9.-]/, charsText: "lower-case letters, digits, '-' and '.'", start: LOWER_ALNUM, startText: "a lower-case letter or digit", end: LOWER_ALNUM, endText: "a lower-case letter or digit",
    forbidden: [
      { pattern: /\.\./, text: "must not contain two adjacent periods" },
      { pattern: /^\d+\.\d+\.\d+\.\d+$/, text: "must not be formatted as an IP address" },
      { pattern: /^(xn--|sthree-|amzn-s3-demo-)/, text: "must not start with xn--, sthree- or amzn-s3-demo-" },
      { pattern: /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/, text: "must not end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3" },
    ],
    doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  },
  /** The Pulumi AWS provider appends 26 unique characters to a bucketPrefix (63 - 26 = 37). */
  awsS3BucketPrefix: { what: "AWS S3 bucket prefix", min: 1, max: 37, chars: /[a-z0-9.-]/, charsText: "lower-case letters, digits, '-' and '.'", start: LOWER_ALNUM, startText: "a lower-case letter or digit", doc: "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucket/#bucketprefix_nodejs" },
  // Google Cloud.
  gcpServiceAccountId: { what: "Google Cloud service account id", min: 6, max: 30, chars: /[a-z0-9-]/, charsText: "lower-case letters, digits and '-'", start: /[a-z]/, startText: "a lower-case letter", end: LOWER_ALNUM, endText: "a lower-case letter or digit", doc: "https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create" },
  gcpLogBucketId: { what: "Google Cloud Logging bucket id", min: 1, max: 100, chars: /[A-Za-z0-9_.-]/, charsText: "letters, digits, '-', '_' and '.'", start: ALNUM, startText: "a letter or digit", doc: "https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.locations.buckets/create" },
  gcpLogSinkName: { what: "Google Cloud Logging sink name", min: 1, max: 100, chars: /[A-Za-z0-9_.-]/, charsText: "letters, digits, '-', '_' and '.'", start: ALNUM, startText: "a letter or digit", doc: "https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.sinks#LogSink" },
  gcpLabelValue: { what: "Google Cloud label value", min: 0, max: 63, chars: /[a-z0-9_-]/, charsText: "lower-case letters, digits, '-' and '_'", doc: "https://cloud.google.com/resource-manager/docs/labels-overview#requirements" },
  gcsBucketName: {
    what: "Google Cloud Storage bucket name", min: 3, max: 63, chars: /[a-z0-9_.-]/, charsText: "lower-case letters, digits, '-', '_' and '.'", start: LOWER_ALNUM, startText: "a lower-case letter or digit", end: LOWER_ALNUM, endText: "a lower-case letter or digit",
    forbidden: [{ pattern: /^goog/, text: "must not start with goog" }, { pattern: /g[o0]{2}g[l1]e/, text: "must not contain google or a close misspelling" }, { pattern: /^\d+\.\d+\.\d+\.\d+$/, text: "must not be an IP address" }],
    doc: "https://cloud.google.com/storage/docs/buckets#naming",
  },
  // Azure (the resource name rules page, by resource provider).
  azureLogAnalyticsWorkspace: { what: "Azure Log Analytics workspace name", min: 4, max: 63, chars: /[A-Za-z0-9-]/, charsText: "letters, digits and '-'", start: ALNUM, startText: "a letter or digit", end: ALNUM, endText: "a letter or digit", doc: `${AZURE_NAMES}#microsoftoperationalinsights` },
  azureMonitorWorkspace: { what: "Azure Monitor workspace name", min: 4, max: 44, chars: /[A-Za-z0-9-]/, charsText: "letters, digits and '-'", start: ALNUM, startText: "a letter or digit", end: ALNUM, endText: "a letter or digit", doc: `${AZURE_NAMES}#microsoftmonitor` },
  azureDataCollectionEndpoint: { what: "Azure data collection endpoint name", min: 3, max: 44, chars: /[A-Za-z0-9-]/, charsText: "letters, digits and '-'", start: ALNUM, startText: "a letter or digit", end: ALNUM, endText: "a letter or digit", doc: `${AZURE_NAMES}#microsoftinsights` },
  azureDataCollectionRule: { what: "Azure data collection rule name", min: 1, max: 64, chars: /[A-Za-z0-9_.-]/, charsText: "letters, digits, '-', '_' and '.'", start: ALNUM, startText: "a letter or digit", doc: `${AZURE_NAMES}#microsoftinsights` },
  azureInsightsResource: {
    what: "Azure Monitor resource name (action group, metric alert, diagnostic setting, DCR association)", min: 1, max: 260, chars: /./u, charsText: "characters but those below",
    end: /[^ .]/, endText: "a character other than a space or '.'", forbidden: [azureInsightsForbidden("*#&+:<>?@%{}\\/|")], doc: `${AZURE_NAMES}#microsoftinsights`,
  },
  azureApplicationInsights: { what: "Azure Application Insights name", min: 1, max: 260, chars: /./u, charsText: "characters but those below", end: /[^ .]/, endText: "a character other than a space or '.'", forbidden: [azureInsightsForbidden("%&\\?/")], doc: `${AZURE_NAMES}#microsoftinsights` },
  azureActionGroupShortName: { what: "Azure action group short name", min: 1, max: 12, chars: /./u, charsText: "any characters", doc: "https://learn.microsoft.com/en-us/rest/api/monitor/action-groups/create-or-update" },
  azurePrometheusRuleGroup: { what: "Azure Prometheus rule group name", min: 1, max: 260, chars: /[^:@/#{}%&+*<>?]/, charsText: "any character but : @ / # { } % & + * < > ?", doc: "https://learn.microsoft.com/en-us/rest/api/monitor/prometheus-rule-groups/create-or-update" },
  azureUserAssignedIdentity: { what: "Azure user-assigned managed identity name", min: 3, max: 128, chars: /[A-Za-z0-9_-]/, charsText: "letters, digits, '-' and '_'", start: ALNUM, startText: "a letter or digit", doc: `${AZURE_NAMES}#microsoftmanagedidentity` },
  azureFederatedCredential: { what: "Azure federated identity credential name", min: 3, max: 120, chars: /[A-Za-z0-9_-]/, charsText: "letters, digits, '-' and '_'", start: ALNUM, startText: "a letter or digit", doc: "https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-create-trust-user-assigned-managed-identity#important-considerations-and-restrictions" },
  azureResourceGroup: { what: "Azure resource group name", min: 1, max: 90, chars: /[\p{L}\p{N}_().-]/u, charsText: "letters, digits, '_', '(', ')', '-' and '.'", end: /[^.]/, endText: "a character other than '.'", doc: `${AZURE_NAMES}#microsoftresources` },
  azureStorageAccount: { what: "Azure storage account name", min: 3, max: 24, chars: /[a-z0-9]/, charsText: "lower-case letters and digits", doc: `${AZURE_NAMES}#microsoftstorage` },
  azureBlobContainer: {
    what: "Azure blob container name", min: 3, max: 63, chars: /[a-z0-9-]/, charsText: "lower-case letters, digits and '-'", start: LOWER_ALNUM, startText: "a lower-case letter or digit", end: LOWER_ALNUM, endText: "a lower-case letter or digit",
    forbidden: [{ pattern: /--/, text: "must not contain consecutive hyphens" }], doc: `${AZURE_NAMES}#microsoftstorage`,
  },
} satisfies Record<string, NameRule>;

export type NameKind = keyof typeof nameRules;

/**
 * ECK's StatefulSet of a node set: a pod of it is <name>-<ordinal>, and its controller-revision-hash label,
 * <name>-<10 characters>, must be a label value (63), so ECK keeps room for both (ValidateNames).
 */
export function eckStatefulSetRule(count: number): NameRule {
  const ordinal = String(Math.max(0, Math.trunc(count))).length + 1;
  return {
    ...nameRules.kubeDnsLabel,
    what: `ECK StatefulSet name (room for the "-<ordinal>" of ${count} pods and a 10-character revision hash)`,
    max: nameRules.kubeLabelValue.max - ECK_REVISION_HASH_LENGTH - ordinal,
    doc: "https://github.com/elastic/cloud-on-k8s/blob/main/pkg/apis/elasticsearch/v1/name.go",
  };
}
const ECK_REVISION_HASH_LENGTH = 10;

/** What is wrong with `name` under `rule`: an empty list when nothing is. */
export function nameProblems(rule: NameRule | NameKind, name: string): string[] {
  const r: NameRule = typeof rule === "string" ? nameRules[rule] : rule;
  const problems: string[] = [];
  const length = [...name].length;
  if (length < r.min) problems.push(`is ${length} characters, under the minimum of ${r.min}`);
  if (length > r.max) problems.push(`is ${length} characters, over the limit of ${r.max}`);
  const bad = [...new Set([...name].filter((c) => !r.chars.test(c)))];
  if (bad.length > 0) problems.push(`contains ${bad.map((c) => JSON.stringify(c)).join(", ")}: only ${r.charsText} are allowed`);
  if (length > 0 && r.start && !r.start.test([...name][0])) problems.push(`must start with ${r.startText}`);
  if (length > 0 && r.end && !r.end.test([...name][length - 1])) problems.push(`must end with ${r.endText}`);
  for (const { pattern, text } of r.forbidden ?? []) if (pattern.test(name)) problems.push(text);
  return problems;
}

/** A short, stable hex digest of `text` (lower-case letters and digits: every rule above accepts it). */
export function nameHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * `base` if it is not too long for `rule`; otherwise as much of it as fits beside a hash of the whole of it,
 * so two long names never shorten to the same name and the result never ends in a separator. The result is
 * still judged by the rule (a name can be wrong in other ways than its length).
 */
export function fitName(rule: NameRule | NameKind, base: string, hashLength = 8): string {
  const r: NameRule = typeof rule === "string" ? nameRules[rule] : rule;
  if ([...base].length <= r.max) return base;
  const separator = r.chars.test("-") ? "-" : "";
  const keep = [...base].slice(0, r.max - hashLength - separator.length).join("");
  // Cut back to a character the rule lets a name end with, or any letter or digit.
  const trimmed = keep.replace(r.end ? new RegExp(`(?:(?!${r.end.source}).)+$`, "u") : /[^A-Za-z0-9]+$/, "");
  return `${trimmed}${trimmed ? separator : ""}${nameHash(base, hashLength)}`;
}

/** A name a component derives from its args, with what it names and the args it comes from. */
export interface DerivedName {
  /** The rule of its API. */
  kind: NameKind;
  /** The rule itself, when it depends on more than the kind (ECK's StatefulSet names and a node set's count). */
  rule?: NameRule;
  name: string;
  /** What the name names, for messages, e.g. "the X-Ray sampling rule of novacron-api". */
  names: string;
  /** The args it is derived from, as paths into the component's args, e.g. ["cluster"] or ["nodeSets", 1, "name"]. */
  from: (string | number)[][];
  /** Names are unique per kind within a scope (a resource group, a namespace); default: the kind's whole API. */
  scope?: string;
  /** Not an identifier (a label value), or completed by the provider with a random suffix: equal names do not collide. */
  shared?: boolean;
}

export interface NameProblem {
  name: DerivedName;
  message: string;
}

/** Every limit a derived name breaks, and every two names of one kind in one scope that are equal. */
export function derivedNameProblems(names: DerivedName[]): NameProblem[] {
  const problems: NameProblem[] = [];
  const seen = new Map<string, DerivedName>();
  for (const name of names) {
    const rule = name.rule ?? nameRules[name.kind];
    for (const problem of nameProblems(rule, name.name)) problems.push({ name, message: `${name.names} "${name.name}" ${problem} (${rule.what}: ${rule.doc})` });
    if (name.shared) continue;
    // Azure, Google and most AWS names compare case-insensitively or are lower-case anyway: compare folded.
    const key = `${name.kind}\u0000${name.scope ?? ""}\u0000${name.name.toLowerCase()}`;
    const first = seen.get(key);
    if (first) problems.push({ name, message: `${name.names} "${name.name}" is the same ${rule.what} as ${first.names}` });
    else seen.set(key, name);
  }
  return problems;
}

/** Throws before a component registers anything when a name it derives breaks its API's rules. */
export function assertDerivedNames(component: string, names: DerivedName[]): void {
  const problems = derivedNameProblems(names);
  if (problems.length > 0) {
    throw new Error(`${component}: invalid derived names:\n${problems.map((p) => `  - ${p.name.from.map((path) => path.join(".")).join(", ")}: ${p.message}`).join("\n")}`);
  }
}
