// The rendered rule files and their unit tests, checked by the pinned promtool: the rules must load (and lint
// clean), and every catalog alert's cases must pass. The cases run on each alert's own rule file
// (renderAlertRuleTests: its rule and the recording rules it reads, as its domain's file has them), so their
// cost grows with the cases and not with cases × the domain's rules; the domain files as Prometheus loads them
// are the ones checked and linted here. Negative controls prove the harness can fail.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { alertCatalog, AlertDefinition, alertRuleFileName, buildAlertCatalog, renderAlertRuleTests, renderRuleFiles, testGroupName } from "../../components/alerts";
import { AlertOverrides, forLimits, MAX_ALERT_FOR, ThresholdSpec, thresholdNames, thresholdTable, WATCHDOG } from "../../components/alerts";
import { buildRecordingRules, fullScope } from "../../components/alerts";
import { apiAvailabilitySlo, apiLatencySlo, burnExpr, burnRateAlerts, sloAlertName } from "../../components/slo";
import { runTool, toolsBinDir } from "../helpers/tools";

const runbookBaseUrl = "https://runbooks.novacron.example/alerts";
const ruleFiles = renderRuleFiles({ runbookBaseUrl });
/** Each alert's rule file and test files (`*.test.yml`). */
const alertFiles = renderAlertRuleTests({ runbookBaseUrl });
const testFilesOf = (files: Record<string, string>) => Object.keys(files).filter((file) => file.endsWith(".test.yml"));
let dir: string;

/**
 * A whole catalog's cases in one run (about 10 s on 2 busy cores with each alert's own rule file; over the
 * domain files, where every case evaluated every rule of its domain, it was minutes). The wait is generous so a
 * loaded machine slows the test down instead of failing it.
 */
const PROMTOOL_TIMEOUT_MS = 12 * 60_000;
const CATALOG_RUN_TIMEOUT_MS = PROMTOOL_TIMEOUT_MS + 60_000;

/** promtool's exit status, with its output attached so a failure explains itself. */
function promtool(args: string[]): { status: number | null; output: string } {
  const result = runTool("promtool", args, { cwd: dir, timeoutMs: PROMTOOL_TIMEOUT_MS });
  if (result.error) throw result.error;
  return { status: result.status, output: `$ promtool ${args.join(" ")}\n${result.stdout}${result.stderr}` };
}

function expectSuccess(result: { status: number | null; output: string }): void {
  // Comparing objects makes jest print promtool's output when the status is wrong.
  expect({ status: result.status, output: result.output }).toEqual({ status: 0, output: expect.any(String) });
}

/** Test-case names and failure count from promtool's JUnit report. */
function readJunit(file: string): { names: string[]; failures: number } {
  const xml = fs.readFileSync(file, "utf8");
  const unescape = (text: string) =>
    text.replace(/&#(x?)([0-9A-Fa-f]+);/g, (_, hex: string, code: string) => String.fromCodePoint(parseInt(code, hex ? 16 : 10)))
      .replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const names = [...xml.matchAll(/<testcase name="([^"]*)"/g)].map((match) => unescape(match[1]));
  return { names, failures: (xml.match(/<failure/g) ?? []).length };
}

beforeAll(() => {
  toolsBinDir(); // builds the pinned tools on a cold cache; cached afterwards
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "novacron-rules-"));
  for (const [name, text] of Object.entries({ ...ruleFiles, ...alertFiles })) fs.writeFileSync(path.join(dir, name), text);
}, 30 * 60_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("promtool check rules", () => {
  it.each(Object.keys(ruleFiles))("accepts %s", (file) => {
    expectSuccess(promtool(["check", "rules", file]));
  });

  // The pinned promtool (scripts/versions.env) lints; a build without it must fail here, not skip the lint.
  it("has the linter", () => {
    expect(promtool(["check", "rules", "--help"]).output).toContain("--lint=");
  });

  it.each(Object.keys(ruleFiles))("finds nothing to lint in %s", (file) => {
    expectSuccess(promtool(["check", "rules", "--lint=all", "--lint-fatal", file]));
  });
});

