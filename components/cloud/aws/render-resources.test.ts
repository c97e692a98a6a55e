// The AWS translations: the catalog's rules as AMP rule groups namespaces, and least-privilege IAM policies.
import { parse } from "yaml";
import { AlertDefinition, durationSeconds } from "../../alerts";
import { catalogs, PromRule, runbookBaseUrl } from "../../../test/helpers/cloud-catalogs";
import { derivedNameProblems } from "../../name-rules";
import { ampRuleNamespaces, awsDerivedNames, awsResourceNames, irsaTrustPolicy, remoteWritePolicy } from "./render-resources";

const ampAlerts = (alerts: readonly AlertDefinition[]) =>
  ampRuleNamespaces({ runbookBaseUrl, alerts }).flatMap((ns) => (parse(ns.data).groups as { rules: PromRule[] }[]).flatMap((g) => g.rules)).filter((r) => r.alert);

describe.each(catalogs)("every alert of %s, on AWS: same expression, duration and severity", (_, alerts) => {
  test.each(alerts.map((a) => [a.name, a] as const))("AMP rule groups namespace: %s", (name, alert) => {
    const rules = ampAlerts(alerts).filter((r) => r.alert === name);
    expect(rules).toHaveLength(1);
    expect(rules[0].expr).toBe(alert.expr);
    expect(durationSeconds(rules[0].for!)).toBe(durationSeconds(alert.for));
    expect(rules[0].labels!.severity).toBe(alert.severity);
  });
});

describe("translations", () => {
  test("the AMP namespaces are the in-cluster rule files, recording rules included", () => {
    const records = ampRuleNamespaces({ runbookBaseUrl }).flatMap((ns) => (parse(ns.data).groups as { rules: PromRule[] }[]).flatMap((g) => g.rules)).filter((r) => r.record);
    expect(records.length).toBeGreaterThan(5);
  });
});

describe("least privilege, exactly", () => {
  test("AMP: the Prometheus role may only aps:RemoteWrite, on its workspace", () => {
    const arn = "arn:aws:aps:eu-west-1:123456789012:workspace/ws-1";
    expect(remoteWritePolicy(arn).Statement).toEqual([{ Sid: "RemoteWriteOnly", Effect: "Allow", Action: ["aps:RemoteWrite"], Resource: arn }]);
  });

  test("IRSA: only the Prometheus service account, with the STS audience, may assume the role", () => {
    const trust = irsaTrustPolicy("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", { namespace: "monitoring", name: "prometheus" });
    expect(trust.Statement).toEqual([{
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:monitoring:prometheus", "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com" } },
    }]);
  });
});

describe("names", () => {
  const services = ["novacron-api", "novacron-vm-manager", "novacron-migration", "novacron-scheduler", "ml-service"];
  const problems = (cluster: string, tracedServices = services) => derivedNameProblems(awsDerivedNames({ cluster, tracedServices })).map((p) => p.message);

  test("the prod names pass every rule; the sampling rule over 32 characters is shortened with a hash", () => {
    expect(problems("novacron-prod")).toEqual([]);
    const names = awsResourceNames({ cluster: "novacron-prod", tracedServices: services });
    expect(names.samplingRules).toEqual(["novacron-prod-novacron-api", expect.stringMatching(/^novacron-prod-novacron-[0-9a-f]{8}$/), "novacron-prod-novacron-migration", "novacron-prod-novacron-scheduler", "novacron-prod-ml-service"]);
    expect(names.prometheusRole).toBe("novacron-prod-prometheus-remote-write");
  });

  test("services that truncation made equal get distinct sampling rules", () => {
    const rules = awsResourceNames({ cluster: "novacron-production-eu", tracedServices: ["novacron-scheduler-a", "novacron-scheduler-b"] }).samplingRules;
    expect(new Set(rules).size).toBe(2);
    expect(problems("novacron-production-eu", ["novacron-scheduler-a", "novacron-scheduler-b"])).toEqual([]);
  });

  test("a cluster name over 32 characters breaks the X-Ray group; over 40, the IAM role", () => {
    expect(problems("c".repeat(32))).toEqual([]);
    expect(problems("c".repeat(33))).toEqual([expect.stringMatching(/^the X-Ray group "c{33}" is 33 characters, over the limit of 32 \(AWS X-Ray group name: https:/)]);
    expect(problems("c".repeat(40)).filter((p) => p.includes("IAM role"))).toEqual([]);
    expect(problems("c".repeat(41))).toContainEqual(expect.stringMatching(/^Prometheus' remote-write IAM role "c{41}-prometheus-remote-write" is 65 characters, over the limit of 64/));
  });

  test("each name comes from the cluster; a sampling rule from the cluster and its service", () => {
    const names = awsDerivedNames({ cluster: "novacron-prod", tracedServices: services });
    expect(names.find((n) => n.kind === "awsIamRoleName")!.from).toEqual([["cluster"]]);
    expect(names.filter((n) => n.kind === "awsXraySamplingRuleName").map((n) => n.from)).toEqual(services.map((_, i) => [["cluster"], ["tracedServices", i]]));
  });
});
