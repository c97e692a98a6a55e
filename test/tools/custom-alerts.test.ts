// User-defined alerts (novacron:customAlerts) as the stack renders them, checked by the real tools: the rule
// files load in promtool, each user alert's own cases pass `promtool test rules` beside the catalog's, and
// Prometheus' parser agrees with the config-time check on what each expression selects. Negative controls
// prove both checks can fail.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AlertDefinition, buildAlertCatalog, renderAlertRuleTests, renderRuleFiles, testGroupName } from "../../components/alerts";
import { exportedMetrics } from "../../components/grafana/metric-inventory";
import { parseStackConfig } from "../../stacks/config";
import { exampleCustomAlerts } from "../fixtures/custom-alerts";
import { checkPromql } from "../helpers/promql";
import { filesUnder, renderToTempDir } from "../helpers/rendered";
import { runTool, toolsBinDir } from "../helpers/tools";

const runbookBaseUrl = "https://runbooks.novacron.example/alerts";
const { spec } = parseStackConfig({ "novacron:environment": "dev", "novacron:customAlerts": JSON.stringify(exampleCustomAlerts) });
const custom = spec.customAlerts!.alerts!;
const customNames = new Set(custom.map((a) => a.name));

function promtool(dir: string, args: string[]): { status: number | null; output: string } {
  const result = runTool("promtool", args, { cwd: dir });
  if (result.error) throw result.error;
  return { status: result.status, output: `$ promtool ${args.join(" ")}\n${result.stdout}${result.stderr}` };
}

/**
 * Writes the rules and tests of `alerts` to a fresh directory and runs promtool's checks there: the domain rule
 * files checked and linted as Prometheus loads them, the cases each on its alert's own rule file
 * (renderAlertRuleTests), so they cost what they test and not the whole domain's rules at every step.
 */
function runRules(alerts: AlertDefinition[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "novacron-custom-alerts-"));
  try {
    const rules = renderRuleFiles({ runbookBaseUrl, alerts });
    const perAlert = renderAlertRuleTests({ runbookBaseUrl, alerts });
    for (const [name, text] of Object.entries({ ...rules, ...perAlert })) fs.writeFileSync(path.join(dir, name), text);
    const junit = path.join(dir, "junit.xml");
    const check = promtool(dir, ["check", "rules", "--lint=all", "--lint-fatal", ...Object.keys(rules)]);
    const test = promtool(dir, ["test", "rules", `--junit=${junit}`, ...Object.keys(perAlert).filter((name) => name.endsWith(".test.yml"))]);
    const xml = fs.existsSync(junit) ? fs.readFileSync(junit, "utf8") : "";
    const passed = [...xml.matchAll(/<testcase name="([^"]*)"[^>]*?(\/>|>(?!\s*<failure))/g)].map((m) => m[1].replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
    return { check, test, passed };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(() => {
  toolsBinDir();
}, 30 * 60_000);

test("user alerts load in promtool and each of their cases passes, beside the catalog's", () => {
  const alerts = buildAlertCatalog(spec.alerts, undefined, undefined, custom);
  const { check, test, passed } = runRules(alerts);
  expect({ status: check.status, output: check.output }).toEqual({ status: 0, output: expect.any(String) });
  expect({ status: test.status, output: test.output }).toEqual({ status: 0, output: expect.any(String) });
  const userCases = alerts.filter((a) => customNames.has(a.name)).flatMap((a) => a.tests.map((t) => testGroupName(a, t)));
  expect(userCases.length).toBe(5);
  expect(passed.filter((name) => userCases.includes(name)).sort()).toEqual([...userCases].sort());
}, 300_000);

test("a user case that is wrong fails promtool (the check is real)", () => {
  // The quiet case's data, claimed to fire: promtool must report it.
  const [payments] = custom;
  const wrong = { ...payments, tests: [{ ...payments.tests[1], description: "claims to fire at 4%", fires: true, labels: { job: "payments" } }] };
  // Only the user alert: the catalog's cases beside it would pass and prove nothing more here.
  const { test } = runRules(buildAlertCatalog({}, undefined, undefined, [wrong]).filter((alert) => alert.name === wrong.name));
  expect(test.status).not.toBe(0);
  expect(test.output).toContain("claims to fire at 4%");
}, 300_000);

test("Prometheus' parser accepts each user alert and finds only metrics exported or declared", () => {
  const known = new Set([...exportedMetrics().keys(), ...(spec.customAlerts!.metrics ?? [])]);
  const results = checkPromql(custom.map((a) => ({ id: a.name, expr: a.expr })));
  expect(results.map((r) => ({ id: r.id, ok: r.ok, unnamed: r.unnamedSelectors }))).toEqual(custom.map((a) => ({ id: a.name, ok: true, unnamed: 0 })));
  expect(results.flatMap((r) => r.metrics.filter((m) => !known.has(m)))).toEqual([]);
  // Without the declared metrics, Prometheus' parser names the same two unknown metrics the config check refuses.
  const inventoryOnly = new Set(exportedMetrics().keys());
  expect(results.flatMap((r) => r.metrics.filter((m) => !inventoryOnly.has(m))).sort()).toEqual(["payments_failed_total", "payments_total"]);
}, 300_000);

test("npm run render writes a stack's user alerts with their cases, and promtool passes them there", () => {
  const out = renderToTempDir("dev", { customAlerts: JSON.stringify(exampleCustomAlerts) });
  try {
    const dir = path.join(out, "prometheus", "rule-tests");
    const junit = path.join(out, "junit.xml");
    // The user alerts' cases, on the rule files as rendered (the catalog's own cases on a rendered stack are
    // rendered-config.test.ts'; alert rules do not read one another, so the user alerts beside them change nothing).
    const only = custom.map((alert) => `--run=^${alert.name}: `);
    const result = runTool("promtool", ["test", "rules", `--junit=${junit}`, ...only, ...filesUnder(dir, ".test.yml").map((f) => path.basename(f))], { cwd: dir });
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: expect.any(String) });
    const names = [...fs.readFileSync(junit, "utf8").matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1]);
    expect(names.sort()).toEqual(custom.flatMap((alert) => alert.tests.map((t) => `${alert.name}: ${t.description}`)).sort());
    expect(fs.readFileSync(path.join(out, "prometheus", "rules", "application.yml"), "utf8")).toContain("alert: PaymentsFailing");
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 600_000);
