// Reads a stack's Pulumi config, applies its environment preset and validates the result: one error
// listing every problem by its config key, raised before any resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { secretFiles } from "../components/alertmanager/render-config";
import { defaultThresholds } from "../components/alerts/thresholds";
import { ML_EXPORTER_TARGET_NAME } from "../components/ml-model-exporter/ml-model-exporter";
import { coerceConfigStrings } from "./coerce-config";
import { logsCrossChecks } from "./config-logs";
import { environmentPolicies, presets } from "./presets";
import { Environment, parseBytes, parseDuration, ProbeModule, stackSpecSchema, StackSpec } from "./schema";

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
} as const;
export type ComponentSecretKey = keyof typeof componentSecretKeys;
/** Every config key that holds a secret. */
export type SecretKey = ChannelSecretKey | ComponentSecretKey;
export const secretKeys: readonly SecretKey[] = [...Object.values(channelSecretKeys), ...(Object.keys(componentSecretKeys) as ComponentSecretKey[])];
const secretKeyNames = new Set<string>(secretKeys);
/**
 * Every config key that holds a credential and must be set with `--secret` (the leak tests discover
 * secret keys from this module's exports, so a key added here is covered automatically).
 */
export const secretConfigKeys: ReadonlySet<string> = secretKeyNames;

/** Channel secret values that are URLs must be https URLs (Alertmanager posts credentials to them). */
const urlSecrets = new Set<SecretKey>(["slackWebhookUrl", "teamsWebhookUrl", "webhookUrl", "heartbeatUrl"]);
/** Database URLs Grafana accepts (its [database] url setting). */
const DATABASE_URL = /^(postgres|mysql):\/\/[^\s/]+\/[^\s/?]+/;

/** Alertmanager's --cluster.peer-timeout (its default; the component does not change it). */
export const ALERTMANAGER_PEER_TIMEOUT_SECONDS = 15;

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
}

const topLevelKeys = Object.keys(stackSpecSchema.shape) as (keyof StackSpec)[];
const structuredKeys = new Set<string>(["prometheus", "alertmanager", "notifications", "targets", "blackbox", "exporters", "mlModelExporter", "clouds", "networkPolicies", "grafana", "alertThresholds", "elk", "loki", "logShipper", "jaeger"]);

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

  for (const [fullKey, value] of Object.entries(raw)) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    if (secretKeyNames.has(key)) {
      checkSecret(key as SecretKey, value, secretKeys.has(fullKey), problems);
      if (value !== "") secretsPresent.push(key as SecretKey);
    } else if (!(topLevelKeys as string[]).includes(key)) {
      problems.push({ key: fullKey, message: `unknown config key; known keys are ${[...topLevelKeys, ...secretKeyNames].join(", ")}` });
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
    for (const issue of result.error.issues) problems.push({ key: keyOf(issue.path), message: issue.message });
  }
  // A key the schema already refused is not checked again against other keys.
  const refused = new Set(problems.map((p) => p.key));
  problems.push(...crossChecks(merged as StackSpec, secretsPresent).filter((p) => !refused.has(p.key)));

  if (problems.length > 0) throw new StackConfigError(dedupe(problems));
  return { spec: result.data!, secretKeysPresent: secretsPresent };
}

function checkSecret(key: SecretKey, value: string, isSecret: boolean, problems: ConfigProblem[]) {
  const fullKey = `${CONFIG_NAMESPACE}:${key}`;
  if (!isSecret) problems.push({ key: fullKey, message: `is a credential and must be a secret: pulumi config set --secret ${fullKey} <value>` });
  if (value === "") problems.push({ key: fullKey, message: "must not be empty" });
  else if (urlSecrets.has(key) && !/^https:\/\/[^\s/]+/.test(value) && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(value)) {
    // The value itself is never echoed: it is a secret.
    problems.push({ key: fullKey, message: "must be an https URL" });
  } else if (key === "grafanaDatabaseUrl" && !DATABASE_URL.test(value)) {
    problems.push({ key: fullKey, message: "must be a postgres:// or mysql:// URL with host and database, e.g. postgres://grafana:<password>@db:5432/grafana" });
  }
}

