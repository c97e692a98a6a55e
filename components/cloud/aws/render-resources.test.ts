// The AWS translations: the catalog's rules as AMP rule groups namespaces, and least-privilege IAM policies.
import { parse } from "yaml";
import { AlertDefinition, durationSeconds } from "../../alerts";
import { catalogs, PromRule, runbookBaseUrl } from "../../../test/helpers/cloud-catalogs";
import { ampRuleNamespaces, irsaTrustPolicy, remoteWritePolicy } from "./render-resources";

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
