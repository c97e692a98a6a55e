// alertmanager.yml: credentials only as files of the mounted Secret, the Watchdog to the heartbeat, critical
// alerts paged and sent to their team, one receiver per domain.
import { AlertmanagerConfigSpec, alertDomains, ChannelsSpec, renderAlertmanagerConfig, RoutingSpec, secretFiles, TeamRouteSpec, teamRouteSecrets } from "./render-config";

const secretsDir = "/etc/alertmanager/secrets";
const routing: RoutingSpec = { groupBy: ["alertname", "cluster"], groupWait: "30s", criticalGroupWait: "10s", groupInterval: "5m", repeatInterval: "4h" };
const allChannels: ChannelsSpec = {
  slack: { channel: "#alerts", domainChannels: { infrastructure: "#infra", kubernetes: "#k8s" } },
  email: { to: "oncall@novacron.example", from: "alertmanager@novacron.example", smarthost: "smtp.example:587", username: "am", requireTls: true },
  teams: {}, pagerduty: {}, webhook: {}, heartbeat: {},
};
const spec = (channels: ChannelsSpec): AlertmanagerConfigSpec => ({ resolveTimeout: "5m", routing, channels, secretsDir, inhibitRules: [{ equal: ["cluster"] }] });
const render = (channels: ChannelsSpec) => renderAlertmanagerConfig(spec(channels)) as any;
const receiver = (config: any, name: string) => config.receivers.find((r: any) => r.name === name);

test("every credential is a *_file path into the mounted Secret, one per enabled channel; no other value names a secret", () => {
  const config = render(allChannels);
  const files = JSON.stringify(config).match(/"\w+_file":"[^"]+"/g)!.map((f) => f.split('":"')[1].slice(0, -1));
  expect(new Set(files)).toEqual(new Set(Object.values(secretFiles).map((f) => `${secretsDir}/${f}`)));
  expect(config.global.smtp_auth_password_file).toBe(`${secretsDir}/smtpPassword`);
  expect(JSON.stringify(config)).not.toMatch(/"(api_url|webhook_url|url|routing_key|smtp_auth_password)":/);
});

test("routes: the Watchdog to the heartbeat first, then paging for critical alerts (continuing), then one route per domain", () => {
  const { route } = render(allChannels);
  expect(route).toMatchObject({ receiver: "team-stack", group_by: routing.groupBy, group_wait: routing.groupWait, repeat_interval: routing.repeatInterval });
  expect(route.routes[0]).toEqual({ receiver: "heartbeat", matchers: ['alertname="Watchdog"'], group_wait: "0s", group_interval: "1m", repeat_interval: "5m" });
  expect(route.routes[1]).toEqual({ receiver: "pagerduty", matchers: ['severity="critical"'], group_wait: routing.criticalGroupWait, continue: true });
  expect(route.routes.slice(2)).toEqual(alertDomains.map((domain) => ({
    receiver: `team-${domain}`, matchers: [`domain="${domain}"`],
    routes: [{ matchers: ['severity="critical"'], group_wait: routing.criticalGroupWait }],
  })));
});

test("every receiver a route names exists; without PagerDuty there is neither its route nor its receiver", () => {
  for (const channels of [allChannels, { slack: allChannels.slack }]) {
    const config = render(channels);
    const named = [config.route.receiver, ...config.route.routes.map((r: any) => r.receiver)];
    expect(named.filter((name) => !receiver(config, name))).toEqual([]);
  }
  const slackOnly = render({ slack: allChannels.slack });
  expect(receiver(slackOnly, "pagerduty")).toBeUndefined();
  expect(slackOnly.route.routes.map((r: any) => r.receiver)).not.toContain("pagerduty");
  // The heartbeat receiver exists without its channel, so the Watchdog route is valid; it then sends nothing.
  expect(receiver(slackOnly, "heartbeat")).toEqual({ name: "heartbeat" });
});

test("Slack: a domain's own channel where configured, the default channel elsewhere", () => {
  const config = render(allChannels);
  expect(receiver(config, "team-infrastructure").slack_configs[0].channel).toBe("#infra");
  expect(receiver(config, "team-kubernetes").slack_configs[0].channel).toBe("#k8s");
  expect(receiver(config, "team-ml").slack_configs[0].channel).toBe("#alerts");
});

test("email: SMTP settings only when email is enabled", () => {
  expect(render(allChannels).global).toMatchObject({ smtp_smarthost: "smtp.example:587", smtp_from: "alertmanager@novacron.example", smtp_auth_username: "am", smtp_require_tls: true });
  expect(render({ webhook: {} }).global).toEqual({ resolve_timeout: "5m" });
  expect(receiver(render({ webhook: {} }), "team-ml")).toEqual({ name: "team-ml", webhook_configs: [{ url_file: `${secretsDir}/webhookUrl`, send_resolved: true }] });
});