describe("promtool test rules", () => {
  it("passes every case of every alert, and runs a case for each one", () => {
    const junit = path.join(dir, "junit.xml");
    expectSuccess(promtool(["test", "rules", `--junit=${junit}`, ...testFilesOf(alertFiles)]));

    const { names, failures } = readJunit(junit);
    expect(failures).toBe(0);
    const expected = alertCatalog.flatMap((alert) => alert.tests.map((testCase) => testGroupName(alert, testCase)));
    expect(names.sort()).toEqual(expected.sort());
    const withoutCase = alertCatalog.filter((alert) => !names.some((name) => name.startsWith(`${alert.name}: `)));
    expect(withoutCase.map((alert) => alert.name)).toEqual([]);
  }, CATALOG_RUN_TIMEOUT_MS);

  // Each bounded threshold at the ends of its range (thresholds.ts): the rules still mean what they say there,
  // which is what the bounds claim. One catalog with every threshold at its minimum, one at its maximum.
  it.each(["min", "max"] as const)("passes every case with each bounded threshold at its %s", (end) => {
    const overrides: AlertOverrides = Object.fromEntries(thresholdNames.flatMap((name) => {
      const spec: ThresholdSpec = thresholdTable[name];
      return spec[end] === undefined ? [] : [[name, { threshold: spec[end] }]];
    }));
    expect(Object.keys(overrides).length).toBeGreaterThanOrEqual(end === "min" ? 5 : 4);
    const alerts = buildAlertCatalog(overrides);
    const files = renderAlertRuleTests({ runbookBaseUrl, alerts });
    const sub = fs.mkdtempSync(path.join(dir, `bounds-${end}-`));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(sub, name), text);
    const junit = path.join(sub, "junit.xml");
    expectSuccess(promtool(["test", "rules", `--junit=${junit}`, ...testFilesOf(files).map((f) => path.join(sub, f))]));
    expect(readJunit(junit).failures).toBe(0);
  }, CATALOG_RUN_TIMEOUT_MS);

  // Each alert's `for` at the ends of what a stack may set (stacks/schema/alerts.ts) and its severity changed:
  // the cases are built from the alert as the stack runs it, so they must still prove it.
  it.each(["0s", MAX_ALERT_FOR])("passes every case with every alert's for at %s (or its own limit) and its severity changed", (forValue) => {
    const overrides: AlertOverrides = Object.fromEntries(alertCatalog.filter((alert) => alert.name !== WATCHDOG).map((alert) => [
      alert.name, { for: forLimits[alert.name] && forValue === MAX_ALERT_FOR ? forLimits[alert.name].max : forValue, severity: alert.severity === "critical" ? "warning" : "critical" },
    ]));
    const alerts = buildAlertCatalog(overrides);
    expect(alerts.filter((alert) => alert.name !== WATCHDOG && !forLimits[alert.name]).every((alert) => alert.for === forValue)).toBe(true);
    const files = renderAlertRuleTests({ runbookBaseUrl, alerts });
    const sub = fs.mkdtempSync(path.join(dir, `for-${forValue}-`));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(sub, name), text);
    const junit = path.join(sub, "junit.xml");
    expectSuccess(promtool(["test", "rules", `--junit=${junit}`, ...testFilesOf(files).map((f) => path.join(sub, f))]));
    expect(readJunit(junit).failures).toBe(0);
  }, CATALOG_RUN_TIMEOUT_MS);

  it("fails when a case expects the wrong outcome (negative control)", () => {
    const highCpu = alertCatalog.find((alert) => alert.name === "HighCPUUsage") as AlertDefinition;
    const firing = highCpu.tests.find((testCase) => testCase.fires);
    const pending = highCpu.tests.find((testCase) => !testCase.fires && testCase.series === firing?.series);
    if (!firing || !pending) throw new Error("HighCPUUsage needs a firing case and its pending twin");
    const wrong: AlertDefinition = {
      ...highCpu,
      tests: [
        { ...firing, description: "control: a firing case expected quiet", fires: false },
        { ...pending, description: "control: a pending case expected to fire", fires: true, expectedLabels: firing.expectedLabels },
      ],
    };
    const sub = fs.mkdtempSync(path.join(dir, "negative-control-"));
    const files = renderAlertRuleTests({ runbookBaseUrl, alerts: [wrong] });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(sub, name), text);
    const junit = path.join(sub, "junit.xml");

    const result = promtool(["test", "rules", `--junit=${junit}`, ...testFilesOf(files).map((f) => path.join(sub, f))]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("HighCPUUsage: control: a firing case expected quiet");
    expect(readJunit(junit)).toEqual({ names: expect.any(Array), failures: 2 });
  });

  // An alert's own rule file must carry the recording rules it reads: HighCPUUsage reads the recorded CPU
  // utilisation, so without its recording group its firing cases fail (and its quiet ones still pass).
  it("fails an alert's cases when its rule file lacks the recording rules it reads (negative control)", () => {
    const highCpu = alertCatalog.find((alert) => alert.name === "HighCPUUsage") as AlertDefinition;
    const sub = fs.mkdtempSync(path.join(dir, "without-recording-"));
    const files = renderAlertRuleTests({ runbookBaseUrl, alerts: [highCpu] });
    const ruleFile = alertRuleFileName(highCpu.name);
    const { groups } = parse(files[ruleFile]) as { groups: { name: string; rules: { record?: string }[] }[] };
    expect(groups.filter((group) => group.rules.some((rule) => rule.record)).length).toBeGreaterThan(0);
    files[ruleFile] = stringify({ groups: groups.filter((group) => !group.rules.some((rule) => rule.record)) });
    for (const [name, text] of Object.entries(files)) {
      // group_eval_order may only name groups the rule files hold.
      const doc = name.endsWith(".test.yml") ? parse(text) : undefined;
      fs.writeFileSync(path.join(sub, name), doc ? stringify({ ...doc, group_eval_order: doc.group_eval_order.filter((g: string) => !g.endsWith(".recording")) }) : text);
    }
    const junit = path.join(sub, "junit.xml");
    const result = promtool(["test", "rules", `--junit=${junit}`, ...testFilesOf(files).map((f) => path.join(sub, f))]);
    expect(result.status).not.toBe(0);
    expect(readJunit(junit).failures).toBe(highCpu.tests.filter((testCase) => testCase.fires).length);
  });
});

