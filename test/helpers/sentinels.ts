// Channel credentials that carry a recognisable sentinel, so a test can prove the value appears only where a
// secret may (a Kubernetes Secret, a provider's secret input) and nowhere else.
import { ChannelSecretKey, channelSecretKeys, CONFIG_NAMESPACE } from "../../stacks/config";

const sampleValue: Record<ChannelSecretKey, (sentinel: string) => string> = {
  slackWebhookUrl: (s) => `https://hooks.slack.com/services/${s}`,
  smtpPassword: (s) => `smtp-${s}`,
  pagerdutyRoutingKey: (s) => `pd-${s}`,
  teamsWebhookUrl: (s) => `https://teams.example.com/${s}`,
  webhookUrl: (s) => `https://hooks.example.com/${s}`,
  heartbeatUrl: (s) => `https://hc-ping.com/${s}`,
};

/** Every channel credential as raw stack config, each value carrying `sentinel`. */
export function sentinelChannelSecrets(sentinel: string): Record<string, string> {
  return Object.fromEntries(Object.values(channelSecretKeys).map((key) => [`${CONFIG_NAMESPACE}:${key}`, sampleValue[key](sentinel)]));
}
