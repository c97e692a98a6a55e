// The stack configuration schema: everything a stack can set, with the formats the consuming tools accept.
// Validation lives here, once, so a bad value is refused before any resource is registered.
import { z } from "zod";
import { parseDuration, PROMETHEUS_BYTES, STORAGE_QUANTITY } from "../components/units";
import { elkSchema, jaegerSchema, logShipperSchema, lokiSchema } from "./schema-logs";

export { parseBytes, parseDuration, PROMETHEUS_BYTES, PROMETHEUS_DURATION, STORAGE_QUANTITY } from "../components/units";

const CPU_QUANTITY = /^(\d+m|\d+(\.\d+)?)$/;
const MEMORY_QUANTITY = /^\d+(Mi|Gi)$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

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

/** Pods allowed to reach a UI, e.g. the ingress controller's (namespace and pod labels). */
const ingressPeerSchema = z.strictObject({
  namespace: z.string().regex(DNS_LABEL, "must be a Kubernetes namespace name"),
  podLabels: z.record(z.string().min(1), z.string()).refine((labels) => Object.keys(labels).length > 0, "must name at least one label"),
});

export const grafanaSchema = z.strictObject({
  enabled: z.boolean(),
  /** More than one only with a shared database (the secret novacron:grafanaDatabaseUrl). */
  replicas: replicas(10),
  /** Volume for Grafana's SQLite database and plugins when no shared database is set. */
  storageSize,
  resources: resourcesSchema,
  /** The URL people reach Grafana at (links in dashboards and notifications). */
  rootUrl: httpUrl.optional(),
  /** TCP port of the shared database, opened in Grafana's NetworkPolicy when one is set. */
  databasePort: z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535"),
  /** Pods allowed to reach Grafana's UI on port 3000 (e.g. the ingress controller). */
  ingressFrom: z.array(ingressPeerSchema),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** CloudWatch Logs accepts only these retention periods (days). */
export const cloudWatchRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
const httpsUrl = z.url({ protocol: /^https$/, error: "must be an https URL" });

// Cloud integrations. Identifiers only: credentials reach the Pulumi providers from the environment
// (OIDC / workload identity in CI), never from config. Required settings of an enabled cloud are
// checked in stacks/config.ts so that each missing one is reported by its key.
export const cloudsSchema = z.strictObject({
  aws: z.strictObject({
    enabled: z.boolean(),
    region: z.string().regex(AWS_REGION, "must be an AWS region such as eu-west-1").optional(),
    /** The IAM OIDC provider of the cluster's service-account issuer (EKS: the cluster's OIDC provider), for IRSA. */
    oidcProviderArn: z.string().regex(/^arn:aws[-a-z]*:iam::\d{12}:oidc-provider\/[^\s]+$/, "must be an IAM OIDC provider ARN, e.g. arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC").optional(),
    /** The EKS cluster name Container Insights reports under; defaults to `cluster`. */
    eksClusterName: z.string().min(1).optional(),
    logRetentionDays: z.number().refine((d) => (cloudWatchRetentionDays as readonly number[]).includes(d), `must be one of CloudWatch's retention periods: ${cloudWatchRetentionDays.join(", ")}`),
    /** X-Ray: share of requests traced beyond the reservoir (0..1). */
    traceSamplingRate: z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1"),
  }),
  gcp: z.strictObject({
    enabled: z.boolean(),
    project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "must be a GCP project id").optional(),
    region: z.string().regex(/^[a-z]+-[a-z]+\d$/, "must be a GCP region such as europe-west1").optional(),
    /** Workload Identity pool of the cluster; defaults to `<project>.svc.id.goog` (GKE). */
    workloadIdentityPool: z.string().regex(/^[a-z][-a-z0-9.]+\.svc\.id\.goog$/, "must be a workload identity pool such as my-project.svc.id.goog").optional(),
    /** Public NovaCron endpoints checked from Google's uptime-check locations. */
    uptimeChecks: z.array(z.strictObject({ name: z.string().regex(DNS_LABEL, "must be a lowercase DNS label"), url: httpsUrl })),
    logRetentionDays: z.number().int("must be a whole number of days").min(1, "must be at least 1").max(3650, "must be at most 3650"),
  }),
  azure: z.strictObject({
    enabled: z.boolean(),
    location: z.string().regex(/^[a-z]+[a-z0-9]*$/, "must be an Azure location such as westeurope").optional(),
    resourceGroup: z.string().regex(/^[-\w._()]{1,90}$/, "must be a resource group name").optional(),
    subscriptionId: z.string().regex(UUID, "must be a subscription id (a GUID)").optional(),
    tenantId: z.string().regex(UUID, "must be a tenant id (a GUID)").optional(),
    /** The cluster's service-account token issuer (AKS: oidcIssuerProfile.issuerURL), trusted for workload identity. */
    oidcIssuerUrl: httpsUrl.optional(),
    /** The AKS cluster's resource id: its Prometheus metrics DCR association, metric alerts and diagnostic settings. */
    aksClusterResourceId: z.string().regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i, "must be an AKS cluster resource id").optional(),
    logRetentionDays: z.number().int("must be a whole number of days").min(30, "must be at least 30").max(730, "must be at most 730"),
  }),
});

const ratioThreshold = z.number().min(0, "must be a ratio from 0 to 1").max(1, "must be a ratio from 0 to 1");
const secondsThreshold = z.number().positive("must be a number of seconds above 0");
const countThreshold = z.number().int("must be a whole number").min(0, "must be 0 or more");

/**
 * Alert thresholds a stack may change (components/alerts/catalog.ts defaultThresholds has the defaults), each in
 * its expression's unit. Every alert's rule, promtool cases and threshold line are built from the same number.
 */
export const alertThresholdsSchema = z.strictObject({
  HighCPUUsage: ratioThreshold.optional(),
  CriticalCPUUsage: ratioThreshold.optional(),
  HighMemoryUsage: ratioThreshold.optional(),
  HighDiskUsage: ratioThreshold.optional(),
  HighResponseTime: secondsThreshold.optional(),
  HighErrorRate: ratioThreshold.optional(),
  VMCreationFailure: countThreshold.optional(),
  MigrationFailure: countThreshold.optional(),
  ModelPerformanceDegradation: ratioThreshold.optional(),
  DataDriftDetected: ratioThreshold.optional(),
  ModelTrainingFailure: countThreshold.optional(),
  HighInferenceLatency: secondsThreshold.optional(),
  TargetDown: ratioThreshold.optional(),
  PrometheusRuleEvaluationFailures: countThreshold.optional(),
  PrometheusNotConnectedToAlertmanagers: countThreshold.optional(),
  PrometheusNotificationsFailing: ratioThreshold.optional(),
  AlertmanagerFailingToSendNotifications: ratioThreshold.optional(),
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
  grafana: grafanaSchema,
  clouds: cloudsSchema,
  /** Per-stack alert thresholds; an alert not listed keeps the catalog's default. */
  alertThresholds: alertThresholdsSchema.optional(),
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
export type GrafanaSpec = z.infer<typeof grafanaSchema>;
export type CloudsSpec = z.infer<typeof cloudsSchema>;
