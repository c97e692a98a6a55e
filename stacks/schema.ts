// The stack configuration schema: everything a stack can set, with the formats the consuming tools accept.
// Validation lives here, once, so a bad value is refused before any resource is registered.
import { z } from "zod";
import { elkSchema, jaegerSchema, logShipperSchema, lokiSchema } from "./schema-logs";

/** Prometheus duration, e.g. 30s, 5m, 1h30m, 30d (the format Prometheus' own config accepts). */
export const PROMETHEUS_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
/** Prometheus byte size for --storage.tsdb.retention.size (base-2 units, as Prometheus reads them). */
export const PROMETHEUS_BYTES = /^(\d+)(B|KB|MB|GB|TB|PB)$/;
/** Kubernetes storage quantity in binary units (the only ones that make sense for volumes). */
export const STORAGE_QUANTITY = /^(\d+)(Mi|Gi|Ti)$/;
const CPU_QUANTITY = /^(\d+m|\d+(\.\d+)?)$/;
const MEMORY_QUANTITY = /^\d+(Mi|Gi)$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

const durationSeconds: Record<string, number> = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

/** Seconds in a Prometheus duration string; undefined when it is not one. */
export function parseDuration(value: string): number | undefined {
  const match = PROMETHEUS_DURATION.exec(value);
  if (!match || value === "") return undefined;
  const units = ["y", "w", "d", "h", "m", "s", "ms"];
  return units.reduce((total, unit, i) => total + Number(match[i + 1] ?? 0) * durationSeconds[unit], 0);
}

const byteUnits: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Bytes in a Prometheus size (50GB) or a Kubernetes binary quantity (100Gi). */
export function parseBytes(value: string): number | undefined {
  const match = PROMETHEUS_BYTES.exec(value) ?? STORAGE_QUANTITY.exec(value);
  return match ? Number(match[1]) * byteUnits[match[2]] : undefined;
}

const duration = (what: string, min = "1s", max = "3650d") =>
  z.string().refine((v) => parseDuration(v) !== undefined, { error: `${what} must be a Prometheus duration such as 30s, 5m or 30d`, abort: true })
    .refine((v) => (parseDuration(v) ?? 0) >= parseDuration(min)!, `${what} must be at least ${min}`)
    .refine((v) => (parseDuration(v) ?? 0) <= parseDuration(max)!, `${what} must be at most ${max}`);

const replicas = (max: number) => z.number().int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);
const storageSize = z.string().regex(STORAGE_QUANTITY, "must be a Kubernetes storage size in Mi, Gi or Ti, e.g. 100Gi");
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

export const resourcesSchema = z.strictObject({
  requests: z.strictObject({
    cpu: z.string().regex(CPU_QUANTITY, "must be a CPU quantity such as 250m or 1"),
    memory: z.string().regex(MEMORY_QUANTITY, "must be a memory quantity in Mi or Gi"),
  }),
  limits: z.strictObject({
    cpu: z.string().regex(CPU_QUANTITY, "must be a CPU quantity such as 500m or 2"),
    memory: z.string().regex(MEMORY_QUANTITY, "must be a memory quantity in Mi or Gi"),
  }),
});

const remoteWriteSchema = z.strictObject({
  name: z.string().regex(DNS_LABEL, "must be a short lowercase name"),
  url: httpUrl,
  /** AWS SigV4 signing (Amazon Managed Service for Prometheus); credentials come from the pod's role. */
  sigv4: z.strictObject({ region: z.string().min(1), roleArn: z.string().startsWith("arn:").optional() }).optional(),
});

export const prometheusSchema = z.strictObject({
  replicas: replicas(5),
  retentionTime: duration("retentionTime", "2h", "730d"),
  retentionSize: z.string().regex(PROMETHEUS_BYTES, "must be a Prometheus size such as 50GB"),
  storageSize,
  scrapeInterval: duration("scrapeInterval", "5s", "5m"),
  scrapeTimeout: duration("scrapeTimeout", "1s", "5m"),
  evaluationInterval: duration("evaluationInterval", "5s", "5m"),
  resources: resourcesSchema,
  remoteWrite: z.array(remoteWriteSchema),
  /** Kubelet serving certificates are self-signed unless serverTLSBootstrap is on; see the README. */
  kubeletInsecureSkipVerify: z.boolean(),
});

export const alertmanagerSchema = z.strictObject({
  replicas: replicas(7),
  storageSize,
  resources: resourcesSchema,
  groupWait: duration("groupWait", "0s", "10m"),
  criticalGroupWait: duration("criticalGroupWait", "0s", "10m"),
  groupInterval: duration("groupInterval", "10s", "1h"),
  repeatInterval: duration("repeatInterval", "1m", "7d"),
  resolveTimeout: duration("resolveTimeout", "1m", "1h"),
  /** The URL people reach Alertmanager at; notifications link to it. */
  externalUrl: httpUrl.optional(),
});

