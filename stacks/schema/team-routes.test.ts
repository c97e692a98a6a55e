import { CONFIG_NAMESPACE, parseStackConfig } from "../config";
import { accepts, problemsOf } from "../../test/helpers/config-problems";
import { exampleTeamRoutes, exampleTeamSecrets } from "../../test/fixtures/team-routes";
import { matcherProblem } from "./alertmanager";

const prodLike = { environment: "dev", notifications: { email: { enabled: true } }, smtpPassword: "smtp-password-1234" };
const secrets = Object.keys(exampleTeamSecrets);
const raw = (config: Record<string, unknown>) => Object.fromEntries(Object.entries(config).map(([k, v]) => [`${CONFIG_NAMESPACE}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));

test("the docs' example is accepted, and its secrets are known as team secrets", () => {
  const config = { ...prodLike, alertmanager: { teamRoutes: exampleTeamRoutes }, ...exampleTeamSecrets };
  const parsed = parseStackConfig(raw(config), new Set([...secrets, "smtpPassword"].map((k) => `${CONFIG_NAMESPACE}:${k}`)));
  expect(parsed.teamSecretKeysPresent.sort()).toEqual(secrets.sort());
  expect(parsed.spec.alertmanager.teamRoutes).toEqual(exampleTeamRoutes);
});

test("a team's credential is a secret of its own key: set, held as a secret, an https URL where it is one", () => {
  const config = { ...prodLike, alertmanager: { teamRoutes: exampleTeamRoutes }, paymentsSlackWebhookUrl: "http://hooks.example/x" };
  expect(problemsOf(config, ["smtpPassword"]).sort()).toEqual([
    "novacron:alertmanager.teamRoutes[0].receiver.pagerduty.routingKeySecret: names the secret novacron:paymentsPagerdutyKey, which is not set: pulumi config set --secret novacron:paymentsPagerdutyKey <value>",
    "novacron:alertmanager.teamRoutes[1].receiver.webhook.urlSecret: names the secret novacron:dbaWebhookUrl, which is not set: pulumi config set --secret novacron:dbaWebhookUrl <value>",
    "novacron:paymentsSlackWebhookUrl: is a credential and must be a secret: pulumi config set --secret novacron:paymentsSlackWebhookUrl <value>",
    "novacron:paymentsSlackWebhookUrl: must be an https URL",
  ]);
  // Its value in a plain key is refused (and never echoed).
  const leaked = { ...prodLike, alertmanager: { teamRoutes: [{ ...exampleTeamRoutes[1], name: "x", receiver: { webhook: { urlSecret: "dbaWebhookUrl" } }, matchers: [`team="${exampleTeamSecrets.paymentsPagerdutyKey}"`] }, exampleTeamRoutes[0]] }, ...exampleTeamSecrets };
  expect(problemsOf(leaked, [...secrets, "smtpPassword"])).toEqual([
    "novacron:alertmanager.teamRoutes[0].matchers[0]: holds the value of the secret novacron:paymentsPagerdutyKey, and this key is written in plain text: set the credential only in its secret key",
  ]);
  // A route may not take one of the stack's own keys for its credential.
  const own = { ...prodLike, alertmanager: { teamRoutes: [{ ...exampleTeamRoutes[0], receiver: { webhook: { urlSecret: "webhookUrl" } } }] } };
  expect(problemsOf(own, ["smtpPassword"])).toEqual([
    "novacron:alertmanager.teamRoutes[0].receiver.webhook.urlSecret: names novacron:webhookUrl, a key of the stack's own: give the team's credential a key of its own, e.g. paymentsWebhookUrl",
  ]);
});

test("routes are validated by key, all at once", () => {
  const config = {
    environment: "dev",
    alertmanager: {
      teamRoutes: [
        { name: "Payments", matchers: ["team payments", 'team=~"(?!x)"'], receiver: {}, groupBy: ["bad-label"], continue: "yes" },
        { name: "dba", matchers: [], receiver: { email: { to: ["dba@novacron.example", "not an address"] }, slack: { channel: "payments", webhookUrlSecret: "Bad-Key" } } },
        { name: "dba", matchers: ['a="b"'], receiver: { pager: {} } },
      ],
    },
  };
  expect(problemsOf(config).sort()).toEqual([
    "novacron:alertmanager.teamRoutes[0].continue: Invalid input: expected boolean, received string",
    "novacron:alertmanager.teamRoutes[0].groupBy[0]: must be a label name, or ... (group by every label)",
    'novacron:alertmanager.teamRoutes[0].matchers[0]: must be an Alertmanager matcher: label, one of = != =~ !~, and a value, e.g. team="payments"',
    "novacron:alertmanager.teamRoutes[0].matchers[1]: uses a lookaround or backreference, which Alertmanager's regular expressions (RE2) do not have",
    "novacron:alertmanager.teamRoutes[0].name: must be a lowercase DNS label, e.g. payments",
    "novacron:alertmanager.teamRoutes[0].receiver: must have at least one of slack, pagerduty, webhook, email",
    "novacron:alertmanager.teamRoutes[1].matchers: must list at least one matcher, e.g. team=\"payments\"",
    "novacron:alertmanager.teamRoutes[1].receiver.email.to[1]: must be an email address",
    "novacron:alertmanager.teamRoutes[1].receiver.email: sends through the stack's SMTP server (notifications.email: smarthost, from, username), whose password novacron:smtpPassword is not set: pulumi config set --secret novacron:smtpPassword <value>",
    "novacron:alertmanager.teamRoutes[1].receiver.slack.channel: must be a Slack channel such as #alerts",
    "novacron:alertmanager.teamRoutes[1].receiver.slack.webhookUrlSecret: must be a config key name such as paymentsSlackWebhookUrl (letters and digits, starting lowercase)",
    "novacron:alertmanager.teamRoutes[2].name: repeats dba",
    'novacron:alertmanager.teamRoutes[2].receiver: Unrecognized key: "pager"',
  ].sort());
});

test("matchers: Alertmanager's forms are accepted, anything else is refused", () => {
  for (const ok of ['team="payments"', "team=payments", 'severity!="info"', 'alertname=~"Postgres.+|Mysql.+"', 'job!~"test-.*"', 'a="with \\"quotes\\""', 'a=""']) expect([ok, matcherProblem(ok)]).toEqual([ok, undefined]);
  for (const bad of ["team", "team==x", '="x"', 'team="unterminated', 'a=~"("', 'a=~"(?=x)"', 'a=~"(a)\\\\1"', "1a=b"]) expect([bad, matcherProblem(bad)]).not.toEqual([bad, undefined]);
});

describe("a team's email receiver", () => {
  const searchRoute = (to: unknown) => ({ name: "search", matchers: ['team="search"'], receiver: { email: { to } } });

  test("is accepted with the stack's email channel on, its addresses as given", () => {
    const parsed = parseStackConfig(raw({ ...prodLike, alertmanager: { teamRoutes: [searchRoute(["search-oncall@novacron.example", "search-leads@novacron.example"])] } }), new Set([`${CONFIG_NAMESPACE}:smtpPassword`]));
    expect(parsed.spec.alertmanager.teamRoutes?.[0].receiver.email).toEqual({ to: ["search-oncall@novacron.example", "search-leads@novacron.example"] });
  });

  test("addresses are validated by key: at least one, each an address, no header injection", () => {
    expect(problemsOf({ ...prodLike, alertmanager: { teamRoutes: [searchRoute([])] } }, ["smtpPassword"])).toEqual([
      "novacron:alertmanager.teamRoutes[0].receiver.email.to: must list at least one address, e.g. payments-oncall@novacron.example",
    ]);
    expect(problemsOf({ ...prodLike, alertmanager: { teamRoutes: [searchRoute(["a@novacron.example", "b@novacron.example\nBcc: x@evil.example", "c@novacron.example, d@novacron.example"])] } }, ["smtpPassword"])).toEqual([
      "novacron:alertmanager.teamRoutes[0].receiver.email.to[1]: must be an email address",
      "novacron:alertmanager.teamRoutes[0].receiver.email.to[2]: must be an email address",
    ]);
    expect(problemsOf({ ...prodLike, alertmanager: { teamRoutes: [searchRoute("search@novacron.example")] } }, ["smtpPassword"])).toContain(
      "novacron:alertmanager.teamRoutes[0].receiver.email.to: Invalid input: expected array, received string",
    );
  });

  test("goes through the stack's SMTP server: refused by key without its password, with every other problem at once; the on-call channel may be off", () => {
    const config = { environment: "dev", alertmanager: { teamRoutes: [searchRoute(["search@novacron.example"]), { ...searchRoute(["dba@novacron.example"]), name: "dba" }, { name: "x", matchers: [], receiver: { webhook: { urlSecret: "xHook" } } }] } };
    const noPassword = "sends through the stack's SMTP server (notifications.email: smarthost, from, username), whose password novacron:smtpPassword is not set: pulumi config set --secret novacron:smtpPassword <value>";
    expect(problemsOf(config)).toEqual([
      'novacron:alertmanager.teamRoutes[2].matchers: must list at least one matcher, e.g. team="payments"',
      `novacron:alertmanager.teamRoutes[0].receiver.email: ${noPassword}`,
      `novacron:alertmanager.teamRoutes[1].receiver.email: ${noPassword}`,
    ]);
    const valid = { ...config, alertmanager: { teamRoutes: config.alertmanager.teamRoutes.slice(0, 2) } };
    // With the password (dev's email channel still off), accepted.
    expect(accepts({ ...valid, smtpPassword: "smtp-password-1234" })).toBe(true);
  });
});
