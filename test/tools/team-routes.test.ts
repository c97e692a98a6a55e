// Extra routes per team (novacron:alertmanager.teamRoutes; the docs' three, one of them email) in the prod
// stack as the program renders it: the Alertmanager config passes amtool check-config, `amtool config routes test` sends each alert where the
// team and the on-call expect it (critical still pages, the heartbeat stays alone), the team credentials
// reach only the Secret Alertmanager mounts, and the config-time matcher check agrees with amtool's.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { matcherProblem } from "../../stacks/schema/alertmanager";
import { CONFIG_NAMESPACE } from "../../stacks/config";
import { readStackConfig } from "../../scripts/render";
import { exampleCustomAlerts } from "../fixtures/custom-alerts";
import { exampleEmailTeamRoute, exampleTeamRoutes, exampleTeamSecrets } from "../fixtures/team-routes";
import { runProgram, ProgramRun } from "../helpers/program";
import { runTool, toolsBinDir } from "../helpers/tools";

let dir: string;
let run: ProgramRun;
let configFile: string;

beforeAll(async () => {
  toolsBinDir();
  const { config, secretKeys } = readStackConfig("prod");
  const prodAlertmanager = JSON.parse(config[`${CONFIG_NAMESPACE}:alertmanager`] ?? "{}") as Record<string, unknown>;
  const raw = {
    ...config,
    [`${CONFIG_NAMESPACE}:alertmanager`]: JSON.stringify({ ...prodAlertmanager, teamRoutes: [...exampleTeamRoutes, exampleEmailTeamRoute] }),
    [`${CONFIG_NAMESPACE}:customAlerts`]: JSON.stringify(exampleCustomAlerts),
    ...Object.fromEntries(Object.entries(exampleTeamSecrets).map(([k, v]) => [`${CONFIG_NAMESPACE}:${k}`, v])),
  };
  run = await runProgram(raw, [...secretKeys, ...Object.keys(exampleTeamSecrets).map((k) => `${CONFIG_NAMESPACE}:${k}`)], "prod");
  if (run.error) throw run.error;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "novacron-team-routes-"));
  const configMap = run.resources.find((r) => r.inputs.kind === "ConfigMap" && r.inputs.metadata?.name === "alertmanager-config")!;
  configFile = path.join(dir, "alertmanager.yml");
  fs.writeFileSync(configFile, configMap.inputs.data["alertmanager.yml"]);
}, 30 * 60_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const ok = (result: { status: number | null; stdout: string; stderr: string }) => {
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
};

test("amtool check-config accepts the config with the team routes", () => {
  expect(ok(runTool("amtool", ["check-config", configFile]))).toContain("SUCCESS");
  const am = parse(fs.readFileSync(configFile, "utf8"));
  expect(am.receivers.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(["route-payments", "route-payments-pager", "route-dba", "route-search"]));
});

test("the search team's email goes to both its addresses through the stack's SMTP server, resolved too", () => {
  const am = parse(fs.readFileSync(configFile, "utf8"));
  const search = am.receivers.find((r: { name: string }) => r.name === "route-search");
  expect(search.email_configs).toEqual([expect.objectContaining({ to: "search-oncall@novacron.example, search-leads@novacron.example", send_resolved: true })]);
  // The SMTP settings are the stack's (prod's email channel), the password read from its file.
  expect(am.global).toMatchObject({ smtp_smarthost: expect.any(String), smtp_from: expect.any(String), smtp_auth_password_file: "/etc/alertmanager/secrets/smtpPassword" });
  expect(fs.readFileSync(configFile, "utf8")).not.toMatch(/smtp_auth_password:/);
});