/** Checks that span several keys; each runs only where the keys it reads are individually valid. */
function crossChecks(spec: StackSpec, secretsPresent: SecretKey[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: PropertyKey[], message: string) => problems.push({ key: keyOf(path), message });
  const prom = spec.prometheus ?? ({} as StackSpec["prometheus"]);

  const retention = parseBytes(String(prom.retentionSize));
  const volume = parseBytes(String(prom.storageSize));
  if (retention !== undefined && volume !== undefined && retention > 0.85 * volume) {
    add(["prometheus", "retentionSize"], `(${prom.retentionSize}) must be at most 85% of prometheus.storageSize (${prom.storageSize}) to leave room for the WAL and compaction`);
  }
  const timeout = parseDuration(String(prom.scrapeTimeout));
  const interval = parseDuration(String(prom.scrapeInterval));
  if (timeout !== undefined && interval !== undefined && timeout > interval) {
    add(["prometheus", "scrapeTimeout"], `(${prom.scrapeTimeout}) must not exceed prometheus.scrapeInterval (${prom.scrapeInterval})`);
  }

  const env = spec.environment as Environment;
  const policy = environmentPolicies[env] ?? environmentPolicies.dev;
  if (Number.isInteger(prom.replicas) && prom.replicas < policy.minPrometheusReplicas) {
    add(["prometheus", "replicas"], `must be at least ${policy.minPrometheusReplicas} in ${env}`);
  }
  const amReplicas = spec.alertmanager?.replicas;
  if (Number.isInteger(amReplicas) && amReplicas < policy.minAlertmanagerReplicas) {
    add(["alertmanager", "replicas"], `must be at least ${policy.minAlertmanagerReplicas} in ${env} (a gossip cluster that survives the loss of one peer)`);
  }

  // Peers notify one after the other, each waiting 15 s (--cluster.peer-timeout) × its position. A peer still
  // waiting on the previous group_interval's view when the first peer sends a change (e.g. a resolve)
  // repeats the old state: a duplicate notification (seen in test/e2e/faults.test.ts with a 10 s interval).
  const groupInterval = parseDuration(String(spec.alertmanager?.groupInterval));
  const longestPeerWait = Number.isInteger(amReplicas) ? (amReplicas - 1) * ALERTMANAGER_PEER_TIMEOUT_SECONDS : 0;
  if (groupInterval !== undefined && longestPeerWait > 0 && groupInterval <= longestPeerWait) {
    add(["alertmanager", "groupInterval"], `(${spec.alertmanager.groupInterval}) must be longer than ${longestPeerWait}s with ${amReplicas} replicas: the last peer waits ${longestPeerWait}s before notifying, and a shorter interval makes it send duplicates`);
  }

  const targets = Array.isArray(spec.targets) ? spec.targets : [];
  duplicates(targets.map((t) => t?.name)).forEach((i) => add(["targets", i, "name"], `duplicates another target's name; scrape job names must be unique`));
  if (spec.mlModelExporter?.enabled) {
    targets.forEach((t, i) => t?.name === ML_EXPORTER_TARGET_NAME && add(["targets", i, "name"], `"${ML_EXPORTER_TARGET_NAME}" is the ML model exporter's own job while mlModelExporter.enabled is true`));
  }
  const probes = Array.isArray(spec.blackbox?.probes) ? spec.blackbox.probes : [];
  duplicates(probes.map((p) => p?.name)).forEach((i) => add(["blackbox", "probes", i, "name"], "duplicates another probe's name"));
  probes.forEach((probe, i) => {
    if (!Array.isArray(probe?.targets)) return;
    probe.targets.forEach((target, j) => {
      const problem = probeTargetProblem(probe.module, target);
      if (problem) add(["blackbox", "probes", i, "targets", j], problem);
    });
  });

  const notifications = spec.notifications ?? ({} as StackSpec["notifications"]);
  let anyEnabled = false;
  for (const channel of Object.keys(channelSecretKeys) as Channel[]) {
    if (notifications[channel]?.enabled !== true) continue;
    if (channel !== "heartbeat") anyEnabled = true;
    const secret = channelSecretKeys[channel];
    if (!secretsPresent.includes(secret)) {
      add(["notifications", channel, "enabled"], `is true but the secret ${CONFIG_NAMESPACE}:${secret} is not set: pulumi config set --secret ${CONFIG_NAMESPACE}:${secret} <value>`);
    }
  }
  if (policy.requireNotificationChannel && !anyEnabled) {
    add(["notifications"], `${env} must enable at least one of slack, email, teams, pagerduty, webhook`);
  }

  // CriticalCPUUsage inhibits HighCPUUsage; a critical threshold at or below the warning one would hide the warning.
  const thresholds = { ...defaultThresholds, ...(isPlainObject(spec.alertThresholds) ? spec.alertThresholds : {}) };
  if (typeof thresholds.CriticalCPUUsage === "number" && typeof thresholds.HighCPUUsage === "number" && thresholds.CriticalCPUUsage <= thresholds.HighCPUUsage) {
    add(["alertThresholds", "CriticalCPUUsage"], `(${thresholds.CriticalCPUUsage}) must be above alertThresholds.HighCPUUsage (${thresholds.HighCPUUsage})`);
  }

  const clouds = spec.clouds ?? ({} as StackSpec["clouds"]);
  for (const [cloud, keys] of Object.entries(requiredCloudSettings) as [keyof StackSpec["clouds"], string[]][]) {
    const settings = (clouds[cloud] ?? {}) as Record<string, unknown>;
    if (settings.enabled !== true) continue;
    for (const key of keys) if (settings[key] === undefined) add(["clouds", cloud, key], `is required when clouds.${cloud}.enabled is true`);
  }
  logsCrossChecks(spec, add);
  return problems;
}

