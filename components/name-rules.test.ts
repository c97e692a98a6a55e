// Each API's naming rule: a name at its limits passes, one character beyond fails; the shortening keeps names
// distinct and valid; collisions are found.
import { derivedNameProblems, eckStatefulSetRule, fitName, NameKind, nameProblems, nameRules } from "./name-rules";

/** A valid name of `length` characters for `kind` (KMS aliases must start with alias/). */
const sample = (kind: NameKind, length: number) => (kind === "awsKmsAliasName" ? `alias/${"a".repeat(Math.max(0, length - 6))}` : "a".repeat(length));
const kinds = Object.keys(nameRules) as NameKind[];

describe.each(kinds)("%s", (kind) => {
  const rule = nameRules[kind];
  test(`accepts ${rule.max} characters, refuses ${rule.max + 1}`, () => {
    expect(nameProblems(kind, sample(kind, rule.max))).toEqual([]);
    expect(nameProblems(kind, sample(kind, rule.max + 1))).toContain(`is ${rule.max + 1} characters, over the limit of ${rule.max}`);
  });
  test(`accepts ${rule.min} characters${rule.min > 0 ? `, refuses ${rule.min - 1}` : ""}`, () => {
    expect(nameProblems(kind, sample(kind, rule.min))).toEqual([]);
    if (rule.min > 0) expect(nameProblems(kind, sample(kind, rule.min - 1)).some((p) => p.includes("under the minimum"))).toBe(true);
  });
  test("has a link to where the API states it", () => expect(rule.doc).toMatch(/^https:\/\//));
});

describe("what each rule refuses beyond length", () => {
  test.each([
    ["gcpServiceAccountId", "novacron-prod-very-long-clust-", "must end with a lower-case letter or digit"],
    ["gcpServiceAccountId", "1novacron", "must start with a lower-case letter"],
    ["awsS3BucketName", "Loki-Chunks", `contains "L", "C": only lower-case letters, digits, '-' and '.' are allowed`],
    ["awsS3BucketName", "logs..archive", "must not contain two adjacent periods"],
    ["awsS3BucketName", "192.168.1.1", "must not be formatted as an IP address"],
    ["awsS3BucketName", "archive_2024", `contains "_": only lower-case letters, digits, '-' and '.' are allowed`],
    ["gcsBucketName", "google-logs", "must not contain google or a close misspelling"],
    ["azureBlobContainer", "log--archive", "must not contain consecutive hyphens"],
    ["azureStorageAccount", "loki-chunks", `contains "-": only lower-case letters and digits are allowed`],
    ["azureLogAnalyticsWorkspace", "cluster-", "must end with a letter or digit"],
    ["awsKmsAliasName", "alias/aws/x", "must not start with alias/aws/ (reserved for AWS)"],
    ["awsXrayGroupName", "Default", "must not be the reserved name Default"],
    ["kubeDnsSubdomain", "a.-b", "must start and end each dot-separated part with a letter or digit"],
    ["kubeDns1035Label", "1abc", "must start with a lower-case letter"],
    ["kubeLabelValue", "-abc", "must start with a letter or digit"],
    ["azureInsightsResource", "a/b", "must not contain any of *#&+:<>?@%{}\\/| or control characters"],
    ["azureInsightsResource", "alerts.", "must end with a character other than a space or '.'"],
  ] as [NameKind, string, string][])("%s refuses %j", (kind, name, problem) => {
    expect(nameProblems(kind, name)).toContain(problem);
  });

  test("the rules accept what the stack names today", () => {
    expect(nameProblems("gcpServiceAccountId", "novacron-prod-prometheus")).toEqual([]);
    expect(nameProblems("awsIamRoleName", "novacron-prod-prometheus-remote-write")).toEqual([]);
    expect(nameProblems("azurePrometheusRuleGroup", "novacron-prod-infrastructure-recording")).toEqual([]);
    expect(nameProblems("awsLogGroupName", "/novacron/novacron-prod/errors")).toEqual([]);
  });
});

describe("fitName", () => {
  test("keeps a name that fits as it is", () => {
    expect(fitName("awsXraySamplingRuleName", "novacron-prod-novacron-api")).toBe("novacron-prod-novacron-api");
  });

  test("names that share their first 32 characters shorten to different valid names, never ending in a separator", () => {
    const a = fitName("awsXraySamplingRuleName", "novacron-production-eu-west-novacron-api");
    const b = fitName("awsXraySamplingRuleName", "novacron-production-eu-west-novacron-app");
    expect(a).not.toBe(b);
    for (const name of [a, b]) {
      expect(name.length).toBeLessThanOrEqual(32);
      expect(nameProblems("awsXraySamplingRuleName", name)).toEqual([]);
    }
  });

  test("a GCP service account id cut where a hyphen falls does not end in it (the old .slice(0, 30) did)", () => {
    // 21 characters kept, then "-" + 8 hash characters; the base's 21st character is a hyphen.
    const base = "abcdefghijklmnopqrst-prometheus";
    expect(base.slice(0, 30)).toBe("abcdefghijklmnopqrst-prometheu");
    expect(fitName("gcpServiceAccountId", base)).toMatch(/^abcdefghijklmnopqrst-[0-9a-f]{8}$/);
    expect(nameProblems("gcpServiceAccountId", fitName("gcpServiceAccountId", "novacron-prod-eu-west-1-c-prometheus"))).toEqual([]);
  });

  test("is stable: the same input gives the same name", () => {
    expect(fitName("azureStorageAccount", "a".repeat(40))).toBe(fitName("azureStorageAccount", "a".repeat(40)));
    expect(fitName("azureStorageAccount", "a".repeat(40))).toMatch(/^a{16}[0-9a-f]{8}$/);
  });
});

describe("derivedNameProblems", () => {
  test("reports a broken limit with the name, the limit and the rule's page", () => {
    const [problem] = derivedNameProblems([{ kind: "awsIamRoleName", name: "r".repeat(65), names: "the role", from: [["cluster"]] }]);
    expect(problem.message).toBe(`the role "${"r".repeat(65)}" is 65 characters, over the limit of 64 (AWS IAM role name: ${nameRules.awsIamRoleName.doc})`);
  });

  test("two names of one kind in one scope collide, case-insensitively; other kinds, scopes and shared names do not", () => {
    const problems = derivedNameProblems([
      { kind: "kubeDnsLabel", name: "monitoring", names: "the stack's Namespace", from: [["namespace"]], scope: "namespaces" },
      { kind: "kubeDnsLabel", name: "monitoring", names: "the host agents' Namespace", from: [["hostNamespace"]], scope: "namespaces" },
      { kind: "kubeDnsLabel", name: "monitoring", names: "a StatefulSet", from: [], scope: "statefulsets" },
      { kind: "kubeLabelValue", name: "monitoring", names: "a label", from: [], shared: true },
      { kind: "kubeLabelValue", name: "monitoring", names: "another label", from: [], shared: true },
      { kind: "awsSnsTopicName", name: "Alarms", names: "topic A", from: [] },
      { kind: "awsSnsTopicName", name: "alarms", names: "topic B", from: [] },
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      `the host agents' Namespace "monitoring" is the same Kubernetes DNS-1123 label name as the stack's Namespace`,
      `topic B "alarms" is the same AWS SNS topic name as topic A`,
    ]);
  });
});

test("ECK's StatefulSet limit leaves room for the ordinal and the 10-character revision hash", () => {
  expect(eckStatefulSetRule(3).max).toBe(63 - 10 - 2);
  expect(eckStatefulSetRule(50).max).toBe(63 - 10 - 3);
  expect(nameProblems(eckStatefulSetRule(3), "a".repeat(51))).toEqual([]);
  expect(nameProblems(eckStatefulSetRule(3), "a".repeat(52))).toContain("is 52 characters, over the limit of 51");
});
