// Pure: typed spec → alertmanager.yml. Credentials never appear in it: every secret is a `*_file`
// path to a file mounted from a Kubernetes Secret, so the config is safe to keep in a ConfigMap and
// to show in a preview diff.

import type * as pulumi from "@pulumi/pulumi";
import { AlertDomain } from "../alerts/types";
import { WATCHDOG } from "../alerts/settings";

export const alertDomains: AlertDomain[] = Object.values(AlertDomain);

/** File names (under secretsDir) of the channel credentials; they equal the stack's config keys. */
export const secretFiles = {
  slack: "slackWebhookUrl",
  email: "smtpPassword",
  teams: "teamsWebhookUrl",
  pagerduty: "pagerdutyRoutingKey",
  webhook: "webhookUrl",
  heartbeat: "heartbeatUrl",
} as const;
export type SecretFile = (typeof secretFiles)[keyof typeof secretFiles];

/**
 * Channel credentials (Pulumi secrets), one per enabled channel; each becomes a file in a Kubernetes Secret
 * that Alertmanager reads, never a line of its config.
 */
export interface ChannelSecrets {
  /** Slack incoming webhook URL. */
  slackWebhookUrl?: pulumi.Input<string>;
  /** SMTP password. */
  smtpPassword?: pulumi.Input<string>;
  /** Microsoft Teams Workflows webhook URL. */
  teamsWebhookUrl?: pulumi.Input<string>;
  /** PagerDuty Events API v2 routing key. */
  pagerdutyRoutingKey?: pulumi.Input<string>;
  /** Generic webhook URL. */
  webhookUrl?: pulumi.Input<string>;
  /** Heartbeat (dead man's switch) URL. */
  heartbeatUrl?: pulumi.Input<string>;
}

/** Slack per-domain channels; a domain without one uses the default channel. */
export interface SlackDomainChannels {
  /** Channel for infrastructure alerts. */
  infrastructure?: string;
  /** Channel for the cluster's workload and control-plane alerts. */
  kubernetes?: string;
  /** Channel for application alerts. */
  application?: string;
  /** Channel for ML pipeline alerts. */
  ml?: string;
  /** Channel for the monitoring stack's own alerts. */
  stack?: string;
}

/** Slack through an incoming webhook (the URL is the slackWebhookUrl secret). */
export interface SlackChannelSpec {
  /** Default channel, e.g. #alerts. */
  channel: string;
  /** Per-domain channels. */
  domainChannels?: SlackDomainChannels;
}

/** The SMTP server Alertmanager sends every email through (the password is the smtpPassword secret). */
export interface SmtpServerSpec {
  /** Sender address. */
  from: string;
  /** SMTP server as host:port. */
  smarthost: string;
  /** SMTP user name. */
  username: string;
  /** Require STARTTLS. */
  requireTls: boolean;
}

/** Email through an SMTP smarthost (the password is the smtpPassword secret). */
export interface EmailChannelSpec extends SmtpServerSpec {
  /** Recipient address. */
  to: string;
}

/** A channel with no settings beyond its credential: present means enabled. */
export interface EnabledChannel {}

/** The notification channels; a channel present here is enabled. */
export interface ChannelsSpec {
  /** Slack (needs the slackWebhookUrl secret). */
  slack?: SlackChannelSpec;
  /** Email (needs the smtpPassword secret). */
  email?: EmailChannelSpec;
  /** Microsoft Teams through Alertmanager's native integration for Workflows webhooks (msteamsv2). */
  teams?: EnabledChannel;
  /** PagerDuty Events API v2 (needs the pagerdutyRoutingKey secret). */
  pagerduty?: EnabledChannel;
  /** A generic webhook (needs the webhookUrl secret). */
  webhook?: EnabledChannel;
  /** Dead man's switch that receives the always-firing Watchdog. */
  heartbeat?: EnabledChannel;
}

export interface RoutingSpec {
  /** Labels that group alerts into one notification. */
  groupBy: string[];
  /** Wait before the first notification of a new group. */
  groupWait: string;
  /** Critical alerts wait less before the first notification. */
  criticalGroupWait: string;
  /** Wait before notifying about new alerts in a group already notified. */
  groupInterval: string;
  /** Wait before re-sending a notification that is still firing. */
  repeatInterval: string;
}

/** A team's Slack channel; the webhook URL is the Pulumi secret named by `webhookUrlSecret`. */
export interface TeamSlackSpec {
  /** The team's channel, e.g. #payments-alerts. */
  channel: string;
  /** Config key of the secret holding the team's Slack incoming webhook URL (also its file name). */
  webhookUrlSecret: string;
}

/** A team's PagerDuty service; only the team's critical alerts page it. */
export interface TeamPagerdutySpec {
  /** Config key of the secret holding the PagerDuty Events API v2 routing key (also its file name). */
  routingKeySecret: string;
}