// The SLOs' burn alerts run above with the catalog; here the same cases at other objectives and windows, and a
// page built on the wrong windows, which the cases must catch.
describe("SLO burn alerts", () => {
  const sloAlertNames = (slos: { name: string }[]) => new Set(slos.flatMap((slo) => [sloAlertName(slo, "fast"), sloAlertName(slo, "slow")]));
  function runCases(label: string, alerts: AlertDefinition[], recording = buildRecordingRules()) {
    const files = renderAlertRuleTests({ runbookBaseUrl, alerts, recording });
    const sub = fs.mkdtempSync(path.join(dir, `${label}-`));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(sub, name), text);
    const junit = path.join(sub, "junit.xml");
    return { result: promtool(["test", "rules", `--junit=${junit}`, ...testFilesOf(files).map((f) => path.join(sub, f))]), junit };
  }

  // 95% can burn at most 20× (100% errors), 99.95% leaves a tenth of the default budget; 7d and 90d windows.
  it("passes every case at other objectives and windows", () => {
    const slos = [{ ...apiAvailabilitySlo, objective: 0.95, window: "7d" }, { ...apiLatencySlo, objective: 0.9995, window: "90d" }];
    const names = sloAlertNames(slos);
    const alerts = buildAlertCatalog({}, fullScope, slos).filter((alert) => names.has(alert.name));
    expect(alerts.map((a) => a.name).sort()).toEqual([...names].sort());
    const { result, junit } = runCases("slo-objectives", alerts, buildRecordingRules(slos));
    expectSuccess(result);
    const { names: run, failures } = readJunit(junit);
    expect(failures).toBe(0);
    expect(run.sort()).toEqual(alerts.flatMap((alert) => alert.tests.map((testCase) => testGroupName(alert, testCase))).sort());
    // Every burn alert has its cases: a fast burn pages in time, a slow one opens a ticket and does not page.
    expect(run.filter((n) => /FastBurn: pages within/.test(n))).toHaveLength(2);
    expect(run.filter((n) => /FastBurn: does not page on a slow burn/.test(n))).toHaveLength(2);
    expect(run.filter((n) => /SlowBurn: fires when/.test(n))).toHaveLength(2);
  }, CATALOG_RUN_TIMEOUT_MS);

  it("fails a page on the wrong windows or factors: on a slow burn and too early, or too late (negative controls)", () => {
    const name = sloAlertName(apiAvailabilitySlo, "fast");
    const page = alertCatalog.find((alert) => alert.name === name) as AlertDefinition;
    const withExpr = (expr: string): AlertDefinition => ({ ...page, expr, inhibits: undefined, inhibitEqual: undefined });
    // The ticket's windows and factors: a 4.5× burn pages, and a fast burn pages before the 1h window could know.
    const ticketLike = runCases("slo-control-ticket", [withExpr(burnExpr(apiAvailabilitySlo, burnRateAlerts.slow.pairs))]);
    expect(ticketLike.result.status).not.toBe(0);
    expect(ticketLike.result.output).toContain(`${name}: does not page on a slow burn`);
    expect(ticketLike.result.output).toContain(`${name}: not yet paging`);
    // Twice the factors: a 28.8× burn pages only through the 6h pair, hours late.
    const doubled = burnRateAlerts.fast.pairs.map((pair) => ({ ...pair, factor: 2 * pair.factor }));
    const late = runCases("slo-control-late", [withExpr(burnExpr(apiAvailabilitySlo, doubled))]);
    expect(late.result.status).not.toBe(0);
    expect(late.result.output).toContain(`${name}: pages within`);
    expect(late.result.output).not.toContain(`${name}: fires when errors burn the budget`);
  }, CATALOG_RUN_TIMEOUT_MS);
});

