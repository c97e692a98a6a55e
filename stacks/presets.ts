// Environment presets: the whole difference between dev and prod lives here, as data.
// Pulumi.<env>.yaml only overrides what a particular stack needs to change.
import { logsPresets } from "./presets-logs";
import type { Environment, ScrapeTarget, StackSpec } from "./schema";

/** The NovaCron services and their metrics ports, as the seed lists them. */
export const novacronTargets: ScrapeTarget[] = [
  { name: "api", namespace: "novacron", service: "novacron-api", port: 8080, path: "/metrics", domain: "application" },
  { name: "vm-manager", namespace: "novacron", service: "novacron-vm-manager", port: 8081, path: "/metrics", domain: "application" },
  { name: "migration", namespace: "novacron", service: "novacron-migration", port: 8082, path: "/metrics", domain: "application" },
  { name: "scheduler", namespace: "novacron", service: "novacron-scheduler", port: 8083, path: "/metrics", domain: "application" },
  { name: "ml-pipeline", namespace: "novacron", service: "ml-service", port: 8000, path: "/metrics", domain: "ml" },
];

const common = {
  namespace: "monitoring",
  hostNamespace: "monitoring-host",
  runbookBaseUrl: "https://github.com/novacron/observability/blob/main/docs/runbooks",
  networkPolicies: true,
  targets: novacronTargets,
  exporters: { nodeExporter: { enabled: true }, cadvisor: { enabled: true }, kubeStateMetrics: { enabled: true } },
  mlModelExporter: {
    enabled: true,
    image: "ghcr.io/novacron/ml-model-exporter:0.1.0",
    endpoint: "http://ml-service.novacron.svc:8000",
    scrapeInterval: 30,
  },
  notifications: {
    slack: { enabled: false, channel: "#alerts" },
    email: { enabled: false, to: "ops@novacron.com", from: "alerts@novacron.com", smarthost: "smtp.gmail.com:587", username: "alerts@novacron.com", requireTls: true },
    teams: { enabled: false },
    pagerduty: { enabled: false },
    webhook: { enabled: false },
    heartbeat: { enabled: false },
  },
  blackbox: {
    enabled: true,
    dnsQueryName: "kubernetes.default.svc.cluster.local",
    probes: [
      { name: "api-health", module: "http_2xx", targets: ["http://novacron-api.novacron.svc:8080/healthz"] },
      { name: "cluster-dns", module: "dns", targets: ["kube-dns.kube-system.svc:53"] },
    ],
  },
  // Off unless a stack switches a cloud on (and names its account, project or subscription).
  // Logs are kept a year, the seed's "cold" tier; X-Ray traces 5% of requests beyond one a second.
  clouds: {
    aws: { enabled: false, logRetentionDays: 365, traceSamplingRate: 0.05 },
    gcp: { enabled: false, uptimeChecks: [], logRetentionDays: 365 },
    azure: { enabled: false, logRetentionDays: 365 },
  },
} satisfies Partial<StackSpec>;

export const presets: Record<Environment, StackSpec> = {
  // Small and cheap: one replica each, a week of data, short notification timings for fast feedback.
  dev: {
    ...common,
    ...logsPresets.dev,
    environment: "dev",
    cluster: "novacron-dev",
    prometheus: {
      replicas: 1,
      retentionTime: "7d",
      retentionSize: "8GB",
      storageSize: "10Gi",
      scrapeInterval: "15s",
      scrapeTimeout: "10s",
      evaluationInterval: "15s",
      resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
      remoteWrite: [],
      kubeletInsecureSkipVerify: true,
    },
    alertmanager: {
      replicas: 1,
      storageSize: "1Gi",
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
      groupWait: "10s",
      criticalGroupWait: "5s",
      groupInterval: "1m",
      repeatInterval: "1h",
      resolveTimeout: "5m",
    },
    grafana: {
      enabled: true,
      replicas: 1,
      storageSize: "2Gi",
      resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      databasePort: 5432,
      ingressFrom: [],
    },
  },
  // Highly available: Prometheus ×2 (each scrapes everything), Alertmanager ×3 in a gossip cluster,
  // the seed's 30 d / 50 GB local retention with long-term storage through remote_write.
  prod: {
    ...common,
    ...logsPresets.prod,
    environment: "prod",
    cluster: "novacron-prod",
    prometheus: {
      replicas: 2,
      retentionTime: "30d",
      retentionSize: "50GB",
      // retention.size counts blocks and WAL; the volume keeps headroom for compaction.
      storageSize: "80Gi",
      scrapeInterval: "15s",
      scrapeTimeout: "10s",
      evaluationInterval: "15s",
      resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } },
      remoteWrite: [],
      kubeletInsecureSkipVerify: true,
    },
    alertmanager: {
      replicas: 3,
      storageSize: "2Gi",
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      groupWait: "30s",
      criticalGroupWait: "10s",
      groupInterval: "5m",
      repeatInterval: "4h",
      resolveTimeout: "5m",
    },
    // Two replicas once a shared database is set (novacron:grafanaDatabaseUrl); until then one, on a
    // volume: replicas keep users, sessions and preferences in one database or they diverge.
    grafana: {
      enabled: true,
      replicas: 2,
      storageSize: "5Gi",
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
      databasePort: 5432,
      ingressFrom: [],
    },
  },
};