const domainChannels = z.strictObject({
  infrastructure: z.string().regex(/^#[a-z0-9_-]+$/, "must be a Slack channel such as #alerts").optional(),
  application: z.string().regex(/^#[a-z0-9_-]+$/, "must be a Slack channel such as #alerts").optional(),
  ml: z.string().regex(/^#[a-z0-9_-]+$/, "must be a Slack channel such as #alerts").optional(),
  stack: z.string().regex(/^#[a-z0-9_-]+$/, "must be a Slack channel such as #alerts").optional(),
});

export const notificationsSchema = z.strictObject({
  slack: z.strictObject({
    enabled: z.boolean(),
    channel: z.string().regex(/^#[a-z0-9_-]+$/, "must be a Slack channel such as #alerts"),
    /** Per-domain channels; a domain without one uses `channel`. */
    domainChannels: domainChannels.optional(),
  }),
  email: z.strictObject({
    enabled: z.boolean(),
    to: z.email("must be an email address"),
    from: z.email("must be an email address"),
    smarthost: z.string().regex(HOST_PORT, "must be host:port, e.g. smtp.gmail.com:587"),
    username: z.string().min(1, "must not be empty"),
    requireTls: z.boolean(),
  }),
  teams: z.strictObject({ enabled: z.boolean() }),
  pagerduty: z.strictObject({ enabled: z.boolean() }),
  webhook: z.strictObject({ enabled: z.boolean() }),
  /** Dead man's switch: the always-firing Watchdog alert is sent here (e.g. healthchecks.io). */
  heartbeat: z.strictObject({ enabled: z.boolean() }),
});

export const scrapeTargetSchema = z.strictObject({
  /** Job name suffix: the job is `novacron-<name>`. */
  name: z.string().regex(DNS_LABEL, "must be a lowercase DNS label"),
  namespace: z.string().regex(DNS_LABEL, "must be a Kubernetes namespace name"),
  /** The Kubernetes Service whose endpoints are scraped (every pod behind it, not the load-balanced VIP). */
  service: z.string().regex(DNS_LABEL, "must be a Kubernetes Service name"),
  port: z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535"),
  path: z.string().startsWith("/", "must start with /"),
  domain: z.enum(["application", "ml"]),
});

export const probeModules = ["http_2xx", "tcp_connect", "dns", "icmp"] as const;
export const probeSchema = z.strictObject({
  name: z.string().regex(DNS_LABEL, "must be a lowercase DNS label"),
  module: z.enum(probeModules),
  targets: z.array(z.string().min(1)).min(1, "must list at least one target"),
});

export const blackboxSchema = z.strictObject({
  enabled: z.boolean(),
  /** The name the dns module resolves against each probed DNS server. */
  dnsQueryName: z.string().min(1),
  probes: z.array(probeSchema),
});

const enabled = z.strictObject({ enabled: z.boolean() });

export const mlModelExporterSchema = z.strictObject({
  enabled: z.boolean(),
  /** The image built from exporters/ml-model, pinned to its version. */
  image: z.string().regex(/^[\w./-]+(:\d+)?\/[\w./-]+:v?\d+\.\d+\.\d+$/, "must be an image reference pinned to a version, e.g. ghcr.io/novacron/ml-model-exporter:0.1.0"),
  /** The ML service's base URL (the seed's ML_MODEL_ENDPOINT). */
  endpoint: httpUrl,
  /** Seconds; served ML data is never older (the seed's SCRAPE_INTERVAL). */
  scrapeInterval: z.number().int("must be a whole number of seconds").min(0).max(3600),
});
export const exportersSchema = z.strictObject({
  nodeExporter: enabled,
  cadvisor: enabled,
  kubeStateMetrics: enabled,
});

export const cloudsSchema = z.strictObject({
  aws: z.strictObject({ enabled: z.boolean(), region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1").optional() }),
  gcp: z.strictObject({ enabled: z.boolean(), project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "must be a GCP project id").optional(), region: z.string().optional() }),
  azure: z.strictObject({ enabled: z.boolean(), location: z.string().optional(), resourceGroup: z.string().optional() }),
});

/** The whole validated stack spec (after the environment preset is applied). */
export const stackSpecSchema = z.strictObject({
  environment: z.enum(["dev", "prod"], "must be one of dev, prod"),
  cluster: z.string().regex(DNS_LABEL, "must be a lowercase DNS label, e.g. novacron-prod"),
  namespace: z.string().regex(DNS_LABEL, "must be a Kubernetes namespace name"),
  /** Host-level exporters (node-exporter, cAdvisor) need host access; they live in their own namespace. */
  hostNamespace: z.string().regex(DNS_LABEL, "must be a Kubernetes namespace name"),
  /** Storage class for persistent volumes; unset uses the cluster's default class. */
  storageClass: z.string().regex(DNS_LABEL, "must be a StorageClass name").optional(),
  runbookBaseUrl: httpUrl,
  networkPolicies: z.boolean(),
  prometheus: prometheusSchema,
  alertmanager: alertmanagerSchema,
  notifications: notificationsSchema,
  targets: z.array(scrapeTargetSchema),
  blackbox: blackboxSchema,
  exporters: exportersSchema,
  mlModelExporter: mlModelExporterSchema,
  clouds: cloudsSchema,
  // Logs and traces (stacks/schema-logs.ts).
  elk: elkSchema,
  loki: lokiSchema,
  logShipper: logShipperSchema,
  jaeger: jaegerSchema,
});

export type StackSpec = z.infer<typeof stackSpecSchema>;
export type Environment = StackSpec["environment"];
export type Resources = z.infer<typeof resourcesSchema>;
export type ScrapeTarget = z.infer<typeof scrapeTargetSchema>;
export type Probe = z.infer<typeof probeSchema>;
export type ProbeModule = (typeof probeModules)[number];
export type RemoteWrite = z.infer<typeof remoteWriteSchema>;
