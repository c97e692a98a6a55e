// Pure: typed spec → alertmanager.yml. Credentials never appear in it: every secret is a `*_file`
// path to a file mounted from a Kubernetes Secret, so the config is safe to keep in a ConfigMap and
// to show in a preview diff.

import type { AlertDomain } from "../alerts/types";

export const alertDomains: AlertDomain[] = ["infrastructure", "application", "ml", "stack"];

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

/** The notification channels; a channel present here is enabled. */
export interface ChannelsSpec {
  slack?: { channel: string; domainChannels?: Partial<Record<AlertDomain, string>> };
  email?: { to: string; from: string; smarthost: string; username: string; requireTls: boolean };
  /** Microsoft Teams through Alertmanager's native integration for Workflows webhooks (msteamsv2). */
  teams?: Record<string, never>;
  pagerduty?: Record<string, never>;
  webhook?: Record<string, never>;
  /** Dead man's switch that receives the always-firing Watchdog. */
  heartbeat?: Record<string, never>;
}

export interface RoutingSpec {
  groupBy: string[];
  groupWait: string;
  /** Critical alerts wait less before the first notification. */
  criticalGroupWait: string;
  groupInterval: string;
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
    { receiver: HEARTBEAT_RECEIVER, matchers: ['alertname="Watchdog"'], group_wait: "0s", group_interval: "1m", repeat_interval: "5m" },
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