/** What an enabled cloud cannot work without (identifiers only: credentials come from the environment). */
export const requiredCloudSettings: Record<keyof StackSpec["clouds"], string[]> = {
  aws: ["region", "oidcProviderArn"],
  gcp: ["project", "region"],
  azure: ["location", "resourceGroup", "subscriptionId", "tenantId", "oidcIssuerUrl"],
};

function probeTargetProblem(module: ProbeModule, target: unknown): string | undefined {
  if (typeof target !== "string") return undefined; // the schema reports the type
  switch (module) {
    case "http_2xx":
      return /^https?:\/\/[^\s/]+/.test(target) ? undefined : "must be an http(s) URL for the http_2xx module";
    case "tcp_connect":
    case "dns":
      return /^[A-Za-z0-9.-]+:\d{1,5}$/.test(target) ? undefined : `must be host:port for the ${module} module`;
    case "icmp":
      return /^[A-Za-z0-9.-]+$/.test(target) ? undefined : "must be a host name or IP address for the icmp module";
    default:
      return undefined;
  }
}

function duplicates(values: unknown[]): number[] {
  const seen = new Set<unknown>();
  return values.flatMap((v, i) => (v !== undefined && seen.has(v) ? [i] : (seen.add(v), [])));
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.key}\u0000${p.message}`) && !!seen.add(`${p.key}\u0000${p.message}`));
}

/** Channel credentials as Pulumi secret outputs, keyed by config key. */
export type ChannelSecrets = Partial<Record<ChannelSecretKey, pulumi.Output<string>>>;
/** Every secret supplied (channel credentials and component secrets), as Pulumi secret outputs. */
export type StackSecrets = Partial<Record<SecretKey, pulumi.Output<string>>>;

export interface StackConfig extends ParsedStackConfig {
  secrets: StackSecrets;
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
  return { ...parsed, secrets };
}
