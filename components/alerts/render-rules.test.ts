import { parse } from "yaml";
import {
  alertCatalog,
  AlertDefinition,
  alertRuleFileName,
  buildAlertCatalog,
  buildRecordingRules,
  recordingRules,
  recordingRulesRead,
  renderAlertRuleTests,
  MAX_RULES_PER_GROUP,
  defaultThresholds,
  renderInhibitRules,
  renderRuleFiles,
  renderRuleTests,
  runbookSlug,
  runbookUrl,
  validateAlerts,
} from "./index";

const runbookBaseUrl = "https://runbooks.novacron.example/alerts";
const ruleFiles = renderRuleFiles({ runbookBaseUrl });
const testFiles = renderRuleTests({ runbookBaseUrl });

interface ParsedRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const parsedRules = Object.entries(ruleFiles).flatMap(([file, text]) =>
  (parse(text).groups as { name: string; rules: ParsedRule[] }[]).flatMap((group) => group.rules.map((rule) => ({ file, group: group.name, rule }))),
);

/** Lines that differ between two renderings with the same file names and line counts. */
function changedLines(before: Record<string, string>, after: Record<string, string>): { file: string; before: string; after: string }[] {
  expect(Object.keys(after)).toEqual(Object.keys(before));
  return Object.keys(before).flatMap((file) => {
    const a = before[file].split("\n");
    const b = after[file].split("\n");
    expect(b.length).toBe(a.length);
    return a.flatMap((line, i) => (line === b[i] ? [] : [{ file, before: line, after: b[i] }]));
  });
}

describe("runbookSlug", () => {
  it.each([
    ["HighCPUUsage", "high-cpu-usage"],
    ["MLExporterUpstreamDown", "ml-exporter-upstream-down"],
    ["VMCreationFailure", "vm-creation-failure"],
    ["PrometheusNotConnectedToAlertmanagers", "prometheus-not-connected-to-alertmanagers"],
    ["Watchdog", "watchdog"],
  ])("%s → %s", (name, slug) => {
    expect(runbookSlug(name)).toBe(slug);
  });

  it("joins the base URL with exactly one slash", () => {
    expect(runbookUrl(`${runbookBaseUrl}/`, "NodeDown")).toBe(`${runbookBaseUrl}/node-down`);
  });
});