/** A team's webhook. */
export interface TeamWebhookSpec {
  /** Config key of the secret holding the webhook URL (also its file name). */
  urlSecret: string;
}

/** A team's email; sent through the stack's SMTP server (AlertmanagerConfigSpec.smtp, and smtpPassword). */
export interface TeamEmailSpec {
  /** Recipient addresses; one email goes to all of them. */
  to: string[];
}

/** Where a team's alerts go; at least one of these. */
export interface TeamReceiverSpec {
  /** Slack. */
  slack?: TeamSlackSpec;
  /** PagerDuty, for the team's critical alerts only. */
  pagerduty?: TeamPagerdutySpec;
  /** A generic webhook. */
  webhook?: TeamWebhookSpec;
  /** Email, through the stack's SMTP server (`smtp`, or the email channel's). */
  email?: TeamEmailSpec;
}

/** An extra route for one team, tried before the domain routes. */
export interface TeamRouteSpec {
  /** The team, a lowercase DNS label; its receivers are route-<name> (and route-<name>-pager). */
  name: string;
  /** Alertmanager matchers an alert must all satisfy, e.g. team="payments". */
  matchers: string[];
  /** Where its alerts go. */
  receiver: TeamReceiverSpec;
  /** true: the alert also goes on to the domain's team route; false: this team alone gets it. */
  continue: boolean;
  /** Labels that group its alerts into one notification; unset uses the stack's. */
  groupBy?: string[];
}

export interface AlertmanagerConfigSpec {
  resolveTimeout: string;
  routing: RoutingSpec;
  channels: ChannelsSpec;
  /** Where the Secret with channel credentials is mounted. */
  secretsDir: string;
  inhibitRules: unknown[];
  /** Extra routes per team, tried in order after the heartbeat and the pager, before the domain routes. */
  teamRoutes?: TeamRouteSpec[];
  /** The SMTP server for every email (the channel's and the team routes'); unset uses the email channel's. */
  smtp?: SmtpServerSpec;
}

export const HEARTBEAT_RECEIVER = "heartbeat";
export const PAGER_RECEIVER = "pagerduty";
export const teamReceiver = (domain: AlertDomain) => `team-${domain}`;
/** A team route's receiver; `route-` keeps it apart from the domains' `team-` receivers. */
export const teamRouteReceiver = (team: string) => `route-${team}`;
/** A team route's PagerDuty receiver, for its critical alerts. */
export const teamRoutePager = (team: string) => `route-${team}-pager`;

/** Every secret the team routes read, by config key (= file name), and whether it is a URL. */
export function teamRouteSecrets(routes: readonly TeamRouteSpec[]): { key: string; url: boolean }[] {
  return routes.flatMap(({ receiver: r }) => [
    ...(r.slack ? [{ key: r.slack.webhookUrlSecret, url: true }] : []),
    ...(r.pagerduty ? [{ key: r.pagerduty.routingKeySecret, url: false }] : []),
    ...(r.webhook ? [{ key: r.webhook.urlSecret, url: true }] : []),
  ]);
}

const title = "NovaCron Alert: {{ .GroupLabels.alertname }}";
const text = [
  "{{ range .Alerts }}",
  "*[{{ .Status | toUpper }}] {{ .Labels.severity | toUpper }}* {{ .Annotations.summary }}",
  "{{ .Annotations.description }}",
  "Runbook: {{ .Annotations.runbook_url }}",
  "{{ end }}",
].join("\n");

function slackConfig(apiUrlFile: string, channel: string): Record<string, unknown> {
  return {
    api_url_file: apiUrlFile,
    channel,
    send_resolved: true,
    title,
    text,
    color: '{{ if eq .Status "firing" }}{{ if eq .CommonLabels.severity "critical" }}danger{{ else }}warning{{ end }}{{ else }}good{{ end }}',
  };
}

function emailConfig(to: string): Record<string, unknown> {
  return { to, send_resolved: true, headers: { Subject: "[NovaCron] {{ .GroupLabels.alertname }}" } };
}

function teamIntegrations(spec: AlertmanagerConfigSpec, domain: AlertDomain): Record<string, unknown> {
  const { channels, secretsDir } = spec;
  const file = (name: SecretFile) => `${secretsDir}/${name}`;
  return {
    ...(channels.slack ? {
      slack_configs: [slackConfig(file(secretFiles.slack), channels.slack.domainChannels?.[domain] ?? channels.slack.channel)],
    } : {}),
    ...(channels.email ? { email_configs: [emailConfig(channels.email.to)] } : {}),
    ...(channels.teams ? {
      msteamsv2_configs: [{ webhook_url_file: file(secretFiles.teams), send_resolved: true, title, text }],
    } : {}),
    ...(channels.webhook ? {
      webhook_configs: [{ url_file: file(secretFiles.webhook), send_resolved: true }],
    } : {}),
  };
}

