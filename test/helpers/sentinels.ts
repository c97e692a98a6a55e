// Secrets that carry a recognisable sentinel, and the search for them in every encoding a renderer could
// give them, so a test can prove the value appears only where a secret may (a Kubernetes Secret, a
// provider's secret input) and nowhere else.
import { stringify } from "yaml";
import { ChannelSecretKey, channelSecretKeys, CONFIG_NAMESPACE, parseStackConfig, StackConfigError } from "../../stacks/config";

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

/**
 * Whether the validator accepts `value` for the secret key `key` (short, e.g. "webhookUrl") set as a Pulumi
 * secret: the shapes a sentinel can take are found by asking it, not listed beside it.
 */
export function acceptedAsSecret(key: string, value: string): boolean {
  const fullKey = `${CONFIG_NAMESPACE}:${key}`;
  try {
    parseStackConfig({ [`${CONFIG_NAMESPACE}:environment`]: "dev", [fullKey]: value }, new Set([fullKey]));
  } catch (err) {
    return !(err instanceof StackConfigError && err.problems.some((p) => p.key === fullKey));
  }
  return true;
}

/**
 * The base64 forms of `token` as it would appear inside a longer base64 text: three alignments (the bytes
 * before it decide where its 3-byte groups start), each without the characters its neighbours affect.
 */
function base64Forms(token: string): string[] {
  const bytes = Buffer.from(token, "utf8");
  const forms: string[] = [];
  for (const pad of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(pad, 0x20), bytes]).toString("base64").replace(/=+$/, "");
    // Characters that mix bits of the padding (start) or of what follows (end) are not part of the token's form.
    const start = Math.ceil((pad * 4) / 3);
    const end = Math.floor(((pad + bytes.length) * 4) / 3);
    const form = encoded.slice(start, end);
    if (form.length >= 4) forms.push(form, form.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return forms;
}

export interface SentinelEncoding {
  encoding: string;
  text: string;
}

/**
 * Every form `token` can take in a rendered artifact: raw, JSON-escaped, YAML-quoted (double and single),
 * URL-encoded (component and form), HTML-escaped and base64 (standard and URL-safe, at each alignment).
 * A token short enough to occur by chance must be chosen not to (e.g. with characters rendered text never has).
 */
export function sentinelEncodings(token: string): SentinelEncoding[] {
  const candidates: SentinelEncoding[] = [
    { encoding: "raw", text: token },
    { encoding: "JSON-escaped", text: JSON.stringify(token).slice(1, -1) },
    { encoding: "JSON-escaped twice", text: JSON.stringify(JSON.stringify(token)).slice(3, -3) },
    { encoding: "YAML double-quoted", text: stringify(token, { defaultStringType: "QUOTE_DOUBLE", lineWidth: 0 }).trim().slice(1, -1) },
    { encoding: "YAML single-quoted", text: stringify(token, { defaultStringType: "QUOTE_SINGLE", lineWidth: 0 }).trim().slice(1, -1) },
    { encoding: "URL-encoded", text: encodeURIComponent(token) },
    { encoding: "form-encoded", text: new URLSearchParams({ v: token }).toString().slice(2) },
    { encoding: "HTML-escaped", text: token.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;") },
    ...base64Forms(token).map((text) => ({ encoding: "base64", text })),
  ];
  const seen = new Set<string>();
  return candidates.filter(({ text }) => text.length > 0 && !seen.has(text) && !!seen.add(text));
}

export interface SecretLeak {
  /** The secret's name (its config key, or whatever the caller named it). */
  secret: string;
  encoding: string;
}

/** Which of `secrets` (name → token) appear in `text`, and in which encoding. */
export function findSecretLeaks(text: string, secrets: Record<string, string>): SecretLeak[] {
  return Object.entries(secrets).flatMap(([secret, token]) =>
    sentinelEncodings(token).filter(({ text: form }) => text.includes(form)).map(({ encoding }) => ({ secret, encoding })).slice(0, 1),
  );
}
