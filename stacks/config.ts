// Reads a stack's Pulumi config, applies its environment preset and validates the result: one error
// listing every problem by its config key, raised before any resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { secretFiles } from "../components/alertmanager/render-config";
import { coerceConfigStrings } from "./coerce-config";
import { presets } from "./presets";
import { stackSpecSchema, StackSpec } from "./schema";

export const CONFIG_NAMESPACE = "novacron";

/**
 * Channel credentials: Pulumi secrets, one config key each (`pulumi config set --secret <key>`). The keys
 * are the file names Alertmanager reads the credentials from, so the two cannot drift apart.
 */
export const channelSecretKeys = secretFiles;
export type Channel = keyof typeof channelSecretKeys;
export type ChannelSecretKey = (typeof channelSecretKeys)[Channel];
export const channels = Object.keys(channelSecretKeys) as Channel[];

/**
 * Secrets other than channel credentials, by config key: each must be set with `--secret` and its value is
 * never echoed. Components that need a secret add their key here.
 */
export const componentSecretKeys = {
  /** Grafana's admin password; generated (and exported as a secret output) when unset. */
  grafanaAdminPassword: "Grafana's admin password",
  /** Grafana's shared database, e.g. postgres://user:password@host:5432/grafana; needed for replicas > 1. */
  grafanaDatabaseUrl: "Grafana's shared database URL",
  /** The access key id of Thanos' S3-compatible store (thanos.storage: s3-compatible). */
  thanosS3AccessKeyId: "the access key id of Thanos' S3-compatible store",
  /** The secret access key of Thanos' S3-compatible store (thanos.storage: s3-compatible). */
  thanosS3SecretAccessKey: "the secret access key of Thanos' S3-compatible store",
} as const;

/** The secrets an S3-compatible Thanos store needs. */
export const thanosS3SecretKeys = ["thanosS3AccessKeyId", "thanosS3SecretAccessKey"] as const satisfies readonly ComponentSecretKey[];
export type ComponentSecretKey = keyof typeof componentSecretKeys;
/** Every config key that holds a secret. */
export type SecretKey = ChannelSecretKey | ComponentSecretKey;
export const secretKeys: readonly SecretKey[] = [...Object.values(channelSecretKeys), ...(Object.keys(componentSecretKeys) as ComponentSecretKey[])];
const secretKeyNames = new Set<string>(secretKeys);
const fullSecretKeys = secretKeys.map((key) => `${CONFIG_NAMESPACE}:${key}`);
/**
 * Every config key that holds a credential and must be set with `--secret` (the leak tests discover
 * secret keys from this module's exports, so a key added here is covered automatically).
 */
export const secretConfigKeys: ReadonlySet<string> = secretKeyNames;

/** Channel secret values that are URLs must be https URLs (Alertmanager posts credentials to them). */
const urlSecrets = new Set<SecretKey>(["slackWebhookUrl", "teamsWebhookUrl", "webhookUrl", "heartbeatUrl"]);
/** Database URLs Grafana accepts (its [database] url setting). */
const DATABASE_URL = /^(postgres|mysql):\/\/[^\s/]+\/[^\s/?]+/;

/** Keys an earlier version read, and where their values go now. */
const movedKeys: Record<string, string> = {
  alertThresholds: `set each alert's threshold as ${CONFIG_NAMESPACE}:alerts.<AlertName>.threshold, e.g. {HighCPUUsage: {threshold: 0.9}} or pulumi config set --path ${CONFIG_NAMESPACE}:alerts.HighCPUUsage.threshold 0.9`,
};

export interface ConfigProblem {
  /** The full config key, e.g. `novacron:prometheus.retentionTime`. */
  key: string;
  message: string;
}

/**
 * A RunError: the Pulumi engine prints its message alone, once, with no stack trace (any other error is an
 * "Unhandled exception" with a trace and the message twice).
 */
export class StackConfigError extends pulumi.RunError {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
    );
    this.name = "StackConfigError";
  }
}

/** Raw config as Pulumi hands it over: full key → string value (objects as JSON). */
export type RawConfig = Record<string, string>;

export interface ParsedStackConfig {
  spec: StackSpec;
  /** Which secrets were supplied (values stay out of the spec). */
  secretKeysPresent: SecretKey[];
  /** The secret keys the team routes name (alertmanager.teamRoutes), all supplied. */
  teamSecretKeysPresent: string[];
}

const topLevelKeys = Object.keys(stackSpecSchema.shape) as (keyof StackSpec)[];
/** Whether a schema holds text: Pulumi hands every other value (objects, lists, booleans) over as JSON. */
const holdsText = (schema: z.ZodType): boolean =>
  schema instanceof z.ZodOptional ? holdsText(schema.unwrap() as z.ZodType) : schema.def.type === "string" || schema.def.type === "enum";