describe("renderRuleFiles", () => {
  it("writes one rule file per domain, in the seed's layout plus the cluster's and the stack's", () => {
    expect(Object.keys(ruleFiles)).toEqual(["infrastructure.yml", "kubernetes.yml", "application.yml", "ml-pipeline.yml", "stack.yml"]);
  });

  it("renders every alert exactly once, in its domain's file, with severity, domain and the three annotations", () => {
    const fileOf = { infrastructure: "infrastructure.yml", kubernetes: "kubernetes.yml", application: "application.yml", ml: "ml-pipeline.yml", stack: "stack.yml" };
    for (const alert of alertCatalog) {
      const rendered = parsedRules.filter(({ rule }) => rule.alert === alert.name);
      expect(rendered).toHaveLength(1);
      const [{ file, group, rule }] = rendered;
      expect(file).toBe(fileOf[alert.domain]);
      expect(group).toMatch(new RegExp(`^${alert.domain}\\.alerts(\\.\\d+)?$`));
      expect(rule).toEqual({
        alert: alert.name,
        expr: alert.expr,
        for: alert.for,
        labels: { severity: alert.severity, domain: alert.domain },
        annotations: { summary: alert.summary, description: alert.description, runbook_url: `${runbookBaseUrl}/${runbookSlug(alert.name)}` },
      });
    }
  });

  it(`keeps every group within ${MAX_RULES_PER_GROUP} rules (AMP's quota), splitting a long domain in catalog order`, () => {
    const groups = Object.values(ruleFiles).flatMap((text) => parse(text).groups as { name: string; rules: { alert?: string }[] }[]);
    expect(groups.filter((group) => group.rules.length > MAX_RULES_PER_GROUP).map((group) => group.name)).toEqual([]);
    // A domain with more alerts than a group holds (the catalog's kubernetes domain): split, order kept, none lost.
    const kubernetes = alertCatalog.filter((alert) => alert.domain === "kubernetes");
    expect(kubernetes.length).toBeGreaterThan(MAX_RULES_PER_GROUP);
    const split = groups.filter((group) => /^kubernetes\.alerts/.test(group.name));
    expect(split.map((group) => group.name)).toEqual(["kubernetes.alerts", ...Array.from({ length: split.length - 1 }, (_, i) => `kubernetes.alerts.${i + 2}`)]);
    expect(split.flatMap((group) => group.rules.map((rule) => rule.alert))).toEqual(kubernetes.map((alert) => alert.name));
  });

  it("puts each domain's recording rules in a recording group before its alerts", () => {
    for (const text of Object.values(ruleFiles)) {
      const names = (parse(text).groups as { name: string }[]).map((group) => group.name);
      const recording = names.findIndex((name) => name.endsWith(".recording"));
      if (recording >= 0) expect(recording).toBeLessThan(names.findIndex((name) => name.endsWith(".alerts")));
    }
    expect(parsedRules.filter(({ rule }) => rule.record).length).toBeGreaterThan(0);
  });

  it("is deterministic", () => {
    expect(renderRuleFiles({ runbookBaseUrl })).toEqual(ruleFiles);
    expect(renderRuleTests({ runbookBaseUrl })).toEqual(testFiles);
  });

  it.each(Object.entries(defaultThresholds))("turns a change of %s's threshold into a one-line diff", (name, threshold) => {
    const changed = threshold === 0 ? 1 : Number((threshold * 1.1).toPrecision(6));
    const after = renderRuleFiles({ runbookBaseUrl, alerts: buildAlertCatalog({ [name]: { threshold: changed } }) });
    const diff = changedLines(ruleFiles, after);
    expect(diff).toHaveLength(1);
    expect(diff[0].before).toMatch(/^\s+expr: .* [<>] /);
    expect(diff[0].after).toBe(diff[0].before.replace(new RegExp(` ([<>]) ${String(threshold).replace(".", "\\.")}$`), ` $1 ${changed}`));
  });

  it("rejects duplicate alert names and unknown inhibition targets", () => {
    const [first] = alertCatalog;
    expect(() => validateAlerts([first, first])).toThrow(/duplicate alert/);
    expect(() => validateAlerts([{ ...first, inhibits: ["NoSuchAlert"], inhibitEqual: ["instance"] }])).toThrow(/unknown alert NoSuchAlert/);
    expect(() => validateAlerts([{ ...first, for: "two minutes" }])).toThrow(/unsupported duration/);
  });
});