test("the heartbeat never reports resolution (the Watchdog never resolves), and inhibit rules are passed through", () => {
  const config = render(allChannels);
  expect(receiver(config, "heartbeat").webhook_configs).toEqual([{ url_file: `${secretsDir}/heartbeatUrl`, send_resolved: false }]);
  expect(config.inhibit_rules).toEqual([{ equal: ["cluster"] }]);
});

describe("team routes", () => {
  const teamRoutes: TeamRouteSpec[] = [
    { name: "payments", matchers: ['team="payments"'], receiver: { slack: { channel: "#payments", webhookUrlSecret: "paymentsSlack" }, pagerduty: { routingKeySecret: "paymentsPager" } }, continue: false, groupBy: ["alertname", "job"] },
    { name: "dba", matchers: ['alertname=~"Postgres.+"'], receiver: { webhook: { urlSecret: "dbaHook" } }, continue: true },
  ];
  const config = renderAlertmanagerConfig({ ...spec(allChannels), teamRoutes }) as any;

  test("come after the heartbeat and the stack's pager, before the domain routes, in their order", () => {
    expect(config.route.routes.map((r: any) => r.receiver)).toEqual(["heartbeat", "pagerduty", "route-payments", "route-dba", ...alertDomains.map((d) => `team-${d}`)]);
    expect(config.route.routes[2]).toEqual({
      receiver: "route-payments", matchers: ['team="payments"'], group_by: ["alertname", "job"], continue: false,
      routes: [
        { receiver: "route-payments-pager", matchers: ['severity="critical"'], group_wait: routing.criticalGroupWait, continue: true },
        { matchers: ['severity="critical"'], group_wait: routing.criticalGroupWait },
      ],
    });
    expect(config.route.routes[3]).toMatchObject({ receiver: "route-dba", continue: true, routes: [{ matchers: ['severity="critical"'], group_wait: routing.criticalGroupWait }] });
    expect(config.route.routes[3].group_by).toBeUndefined();
  });

  test("read each credential from the file of the secret they name", () => {
    expect(receiver(config, "route-payments").slack_configs[0]).toMatchObject({ api_url_file: `${secretsDir}/paymentsSlack`, channel: "#payments" });
    expect(receiver(config, "route-payments-pager").pagerduty_configs[0]).toMatchObject({ routing_key_file: `${secretsDir}/paymentsPager` });
    expect(receiver(config, "route-dba")).toMatchObject({ webhook_configs: [{ url_file: `${secretsDir}/dbaHook` }] });
    expect(teamRouteSecrets(teamRoutes)).toEqual([{ key: "paymentsSlack", url: true }, { key: "paymentsPager", url: false }, { key: "dbaHook", url: true }]);
  });
});

describe("a team's email", () => {
  const mailing: TeamRouteSpec = { name: "search", matchers: ['team="search"'], receiver: { email: { to: ["search-oncall@novacron.example", "search-leads@novacron.example"] } }, continue: false };

  test("goes to every address in one message, resolved too, through the stack's SMTP settings (the password a file)", () => {
    const config = renderAlertmanagerConfig({ ...spec(allChannels), teamRoutes: [mailing] }) as any;
    expect(receiver(config, "route-search")).toEqual({
      name: "route-search",
      email_configs: [{ to: "search-oncall@novacron.example, search-leads@novacron.example", send_resolved: true, headers: { Subject: "[NovaCron] {{ .GroupLabels.alertname }}" } }],
    });
    expect(config.global.smtp_auth_password_file).toBe(`${secretsDir}/${secretFiles.email}`);
    // The domain receivers keep the channel's own address; the team's addresses are its route's alone.
    expect(receiver(config, "team-application").email_configs[0].to).toBe("oncall@novacron.example");
    // No secret to mount beyond the channel's smtpPassword.
    expect(teamRouteSecrets([mailing])).toEqual([]);
  });

  test("goes through the given SMTP server with the on-call email channel off; refused with no server at all", () => {
    const { email, ...withoutEmail } = allChannels;
    const { to: _onCall, ...server } = email!;
    const config = renderAlertmanagerConfig({ ...spec(withoutEmail), teamRoutes: [mailing], smtp: { ...server, smarthost: "smtp.teams.example:465" } }) as any;
    expect(config.global).toMatchObject({ smtp_smarthost: "smtp.teams.example:465", smtp_from: server.from, smtp_auth_password_file: `${secretsDir}/${secretFiles.email}` });
    expect(receiver(config, "route-search").email_configs[0].to).toBe("search-oncall@novacron.example, search-leads@novacron.example");
    // No domain receiver mails anyone: the channel is off.
    expect(config.receivers.filter((r: any) => r.name.startsWith("team-") && r.email_configs)).toEqual([]);
    expect(() => renderAlertmanagerConfig({ ...spec(withoutEmail), teamRoutes: [mailing] })).toThrow(/team routes search send email, which needs an SMTP server/);
  });
});