const structuredKeys = new Set<string>(topLevelKeys.filter((key) => !holdsText(stackSpecSchema.shape[key])));

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Overrides win; objects merge key by key; arrays and scalars replace. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  // defineProperty: a `__proto__` key from JSON stays an own (unknown, hence refused) key instead of
  // silently replacing the merged object's prototype.
  for (const [k, v] of Object.entries(override)) {
    Object.defineProperty(merged, k, { value: deepMerge(Object.hasOwn(base, k) ? base[k] : undefined, v), enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

const keyOf = (path: readonly PropertyKey[]) =>
  `${CONFIG_NAMESPACE}:` + path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");

/**
 * Pure: raw Pulumi config in, validated spec out (or a StackConfigError naming every problem).
 * `secretKeys` are the full keys Pulumi holds as secrets, so a credential set in plain text is refused.
 */
export function parseStackConfig(raw: RawConfig, secretKeys: ReadonlySet<string> = new Set()): ParsedStackConfig {
  const problems: ConfigProblem[] = [];
  const overrides: Record<string, unknown> = {};
  const secretsPresent: SecretKey[] = [];
  const teamSecrets = teamSecretReferences(raw);
  const teamSecretsPresent: string[] = [];

  for (const [fullKey, value] of Object.entries(raw)) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    if (secretKeyNames.has(key)) {
      checkSecret(key as SecretKey, value, secretKeys.has(fullKey), problems);
      if (value !== "") secretsPresent.push(key as SecretKey);
    } else if (teamSecrets.has(key)) {
      checkSecretValue(fullKey, value, secretKeys.has(fullKey), teamSecrets.get(key) ? "url" : undefined, problems);
      if (value !== "") teamSecretsPresent.push(key);
    } else if (Object.hasOwn(movedKeys, key)) {
      problems.push({ key: fullKey, message: `has moved: ${movedKeys[key]}` });
    } else if (!(topLevelKeys as string[]).includes(key)) {
      problems.push({ key: fullKey, message: `unknown config key; known keys are ${[...topLevelKeys, ...secretKeyNames].join(", ")}` });
    } else if (secretKeys.has(fullKey)) {
      // Everything outside the secret keys is rendered in plain text: a value secret enough for --secret would leak.
      problems.push({ key: fullKey, message: `is set as a secret, but its value is written in plain text into config files and ConfigMaps: set it without --secret (only credentials are secrets, each in its own key: ${fullSecretKeys.join(", ")})` });
    } else if (structuredKeys.has(key)) {
      try {
        overrides[key] = JSON.parse(value);
      } catch {
        problems.push({ key: fullKey, message: key === "networkPolicies" ? "must be true or false" : "must be a structured (YAML object or list) value" });
      }
    } else {
      overrides[key] = value;
    }
  }

  const environment = overrides.environment;
  let preset: StackSpec;
  if (environment === "dev" || environment === "prod") {
    preset = presets[environment];
  } else {
    problems.push({ key: keyOf(["environment"]), message: environment === undefined ? "is required (dev or prod)" : "must be one of dev, prod" });
    preset = presets.dev; // keep validating the other keys against a complete base
  }
  // `pulumi config set --path` stores nested numbers and booleans as strings: read them as the schema types them.
  const merged = deepMerge({ ...preset, environment: preset.environment }, coerceConfigStrings({ ...overrides, environment: preset.environment }, stackSpecSchema));

  const result = stackSpecSchema.safeParse(merged);
  if (!result.success) {
    // A record key refused by its own schema (e.g. an SLO name) says why in the key's issue, not zod's wrapper.
    for (const issue of result.error.issues) problems.push({ key: keyOf(issue.path), message: issue.code === "invalid_key" ? issue.issues[0]?.message ?? issue.message : issue.message });
  }
  problems.push(...channelSecretProblems(merged, secretsPresent));
  problems.push(...thanosSecretProblems(merged, secretsPresent));
  problems.push(...teamEmailProblems(merged, secretsPresent));
  if (result.success) problems.push(...teamSecretProblems(result.data, teamSecretsPresent));
  problems.push(...secretsInPlainValues(overrides, Object.fromEntries([...secretsPresent, ...teamSecretsPresent].map((key) => [key, raw[`${CONFIG_NAMESPACE}:${key}`]]))));

  if (problems.length > 0) throw new StackConfigError(dedupe(problems));
  return { spec: result.data!, secretKeysPresent: secretsPresent, teamSecretKeysPresent: teamSecretsPresent };
}

/** Keys of the config's own, which a team route may not name as its secret. */
const ownKeys = new Set<string>([...topLevelKeys, ...secretKeyNames, ...Object.keys(movedKeys)]);

/**
 * The secret keys the team routes name, each with whether it holds a URL, read from the raw value before
 * validation: those keys are secrets, not unknown keys. A route naming one of the config's own keys is
 * refused after validation (teamSecretProblems).
 */
function teamSecretReferences(raw: RawConfig): Map<string, boolean> {
  const refs = new Map<string, boolean>();
  let routes: unknown;
  try {
    routes = (JSON.parse(raw[`${CONFIG_NAMESPACE}:alertmanager`] ?? "{}") as { teamRoutes?: unknown } | null)?.teamRoutes;
  } catch {
    return refs;
  }
  if (!Array.isArray(routes)) return refs;
  for (const route of routes) {
    const receiver = isPlainObject(route) && isPlainObject(route.receiver) ? route.receiver : {};
    for (const [channel, field, url] of [["slack", "webhookUrlSecret", true], ["pagerduty", "routingKeySecret", false], ["webhook", "urlSecret", true]] as const) {
      const settings = receiver[channel];
      const key = isPlainObject(settings) ? settings[field] : undefined;
      if (typeof key === "string" && !ownKeys.has(key)) refs.set(key, url || refs.get(key) === true);
    }
  }
  return refs;
}

/** Each team route's credential must be supplied, as a secret of its own. */
function teamSecretProblems(spec: StackSpec, present: string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  (spec.alertmanager.teamRoutes ?? []).forEach((route, i) => {
    for (const [channel, field] of [["slack", "webhookUrlSecret"], ["pagerduty", "routingKeySecret"], ["webhook", "urlSecret"]] as const) {
      const settings = route.receiver[channel] as Record<string, string> | undefined;
      const key = settings?.[field];
      if (key === undefined) continue;
      const path = ["alertmanager", "teamRoutes", i, "receiver", channel, field];
      if (ownKeys.has(key)) problems.push({ key: keyOf(path), message: `names ${CONFIG_NAMESPACE}:${key}, a key of the stack's own: give the team's credential a key of its own, e.g. ${route.name.replace(/-./g, (m) => m[1].toUpperCase())}${channel[0].toUpperCase()}${channel.slice(1)}${field[0].toUpperCase()}${field.slice(1).replace(/Secret$/, "")}` });
      else if (!present.includes(key)) problems.push({ key: keyOf(path), message: `names the secret ${CONFIG_NAMESPACE}:${key}, which is not set: pulumi config set --secret ${CONFIG_NAMESPACE}:${key} <value>` });
    }
  });
  return problems;
}

/**
 * A team route's email goes through the stack's SMTP server (notifications.email's settings), which needs its
 * password. Read from the merged value before validation, so it is reported beside the schema's problems.
 */
function teamEmailProblems(merged: unknown, secretsPresent: SecretKey[]): ConfigProblem[] {
  const password = channelSecretKeys.email;
  const alertmanager = isPlainObject(merged) && isPlainObject(merged.alertmanager) ? merged.alertmanager : {};
  if (secretsPresent.includes(password) || !Array.isArray(alertmanager.teamRoutes)) return [];
  return alertmanager.teamRoutes.flatMap((route: unknown, i) => isPlainObject(route) && isPlainObject(route.receiver) && route.receiver.email !== undefined
    ? [{ key: keyOf(["alertmanager", "teamRoutes", i, "receiver", "email"]), message: `sends through the stack's SMTP server (notifications.email: smarthost, from, username), whose password ${CONFIG_NAMESPACE}:${password} is not set: pulumi config set --secret ${CONFIG_NAMESPACE}:${password} <value>` }]
    : []);
}

function checkSecret(key: SecretKey, value: string, isSecret: boolean, problems: ConfigProblem[]) {
  const kind = urlSecrets.has(key) ? "url" : key === "grafanaDatabaseUrl" ? "database" : undefined;
  checkSecretValue(`${CONFIG_NAMESPACE}:${key}`, value, isSecret, kind, problems);
}

/** A credential: held as a secret, not empty, and of its kind. The value itself is never echoed. */
function checkSecretValue(fullKey: string, value: string, isSecret: boolean, kind: "url" | "database" | undefined, problems: ConfigProblem[]) {
  if (!isSecret) problems.push({ key: fullKey, message: `is a credential and must be a secret: pulumi config set --secret ${fullKey} <value>` });
  if (value === "") problems.push({ key: fullKey, message: "must not be empty" });
  else if (kind === "url" && !/^https:\/\/[^\s/]+/.test(value) && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(value)) {
    problems.push({ key: fullKey, message: "must be an https URL" });
  } else if (kind === "database" && !DATABASE_URL.test(value)) {
    problems.push({ key: fullKey, message: "must be a postgres:// or mysql:// URL with host and database, e.g. postgres://grafana:<password>@db:5432/grafana" });
  }
}

/** An enabled channel needs its credential: the secrets are outside the spec, so the schema cannot check this. */
function channelSecretProblems(merged: unknown, secretsPresent: SecretKey[]): ConfigProblem[] {
  const notifications = (isPlainObject(merged) && isPlainObject(merged.notifications) ? merged.notifications : {}) as Record<string, { enabled?: unknown } | undefined>;
  return channels
    .filter((channel) => notifications[channel]?.enabled === true && !secretsPresent.includes(channelSecretKeys[channel]))
    .map((channel) => {
      const secret = channelSecretKeys[channel];
      return { key: keyOf(["notifications", channel, "enabled"]), message: `is true but the secret ${CONFIG_NAMESPACE}:${secret} is not set: pulumi config set --secret ${CONFIG_NAMESPACE}:${secret} <value>` };
    });
}

/** An S3-compatible Thanos store needs its key pair, which lives outside the spec (the schema cannot check it). */
function thanosSecretProblems(merged: unknown, secretsPresent: SecretKey[]): ConfigProblem[] {
  const thanos = (isPlainObject(merged) && isPlainObject(merged.thanos) ? merged.thanos : {}) as { enabled?: unknown; storage?: unknown };
  if (thanos.enabled !== true || thanos.storage !== "s3-compatible") return [];
  const missing = thanosS3SecretKeys.filter((key) => !secretsPresent.includes(key));
  return missing.length
    ? [{ key: keyOf(["thanos", "storage"]), message: `is s3-compatible but ${missing.map((k) => `${CONFIG_NAMESPACE}:${k}`).join(" and ")} ${missing.length > 1 ? "are" : "is"} not set: pulumi config set --secret ${CONFIG_NAMESPACE}:${missing[0]} <value>` }]
    : [];
}

/** Secrets shorter than this are only looked for as whole values: as a part of a longer one, they match by chance. */
const MIN_EMBEDDED_SECRET = 8;

/**
 * A plain key holding a secret's value (a webhook URL pasted into a channel name, the SMTP password as the
 * username) would write it in plain text. The values are never echoed.
 */
function secretsInPlainValues(overrides: Record<string, unknown>, secrets: Record<string, string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    if (typeof value === "string") {
      const secret = Object.entries(secrets).find(([, v]) => value === v || (v.length >= MIN_EMBEDDED_SECRET && value.includes(v)));
      if (secret) problems.push({ key: keyOf(path), message: `holds the value of the secret ${CONFIG_NAMESPACE}:${secret[0]}, and this key is written in plain text: set the credential only in its secret key` });
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  for (const [key, value] of Object.entries(overrides)) visit(value, [key]);
  return problems;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.key}\u0000${p.message}`) && !!seen.add(`${p.key}\u0000${p.message}`));
}

/** Every secret supplied (channel credentials and component secrets), as Pulumi secret outputs. */
export type StackSecrets = Partial<Record<SecretKey, pulumi.Output<string>>>;

export interface StackConfig extends ParsedStackConfig {
  secrets: StackSecrets;
  /** The team routes' credentials by their config keys, as Pulumi secret outputs. */
  teamSecrets: Record<string, pulumi.Output<string>>;
}

/**
 * Whether Pulumi holds a key as a secret. The SDK exports this from its runtime but marks it internal;
 * without it, no key counts as secret and plain-text credentials are refused, erring on the safe side.
 */
function isConfigSecret(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  return runtime.isConfigSecret?.(key) ?? false;
}

/** Reads and validates this stack's config from the Pulumi engine (or from mocks' setAllConfig). */
export function loadStackConfig(): StackConfig {
  const raw = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(raw).filter(isConfigSecret));
  const parsed = parseStackConfig(raw, secretKeys);
  const secrets: StackSecrets = {};
  for (const key of parsed.secretKeysPresent) secrets[key] = pulumi.secret(raw[`${CONFIG_NAMESPACE}:${key}`]);
  const teamSecrets = Object.fromEntries(parsed.teamSecretKeysPresent.map((key) => [key, pulumi.secret(raw[`${CONFIG_NAMESPACE}:${key}`])]));
  return { ...parsed, secrets, teamSecrets };
}