describe("renderRuleTests", () => {
  const parsedTests = Object.fromEntries(Object.entries(testFiles).map(([file, text]) => [file, parse(text)]));

  it("writes one promtool test file per rule file (and per longer evaluation interval), loading it by relative name in recording-first order", () => {
    // The SLOs' hour-long cases are evaluated every minute, in a file of their own.
    expect(Object.keys(testFiles)).toEqual(["infrastructure.test.yml", "kubernetes.test.yml", "application.test.yml", "application.every-1m.test.yml", "ml-pipeline.test.yml", "stack.test.yml"]);
    for (const [file, doc] of Object.entries(parsedTests)) {
      const ruleFile = file.replace(/(\.every-1m)?\.test\.yml$/, ".yml");
      expect(doc.rule_files).toEqual([ruleFile]);
      expect(doc.evaluation_interval).toBe(file.includes(".every-1m.") ? "1m" : "15s");
      expect(doc.group_eval_order).toEqual((parse(ruleFiles[ruleFile]).groups as { name: string }[]).map((group) => group.name));
    }
  });

  it("renders one test group per case, with full labels and expanded annotations when it fires and none when quiet", () => {
    const groups = Object.values(parsedTests).flatMap((doc) => doc.tests);
    expect(groups).toHaveLength(alertCatalog.reduce((sum, alert) => sum + alert.tests.length, 0));

    const disk = alertCatalog.find((alert) => alert.name === "HighDiskUsage") as AlertDefinition;
    const [firing] = disk.tests.filter((testCase) => testCase.fires);
    const firingGroup = groups.find((group) => group.name === `HighDiskUsage: ${firing.description}`);
    expect(firingGroup.alert_rule_test).toEqual([
      {
        eval_time: firing.evalTime,
        alertname: "HighDiskUsage",
        exp_alerts: [
          {
            exp_labels: {
              severity: "warning",
              domain: "infrastructure",
              device: "/dev/sda1",
              fstype: "ext4",
              instance: "node-1:9100",
              job: "node-exporter",
              mountpoint: "/",
              node: "node-1",
            },
            exp_annotations: {
              summary: "Filesystem / on node-1:9100 is filling up",
              description: expect.stringContaining("Filesystem / (/dev/sda1) on node-1:9100 is fuller"),
              runbook_url: `${runbookBaseUrl}/high-disk-usage`,
            },
          },
        ],
      },
    ]);
    expect(firingGroup.input_series).toEqual(firing.series);

    const [quiet] = disk.tests.filter((testCase) => !testCase.fires);
    const quietGroup = groups.find((group) => group.name === `HighDiskUsage: ${quiet.description}`);
    expect(quietGroup.alert_rule_test[0].exp_alerts).toEqual([]);
  });

  it("rejects annotation templates a promtool case cannot predict", () => {
    const [first] = alertCatalog;
    const withValue = { ...first, description: "at {{ $value | humanizePercentage }}" };
    expect(() => renderRuleTests({ runbookBaseUrl, alerts: [withValue] })).toThrow(/only template/);
    const withMissingLabel = { ...first, summary: "on {{ $labels.pod }}" };
    expect(() => renderRuleTests({ runbookBaseUrl, alerts: [withMissingLabel] })).toThrow(/\$labels\.pod/);
  });
});

describe("recordingRulesRead", () => {
  const records = recordingRules.filter((rule) => rule.domain === "application");

  it("finds the recording rules an expression reads, through one another, in their order", () => {
    const p95 = records.find((rule) => /p95/.test(rule.record))!;
    const buckets = records.find((rule) => p95.expr.includes(rule.record))!;
    expect(buckets).toBeDefined();
    expect(recordingRulesRead(`${p95.record} > 1`, records)).toEqual(records.filter((rule) => rule === p95 || rule === buckets));
    expect(recordingRulesRead("up == 0", records)).toEqual([]);
  });

  it("takes them all when it cannot tell what the expression reads", () => {
    expect(recordingRulesRead('{__name__=~"service:.*"} > 1', records)).toEqual(records);
    expect(recordingRulesRead("rate(", records)).toEqual(records);
  });
});