describe("amtool config routes test", () => {
  const route = (labels: Record<string, string>) =>
    ok(runTool("amtool", ["config", "routes", "test", `--config.file=${configFile}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)])).trim().split("\n").pop()!.split(",").sort();

  test.each([
    // The payments team's critical user alert: the stack's pager, the team's pager and the team's Slack; not the domain channel.
    [{ alertname: "PaymentsFailing", severity: "critical", domain: "application", team: "payments" }, ["pagerduty", "route-payments", "route-payments-pager"]],
    // Its warnings go to the team's Slack alone: no pager.
    [{ alertname: "PaymentsSlow", severity: "warning", domain: "application", team: "payments" }, ["route-payments"]],
    // The database team gets a copy (continue), and the domain's team still gets its alert.
    [{ alertname: "PostgresDown", severity: "critical", domain: "infrastructure" }, ["pagerduty", "route-dba", "team-infrastructure"]],
    [{ alertname: "MysqlReplicationLag", severity: "warning", domain: "infrastructure" }, ["route-dba", "team-infrastructure"]],
    // severity!="info": info alerts are not mailed.
    [{ alertname: "PostgresVacuumSlow", severity: "info", domain: "infrastructure" }, ["team-infrastructure"]],
    // The heartbeat stays alone even if it carried a team label.
    [{ alertname: "Watchdog", severity: "none", domain: "stack", team: "payments" }, ["heartbeat"]],
    // The search team's alerts are emailed to it alone; a critical one still pages the stack's on-call.
    [{ alertname: "SearchIndexingStalled", severity: "warning", domain: "application", team: "search" }, ["route-search"]],
    [{ alertname: "SearchDown", severity: "critical", domain: "application", team: "search" }, ["pagerduty", "route-search"]],
    // Catalog alerts without a team label route as before.
    [{ alertname: "NodeDown", severity: "critical", domain: "infrastructure" }, ["pagerduty", "team-infrastructure"]],
    [{ alertname: "ApiTrafficStopped", severity: "warning", domain: "application" }, ["team-application"]],
  ])("%o → %o", (labels, receivers) => {
    expect(route(labels)).toEqual(receivers);
  });
});

test("the team credentials are in Alertmanager's Secret, and in no other object", () => {
  const values = Object.values(exampleTeamSecrets);
  const secret = run.resources.find((r) => r.inputs.kind === "Secret" && r.inputs.metadata?.name === "alertmanager-secrets")!;
  expect(Object.fromEntries(Object.keys(exampleTeamSecrets).map((k) => [k, secret.inputs.stringData[k]]))).toEqual(exampleTeamSecrets);
  const elsewhere = run.resources.filter((r) => r !== secret && values.some((v) => JSON.stringify(r.inputs).includes(v)));
  expect(elsewhere.map((r) => `${r.type} ${r.name}`)).toEqual([]);
  // The config reads them from files.
  const text = fs.readFileSync(configFile, "utf8");
  expect(text).toContain("api_url_file: /etc/alertmanager/secrets/paymentsSlackWebhookUrl");
  expect(text).toContain("routing_key_file: /etc/alertmanager/secrets/paymentsPagerdutyKey");
});

/** amtool's verdict on one matcher, in a minimal config. */
function amtoolAccepts(matcher: string): boolean {
  const file = path.join(dir, "matcher.yml");
  fs.writeFileSync(file, JSON.stringify({ route: { receiver: "r", routes: [{ receiver: "r", matchers: [matcher] }] }, receivers: [{ name: "r" }] }));
  return runTool("amtool", ["check-config", file]).status === 0;
}

test.each([
  ['team="payments"', true], ["team=payments", true], ['severity!="info"', true], ['alertname=~"Postgres.+|Mysql.+"', true],
  ['job!~"test-.*"', true], ['a="with \\"quotes\\""', true], ['a=""', true], ['a=~"[a-z]{2,3}"', true],
  ["team", false], ['="x"', false], ['team="unterminated', false], ['a=~"("', false],
  ['a=~"(?=x)"', false], ['a=~"(?<!x)y"', false], ['a=~"(a)\\\\1"', false],
])("matcher %s: ours and amtool's verdict agree (valid: %s)", (matcher, valid) => {
  expect({ matcher, ours: matcherProblem(matcher) === undefined, amtool: amtoolAccepts(matcher) }).toEqual({ matcher, ours: valid, amtool: valid });
});

// Forms amtool lets through that mean something other than they seem (the value "=x"; an unknown escape
// kept literally): refused here on purpose. Never the other way round: nothing we accept is refused by amtool.
test.each(["team==x", 'a="bad \\q escape"'])("matcher %s: refused although amtool accepts it", (matcher) => {
  expect({ matcher, ours: matcherProblem(matcher) === undefined, amtool: amtoolAccepts(matcher) }).toEqual({ matcher, ours: false, amtool: true });
});
