// A team route's email, delivered: the prod stack with docs/alerts.md's team routes (one of them email) is
// rendered by the program, and its alertmanager.yml run by the real Alertmanager on 127.0.0.1 against a
// stand-in SMTP server (test/loopback/smtp-receiver.ts). Only addresses change for loopback: the smarthost,
// the secret files' directory, and STARTTLS off (the stand-in has no TLS; prod requires it). An alert of the
// search team reaches its two addresses and nobody else, authenticated with the smtpPassword secret's file;
// an alert without a team still goes to the on-call address, so the receiver tells the two apart.
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { CONFIG_NAMESPACE } from "../../stacks/config";
import { readStackConfig } from "../../scripts/render";
import { exampleEmailTeamRoute, exampleTeamRoutes, exampleTeamSecrets } from "../fixtures/team-routes";
import { runProgram } from "../helpers/program";
import { toolPath, toolsBinDir } from "../helpers/tools";
import { loopbackAlertmanagerConfig } from "../loopback/config";
import { freePorts, LOOPBACK, makeTempDir, pollUntil, startProcess, StartedProcess, stopProcess, waitForHttp } from "../loopback/processes";
import { ReceivedMail, SmtpReceiver, startSmtpReceiver } from "../loopback/smtp-receiver";

const MINUTE = 60_000;
/** The SMTP password's stand-in, written to the secret file the rendered config names. */
const SMTP_PASSWORD = "smtp-sentinel-5f3a9c";

let smtp: SmtpReceiver;
let alertmanager: StartedProcess;
let web: string;
let rendered: Record<string, any>;
let onCall: string;

beforeAll(async () => {
  toolsBinDir();
  const { config, secretKeys } = readStackConfig("prod");
  const prodAlertmanager = JSON.parse(config[`${CONFIG_NAMESPACE}:alertmanager`] ?? "{}") as Record<string, unknown>;
  onCall = (JSON.parse(config[`${CONFIG_NAMESPACE}:notifications`]) as { email: { to: string } }).email.to;
  const run = await runProgram({
    ...config,
    [`${CONFIG_NAMESPACE}:alertmanager`]: JSON.stringify({ ...prodAlertmanager, teamRoutes: [...exampleTeamRoutes, exampleEmailTeamRoute] }),
    ...Object.fromEntries(Object.entries(exampleTeamSecrets).map(([k, v]) => [`${CONFIG_NAMESPACE}:${k}`, v])),
  }, [...secretKeys, ...Object.keys(exampleTeamSecrets).map((k) => `${CONFIG_NAMESPACE}:${k}`)], "prod");
  if (run.error) throw run.error;
  const yaml: string = run.resources.find((r) => r.inputs.kind === "ConfigMap" && r.inputs.metadata?.name === "alertmanager-config")!.inputs.data["alertmanager.yml"];
  rendered = parse(yaml);

  smtp = await startSmtpReceiver();
  const dir = makeTempDir("team-email");
  const secretsDir = path.join(dir, "secrets");
  fs.mkdirSync(secretsDir);
  const am = loopbackAlertmanagerConfig(yaml, secretsDir);
  const loopback = parse(am.yaml);
  loopback.global.smtp_smarthost = smtp.address;
  loopback.global.smtp_require_tls = false;
  // Every other credential points at a closed loopback port: those receivers fail fast, offline.
  for (const file of am.secretFiles) fs.writeFileSync(path.join(secretsDir, file), file === "smtpPassword" ? SMTP_PASSWORD : `http://${LOOPBACK}:9/${file}`, { mode: 0o600 });
  const configFile = path.join(dir, "alertmanager.yml");
  fs.writeFileSync(configFile, stringify(loopback, { lineWidth: 0 }));

  const [port] = await freePorts(1);
  web = `${LOOPBACK}:${port}`;
  alertmanager = startProcess("alertmanager", toolPath("alertmanager"), [
    `--config.file=${configFile}`, `--storage.path=${path.join(dir, "data")}`, `--web.listen-address=${web}`, "--cluster.listen-address=",
  ]);
  await waitForHttp(`http://${web}/-/ready`, { timeoutMs: 2 * MINUTE, owner: alertmanager });
}, 30 * MINUTE);

afterAll(async () => {
  if (alertmanager) await stopProcess(alertmanager);
  if (smtp) await smtp.close();
});

async function postAlert(labels: Record<string, string>): Promise<void> {
  const res = await fetch(`http://${web}/api/v2/alerts`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify([{ labels, annotations: { summary: `${labels.alertname} summary`, description: "from the loopback test" } }]),
  });
  expect(res.status).toBe(200);
}

/** The first mail naming `alertname` in its subject, once it has arrived (group_wait, then the send). */
const mailFor = (alertname: string): Promise<ReceivedMail> =>
  pollUntil(async () => smtp.mails.find((m) => m.headers.subject?.includes(alertname)), {
    timeoutMs: 5 * MINUTE, intervalMs: 500,
    describe: () => `no mail for ${alertname}; SMTP commands: ${smtp.log.join(" | ")}\nalertmanager: ${alertmanager.log().slice(-3000)}`,
  });

test("the rendered config mails the search team through the stack's SMTP settings (checked before the loopback changes)", () => {
  const search = rendered.receivers.find((r: { name: string }) => r.name === "route-search");
  expect(search.email_configs[0].to).toBe(exampleEmailTeamRoute.receiver.email.to.join(", "));
  expect(rendered.global.smtp_require_tls).toBe(true);
  expect(rendered.global.smtp_auth_password_file).toBe("/etc/alertmanager/secrets/smtpPassword");
});

test("a search-team alert is delivered to the team's addresses alone, authenticated with the smtpPassword secret", async () => {
  await postAlert({ alertname: "SearchIndexingStalled", severity: "warning", domain: "application", team: "search", cluster: "prod" });
  const mail = await mailFor("SearchIndexingStalled");
  const team = exampleEmailTeamRoute.receiver.email.to;
  expect(mail.recipients.sort()).toEqual([...team].sort());
  expect(mail.headers.to.split(",").map((a) => a.trim()).sort()).toEqual([...team].sort());
  expect(mail.from).toBe(rendered.global.smtp_from);
  expect(mail.auth).toEqual({ user: rendered.global.smtp_auth_username, password: SMTP_PASSWORD });
  expect(mail.headers.subject).toBe("[NovaCron] SearchIndexingStalled");
  // The route does not continue: the on-call address never gets this alert.
  expect(smtp.mails.filter((m) => m.headers.subject?.includes("SearchIndexingStalled")).flatMap((m) => m.recipients)).not.toContain(onCall);
}, 10 * MINUTE);

test("control: an alert without a team label goes to the on-call address, not the team's", async () => {
  await postAlert({ alertname: "ApiTrafficStopped", severity: "warning", domain: "application", cluster: "prod" });
  const mail = await mailFor("ApiTrafficStopped");
  expect(mail.recipients).toEqual([onCall]);
  for (const address of exampleEmailTeamRoute.receiver.email.to) expect(mail.recipients).not.toContain(address);
}, 10 * MINUTE);