function pagerdutyConfig(routingKeyFile: string): Record<string, unknown> {
  return {
    routing_key_file: routingKeyFile,
    description: "{{ .GroupLabels.alertname }}: {{ .CommonAnnotations.summary }}",
    severity: "{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}critical{{ end }}",
    send_resolved: true,
  };
}

/** A team route's receivers: its chat (Slack, webhook; empty if it has none) and its pager. */
function teamRouteReceivers(team: TeamRouteSpec, spec: AlertmanagerConfigSpec): Record<string, unknown>[] {
  const { receiver: r } = team;
  const file = (key: string) => `${spec.secretsDir}/${key}`;
  return [
    {
      name: teamRouteReceiver(team.name),
      ...(r.slack ? { slack_configs: [slackConfig(file(r.slack.webhookUrlSecret), r.slack.channel)] } : {}),
      ...(r.webhook ? { webhook_configs: [{ url_file: file(r.webhook.urlSecret), send_resolved: true }] } : {}),
      // Alertmanager reads `to` as an address list: one message to every address.
      ...(r.email ? { email_configs: [emailConfig(r.email.to.join(", "))] } : {}),
    },
    ...(r.pagerduty ? [{ name: teamRoutePager(team.name), pagerduty_configs: [pagerdutyConfig(file(r.pagerduty.routingKeySecret))] }] : []),
  ];
}

export function renderAlertmanagerConfig(spec: AlertmanagerConfigSpec): Record<string, unknown> {
  const { channels, routing, secretsDir } = spec;
  const teamRoutes = spec.teamRoutes ?? [];
  // Alertmanager's SMTP settings are global: the one server every email goes through.
  const smtp: SmtpServerSpec | undefined = spec.smtp ?? channels.email;
  const mailingTeams = teamRoutes.filter((team) => team.receiver.email).map((team) => team.name);
  if (mailingTeams.length > 0 && !smtp) {
    throw new Error(`team routes ${mailingTeams.join(", ")} send email, which needs an SMTP server (smtp, or the email channel's)`);
  }
  const receivers: Record<string, unknown>[] = [
    ...alertDomains.map((domain) => ({ name: teamReceiver(domain), ...teamIntegrations(spec, domain) })),
    {
      name: HEARTBEAT_RECEIVER,
      ...(channels.heartbeat ? { webhook_configs: [{ url_file: `${secretsDir}/${secretFiles.heartbeat}`, send_resolved: false }] } : {}),
    },
    ...(channels.pagerduty ? [{ name: PAGER_RECEIVER, pagerduty_configs: [pagerdutyConfig(`${secretsDir}/${secretFiles.pagerduty}`)] }] : []),
    ...teamRoutes.flatMap((team) => teamRouteReceivers(team, spec)),
  ];

  const criticalFirst = { matchers: ['severity="critical"'], group_wait: routing.criticalGroupWait };
  const routes: Record<string, unknown>[] = [
    // The Watchdog always fires; the heartbeat service alerts when it stops arriving.
    { receiver: HEARTBEAT_RECEIVER, matchers: [`alertname="${WATCHDOG}"`], group_wait: "0s", group_interval: "1m", repeat_interval: "5m" },
    // Critical alerts page, and still reach their team's channels below.
    ...(channels.pagerduty ? [{ receiver: PAGER_RECEIVER, matchers: ['severity="critical"'], group_wait: routing.criticalGroupWait, continue: true }] : []),
    // Team routes come after both, so the heartbeat stays alone and critical alerts still page the stack's
    // on-call; a team route without `continue` keeps its alerts from the domain's channel.
    ...teamRoutes.map((team) => ({
      receiver: teamRouteReceiver(team.name),
      matchers: team.matchers,
      ...(team.groupBy ? { group_by: team.groupBy } : {}),
      continue: team.continue,
      routes: [
        // The team's pager hears only its critical alerts, which then still reach its chat below.
        ...(team.receiver.pagerduty ? [{ receiver: teamRoutePager(team.name), matchers: ['severity="critical"'], group_wait: routing.criticalGroupWait, continue: true }] : []),
        criticalFirst,
      ],
    })),
    ...alertDomains.map((domain) => ({ receiver: teamReceiver(domain), matchers: [`domain="${domain}"`], routes: [criticalFirst] })),
  ];

  return {
    global: {
      resolve_timeout: spec.resolveTimeout,
      ...(smtp ? {
        smtp_smarthost: smtp.smarthost,
        smtp_from: smtp.from,
        smtp_auth_username: smtp.username,
        smtp_auth_password_file: `${secretsDir}/${secretFiles.email}`,
        smtp_require_tls: smtp.requireTls,
      } : {}),
    },
    route: {
      receiver: teamReceiver("stack"),
      group_by: routing.groupBy,
      group_wait: routing.groupWait,
      group_interval: routing.groupInterval,
      repeat_interval: routing.repeatInterval,
      routes,
    },
    inhibit_rules: spec.inhibitRules,
    receivers,
  };
}
