// The rendered rule files and their unit tests, checked by the pinned promtool: the rules must load (and lint
// clean), and every catalog alert's cases must pass. A negative control proves the harness can fail.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { alertCatalog, AlertDefinition, buildAlertCatalog, renderRuleFiles, renderRuleTests, testGroupName } from "../../components/alerts";
import { AlertOverrides, forLimits, MAX_ALERT_FOR, ThresholdSpec, thresholdNames, thresholdTable, WATCHDOG } from "../../components/alerts";
import { runTool, toolsBinDir } from "../helpers/tools";

const runbookBaseUrl = "https://runbooks.novacron.example/alerts";
const ruleFiles = renderRuleFiles({ runbookBaseUrl });
const testFiles = renderRuleTests({ runbookBaseUrl });
let dir: string;

/**
 * A whole catalog's cases in one run: every case evaluates every rule of its domain's file at each step, so the
 * stack file's cost grows with its rules times its cases (97 s measured with every `for` at 1h on 2 busy
 * cores). The wait is generous so a loaded machine slows the test down instead of failing it.
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
  for (const [name, text] of Object.entries({ ...ruleFiles, ...testFiles })) fs.writeFileSync(path.join(dir, name), text);
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
    expectSuccess(promtool(["test", "rules", `--junit=${junit}`, ...Object.keys(testFiles)]));

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
    const files = renderRuleTests({ runbookBaseUrl, alerts });
    const rules = renderRuleFiles({ runbookBaseUrl, alerts });
    const sub = fs.mkdtempSync(path.join(dir, `bounds-${end}-`));
    for (const [name, text] of Object.entries({ ...rules, ...files })) fs.writeFileSync(path.join(sub, name), text);
    const junit = path.join(sub, "junit.xml");
    expectSuccess(promtool(["test", "rules", `--junit=${junit}`, ...Object.keys(files).map((f) => path.join(sub, f))]));
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
    const files = renderRuleTests({ runbookBaseUrl, alerts });
    const sub = fs.mkdtempSync(path.join(dir, `for-${forValue}-`));
    for (const [name, text] of Object.entries({ ...renderRuleFiles({ runbookBaseUrl, alerts }), ...files })) fs.writeFileSync(path.join(sub, name), text);
    const junit = path.join(sub, "junit.xml");
    expectSuccess(promtool(["test", "rules", `--junit=${junit}`, ...Object.keys(files).map((f) => path.join(sub, f))]));
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
    const [[, text]] = Object.entries(renderRuleTests({ runbookBaseUrl, alerts: [wrong] }));
    fs.writeFileSync(path.join(dir, "negative-control.test.yml"), text);
    const junit = path.join(dir, "negative-control.xml");

    const result = promtool(["test", "rules", `--junit=${junit}`, "negative-control.test.yml"]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("HighCPUUsage: control: a firing case expected quiet");
    expect(readJunit(junit)).toEqual({ names: expect.any(Array), failures: 2 });
  });
});
