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

/** Email through an SMTP smarthost (the password is the smtpPassword secret). */
export interface EmailChannelSpec {
  /** Recipient address. */
  to: string;
  /** Sender address. */
  from: string;
  /** SMTP server as host:port. */
  smarthost: string;
  /** SMTP user name. */
  username: string;
  /** Require STARTTLS. */
  requireTls: boolean;
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

export interface AlertmanagerConfigSpec {
  resolveTimeout: string;
  routing: RoutingSpec;
  channels: ChannelsSpec;
  /** Where the Secret with channel credentials is mounted. */
  secretsDir: string;
  inhibitRules: unknown[];
}

export const HEARTBEAT_RECEIVER = "heartbeat";
export const PAGER_RECEIVER = "pagerduty";
export const teamReceiver = (domain: AlertDomain) => `team-${domain}`;

const title = "NovaCron Alert: {{ .GroupLabels.alertname }}";
const text = [
  "{{ range .Alerts }}",
  "*[{{ .Status | toUpper }}] {{ .Labels.severity | toUpper }}* {{ .Annotations.summary }}",
  "{{ .Annotations.description }}",
  "Runbook: {{ .Annotations.runbook_url }}",
  "{{ end }}",
].join("\n");

function teamIntegrations(spec: AlertmanagerConfigSpec, domain: AlertDomain): Record<string, unknown> {
  const { channels, secretsDir } = spec;
  const file = (name: SecretFile) => `${secretsDir}/${name}`;
  return {
    ...(channels.slack ? {
      slack_configs: [{
        api_url_file: file(secretFiles.slack),
        channel: channels.slack.domainChannels?.[domain] ?? channels.slack.channel,
        send_resolved: true,
        title,
        text,
        color: '{{ if eq .Status "firing" }}{{ if eq .CommonLabels.severity "critical" }}danger{{ else }}warning{{ end }}{{ else }}good{{ end }}',
      }],
    } : {}),
    ...(channels.email ? {
      email_configs: [{ to: channels.email.to, send_resolved: true, headers: { Subject: "[NovaCron] {{ .GroupLabels.alertname }}" } }],
    } : {}),
    ...(channels.teams ? {
      msteamsv2_configs: [{ webhook_url_file: file(secretFiles.teams), send_resolved: true, title, text }],
    } : {}),
    ...(channels.webhook ? {
      webhook_configs: [{ url_file: file(secretFiles.webhook), send_resolved: true }],
    } : {}),
  };
}

export function renderAlertmanagerConfig(spec: AlertmanagerConfigSpec): Record<string, unknown> {
  const { channels, routing, secretsDir } = spec;
  const email = channels.email;
  const receivers: Record<string, unknown>[] = [
    ...alertDomains.map((domain) => ({ name: teamReceiver(domain), ...teamIntegrations(spec, domain) })),
    {
      name: HEARTBEAT_RECEIVER,
      ...(channels.heartbeat ? { webhook_configs: [{ url_file: `${secretsDir}/${secretFiles.heartbeat}`, send_resolved: false }] } : {}),
    },
    ...(channels.pagerduty ? [{
      name: PAGER_RECEIVER,
      pagerduty_configs: [{
        routing_key_file: `${secretsDir}/${secretFiles.pagerduty}`,
        description: "{{ .GroupLabels.alertname }}: {{ .CommonAnnotations.summary }}",
        severity: "{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}critical{{ end }}",
        send_resolved: true,
      }],
    }] : []),
  ];

  const criticalFirst = { matchers: ['severity="critical"'], group_wait: routing.criticalGroupWait };
  const routes: Record<string, unknown>[] = [
    // The Watchdog always fires; the heartbeat service alerts when it stops arriving.
    { receiver: HEARTBEAT_RECEIVER, matchers: [`alertname="${WATCHDOG}"`], group_wait: "0s", group_interval: "1m", repeat_interval: "5m" },
    // Critical alerts page, and still reach their team's channels below.
    ...(channels.pagerduty ? [{ receiver: PAGER_RECEIVER, matchers: ['severity="critical"'], group_wait: routing.criticalGroupWait, continue: true }] : []),
    ...alertDomains.map((domain) => ({ receiver: teamReceiver(domain), matchers: [`domain="${domain}"`], routes: [criticalFirst] })),
  ];

  return {
    global: {
      resolve_timeout: spec.resolveTimeout,
      ...(email ? {
        smtp_smarthost: email.smarthost,
        smtp_from: email.from,
        smtp_auth_username: email.username,
        smtp_auth_password_file: `${secretsDir}/${secretFiles.email}`,
        smtp_require_tls: email.requireTls,
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
