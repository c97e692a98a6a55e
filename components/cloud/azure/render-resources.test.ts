// The Azure translations: the catalog's rules as Azure Monitor Prometheus rule groups, and back.
import { parse } from "yaml";
import { durationSeconds } from "../../alerts";
import { catalogs, PromRule, runbookBaseUrl } from "../../../test/helpers/cloud-catalogs";
import { parseIsoDuration } from "../rules";
import { azureRuleGroups, azureRuleGroupsToPrometheus } from "./render-resources";

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
