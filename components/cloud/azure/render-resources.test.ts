// The Azure translations: the catalog's rules as Azure Monitor Prometheus rule groups, and back.
import { parse } from "yaml";
import { durationSeconds } from "../../alerts";
import { catalogs, PromRule, runbookBaseUrl } from "../../../test/helpers/cloud-catalogs";
import { parseIsoDuration } from "../rules";
import { derivedNameProblems } from "../../name-rules";
import { azureDerivedNames, azureResourceNames, azureRuleGroups, azureRuleGroupsToPrometheus } from "./render-resources";

describe.each(catalogs)("every alert of %s, on Azure: same expression, duration and severity", (_, alerts) => {
  test.each(alerts.map((a) => [a.name, a] as const))("Azure Prometheus rule group: %s", (name, alert) => {
    const rules = azureRuleGroups({ runbookBaseUrl, alerts, cluster: "c" }).flatMap((g) => g.rules).filter((r) => r.alert === name);
    expect(rules).toHaveLength(1);
    expect(rules[0].expression).toBe(alert.expr);
    expect(rules[0].for ? parseIsoDuration(rules[0].for) : 0).toBe(durationSeconds(alert.for));
    expect(rules[0].labels!.severity).toBe(alert.severity);
    expect(rules[0].severity).toBe({ critical: 0, warning: 2, info: 3, none: 4 }[alert.severity]);
  });
});

describe("translations", () => {
  test("Azure rule groups convert back to the same rules (what promtool checks is what Azure runs)", () => {
    const groups = azureRuleGroups({ runbookBaseUrl, cluster: "c" });
    const back = parse(azureRuleGroupsToPrometheus(groups)).groups as { rules: PromRule[] }[];
    const exprs = back.flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs).toEqual(groups.flatMap((g) => g.rules.map((r) => r.expression)));
  });
});

describe("names", () => {
  const sa = { namespace: "monitoring", name: "prometheus" };
  const problems = (cluster: string, namespace = "monitoring") => derivedNameProblems(azureDerivedNames({ cluster, prometheusServiceAccount: { ...sa, namespace } })).map((p) => p.message);

  test("the prod names pass every rule; the rule groups are the in-cluster groups'", () => {
    expect(problems("novacron-prod")).toEqual([]);
    const names = azureResourceNames({ cluster: "novacron-prod", prometheusServiceAccount: sa });
    expect(names.ruleGroups).toEqual(azureRuleGroups({ runbookBaseUrl, cluster: "novacron-prod" }).map((g) => g.name));
    expect(names.logAnalyticsWorkspace).toBe("novacron-prod-logs");
  });

  test("the Azure Monitor workspace (44) limits the cluster to 33 characters; Log Analytics (63) to 58", () => {
    expect(problems("c".repeat(33))).toEqual([]);
    expect(problems("c".repeat(34))).toEqual([expect.stringMatching(/^the Azure Monitor workspace "c{34}-prometheus" is 45 characters, over the limit of 44/)]);
    expect(problems("c".repeat(59))).toContainEqual(expect.stringMatching(/^the Log Analytics workspace "c{59}-logs" is 64 characters, over the limit of 63/));
  });

  test("the federated credential's name comes from the cluster and Prometheus' namespace", () => {
    const credential = azureDerivedNames({ cluster: "c", prometheusServiceAccount: sa }).find((n) => n.kind === "azureFederatedCredential")!;
    expect(credential).toMatchObject({ name: "c-monitoring-prometheus", from: [["cluster"], ["prometheusServiceAccount", "namespace"], ["prometheusServiceAccount", "name"]] });
  });
});