describe("renderAlertRuleTests", () => {
  const files = renderAlertRuleTests({ runbookBaseUrl });

  it("writes a rule file and its test files for every alert, holding every case once", () => {
    const tests = Object.entries(files).filter(([file]) => file.endsWith(".test.yml")).map(([file, text]) => ({ file, doc: parse(text) }));
    for (const alert of alertCatalog) expect(files[alertRuleFileName(alert.name)]).toBeDefined();
    expect(Object.keys(files).filter((file) => !file.endsWith(".test.yml")).sort()).toEqual(alertCatalog.map((alert) => alertRuleFileName(alert.name)).sort());
    const names = tests.flatMap(({ doc }) => doc.tests.map((group: { name: string }) => group.name));
    expect(names.sort()).toEqual(Object.values(testFiles).flatMap((text) => parse(text).tests.map((group: { name: string }) => group.name)).sort());
    for (const { file, doc } of tests) {
      const alert = file.slice(0, file.indexOf("."));
      expect(doc.rule_files).toEqual([alertRuleFileName(alert)]);
      expect(doc.evaluation_interval).toBe(file.includes(".every-1m.") ? "1m" : "15s");
      expect(doc.group_eval_order).toEqual((parse(files[alertRuleFileName(alert)]).groups as { name: string }[]).map((group) => group.name));
      expect(doc.tests.every((group: { name: string }) => group.name.startsWith(`${alert}: `))).toBe(true);
    }
  });

  it("runs the same test groups as the domain files: the cases are rendered once", () => {
    const byName = (docs: { tests: { name: string }[] }[]) => new Map(docs.flatMap((doc) => doc.tests.map((group) => [group.name, group])));
    const perAlert = byName(Object.entries(files).filter(([file]) => file.endsWith(".test.yml")).map(([, text]) => parse(text)));
    const perDomain = byName(Object.values(testFiles).map((text) => parse(text)));
    expect(perAlert).toEqual(perDomain);
  });

  it("holds each alert's rule and the recording rules it reads exactly as its domain's file has them, recording first, in order", () => {
    for (const alert of alertCatalog) {
      const groups = parse(files[alertRuleFileName(alert.name)]).groups as { name: string; rules: ParsedRule[] }[];
      const rules = groups.flatMap((group) => group.rules);
      const domainFile = parsedRules.filter(({ rule }) => rule.alert === alert.name)[0].file;
      const shipped = parsedRules.filter(({ file }) => file === domainFile).map(({ rule }) => rule);
      // Each rule is one of the domain file's, and they keep its order (recording rules before the alert).
      const positions = rules.map((rule) => shipped.findIndex((other) => JSON.stringify(other) === JSON.stringify(rule)));
      expect([alert.name, positions.every((p) => p >= 0)]).toEqual([alert.name, true]);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(rules.filter((rule) => rule.alert).map((rule) => rule.alert)).toEqual([alert.name]);
      // Every recorded series whose name the expressions mention is there (a plain text check, not the parser's).
      const recorded = rules.filter((rule) => rule.record);
      const texts = [alert.expr, ...recorded.map((rule) => rule.expr)].join("\n");
      const mentioned = shipped.filter((rule) => rule.record && new RegExp(`${rule.record.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w:])`).test(texts));
      expect([alert.name, recorded.length]).toEqual([alert.name, mentioned.length]);
      expect(groups.map((group) => group.name)).toEqual([...(recorded.length > 0 ? [`${alert.domain}.recording`] : []), `${alert.domain}.alerts`]);
    }
    // The catalog does read recorded series: the check above is not vacuous.
    expect(Object.values(files).filter((text) => text.includes("record:")).length).toBeGreaterThan(5);
  });

  it("takes an SLO's recording rules from the SLOs it is given", () => {
    const slos = buildRecordingRules();
    const slo = { ...alertCatalog.find((alert) => /ErrorBudgetFastBurn$/.test(alert.name))!, inhibits: undefined, inhibitEqual: undefined };
    const rules = parse(renderAlertRuleTests({ runbookBaseUrl, alerts: [slo], recording: slos })[alertRuleFileName(slo.name)]).groups.flatMap((g: { rules: ParsedRule[] }) => g.rules);
    expect(rules.filter((rule: ParsedRule) => rule.record).length).toBeGreaterThan(0);
    expect(renderAlertRuleTests({ runbookBaseUrl, alerts: [slo], recording: [] })[alertRuleFileName(slo.name)]).not.toContain("record:");
  });
});

describe("renderInhibitRules", () => {
  const rules = renderInhibitRules(alertCatalog);

  it("lets NodeDown silence the node's resource alerts and CriticalCPUUsage silence HighCPUUsage, per instance", () => {
    expect(rules).toContainEqual({
      source_matchers: ['alertname="NodeDown"'],
      target_matchers: ['alertname=~"HighCPUUsage|CriticalCPUUsage|HighMemoryUsage|HighDiskUsage"'],
      equal: ["instance"],
    });
    expect(rules).toContainEqual({
      source_matchers: ['alertname="CriticalCPUUsage"'],
      target_matchers: ['alertname="HighCPUUsage"'],
      equal: ["instance"],
    });
  });

  it("ends with the generic critical-over-warning rule", () => {
    expect(rules[rules.length - 1]).toEqual({
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity="warning"'],
      equal: ["alertname", "instance"],
    });
    expect(rules).toHaveLength(alertCatalog.filter((alert) => alert.inhibits?.length).length + 1);
  });

  it("refuses an inhibition without the labels both alerts must share", () => {
    const node = alertCatalog.find((alert) => alert.name === "NodeDown") as AlertDefinition;
    expect(() => renderInhibitRules([...alertCatalog.filter((a) => a !== node), { ...node, inhibitEqual: [] }])).toThrow(/inhibitEqual/);
  });
});
