// Environment presets: the whole difference between dev and prod lives here, as data. Each extends the
// components' own defaults (their contract.ts), so a value that is the component's default is written once.
// Pulumi.<env>.yaml only overrides what a particular stack needs to change.
import { alertmanagerDefaults } from "../components/alertmanager/contract";
import { blackboxExporterDefaults } from "../components/blackbox-exporter/contract";
import { cadvisorDefaults } from "../components/cadvisor/contract";
import { grafanaDefaults } from "../components/grafana/contract";
import { minProductionReplicas } from "../components/high-availability";
import { kubeStateMetricsDefaults } from "../components/kube-state-metrics/contract";
import { mlModelExporterDefaults } from "../components/ml-model-exporter/contract";
import { nodeExporterDefaults } from "../components/node-exporter/contract";
import { prometheusDefaults } from "../components/prometheus/contract";
import { thanosDefaults } from "../components/thanos/contract";
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
  exporters: {
    nodeExporter: { enabled: true, resources: nodeExporterDefaults.resources },
    cadvisor: { enabled: true, resources: cadvisorDefaults.resources },
    kubeStateMetrics: { enabled: true, resources: kubeStateMetricsDefaults.resources },
  },
  // Self-managed until a stack says otherwise: a managed cluster that leaves this false gets KubeAPIDown
  // firing where its API server cannot be scraped (loud, and fixed by one key); the other way round would
  // silently drop the alert on a control plane that can go down.
  kubernetes: { managedControlPlane: false },
  mlModelExporter: {
    enabled: true,
    image: "ghcr.io/novacron/ml-model-exporter:0.1.0",
    endpoint: "http://ml-service.novacron.svc:8000",
    scrapeInterval: mlModelExporterDefaults.scrapeInterval,
    resources: mlModelExporterDefaults.resources,
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
    dnsQueryName: blackboxExporterDefaults.dnsQueryName,
    probes: [
      { name: "api-health", module: "http_2xx", targets: ["http://novacron-api.novacron.svc:8080/healthz"] },
      { name: "cluster-dns", module: "dns", targets: ["kube-dns.kube-system.svc:53"] },
    ],
    resources: blackboxExporterDefaults.resources,
  },
  // Off unless a stack switches a cloud on (and names its account, project or subscription).
  // Logs are kept a year, the seed's "cold" tier; X-Ray traces 5% of requests beyond one a second.
  clouds: {
    aws: { enabled: false, logRetentionDays: 365, traceSamplingRate: 0.05 },
    gcp: { enabled: false, uptimeChecks: [], logRetentionDays: 365 },
    azure: { enabled: false, logRetentionDays: 365 },
  },
} satisfies Partial<StackSpec>;

/** Thanos' settings but for whether it runs and how big it is (the components' defaults). */
const thanosCommon = {
  storage: "cloud" as const,
  retention: thanosDefaults.retention,
  downsampling: thanosDefaults.downsampling,
  sidecar: { resources: thanosDefaults.resources.sidecar },
};

export const presets: Record<Environment, StackSpec> = {
  // Small and cheap: one replica each, a week of data, short notification timings for fast feedback.
  dev: {
    ...common,
    ...logsPresets.dev,
    environment: "dev",
    cluster: "novacron-dev",
    prometheus: {
      ...prometheusDefaults,
      retentionTime: "7d",
      retentionSize: "8GB",
      storageSize: "10Gi",
      remoteWrite: [],
      kubeletInsecureSkipVerify: true,
    },
    alertmanager: {
      ...alertmanagerDefaults,
      groupWait: "10s",
      criticalGroupWait: "5s",
      groupInterval: "1m",
      repeatInterval: "1h",
    },
    grafana: { ...grafanaDefaults, enabled: true, ingressFrom: [] },
    // One Prometheus on its volume, no object storage: a dev stack that wants Thanos enables it (and a cloud,
    // or an S3-compatible store such as MinIO).
    thanos: {
      ...thanosCommon, enabled: false,
      query: { replicas: 1, resources: thanosDefaults.resources.query },
      storeGateway: { replicas: 1, storageSize: "5Gi", resources: thanosDefaults.resources.store },
      compactor: { storageSize: "10Gi", resources: thanosDefaults.resources.compact },
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
      ...prometheusDefaults,
      replicas: minProductionReplicas.prometheus,
      retentionTime: "30d",
      retentionSize: "50GB",
      // retention.size counts blocks and WAL; the volume keeps headroom for compaction.
      storageSize: "80Gi",
      resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } },
      remoteWrite: [],
      kubeletInsecureSkipVerify: true,
    },
    alertmanager: {
      ...alertmanagerDefaults,
      replicas: minProductionReplicas.alertmanager,
      storageSize: "2Gi",
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      groupWait: "30s",
      criticalGroupWait: "10s",
      groupInterval: "5m",
      repeatInterval: "4h",
    },
    // Two replicas once a shared database is set (novacron:grafanaDatabaseUrl); until then one, on a
    // volume: replicas keep users, sessions and preferences in one database or they diverge.
    grafana: {
      ...grafanaDefaults,
      enabled: true,
      replicas: 2,
      storageSize: "5Gi",
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
      ingressFrom: [],
    },
    // Thanos at prod's size: Query ×2 (a PodDisruptionBudget keeps one), one Store Gateway, one Compactor
    // (never more: two would compact the same blocks). The bucket needs a cloud (or an S3-compatible store),
    // which is the stack's own choice: Pulumi.prod.yaml enables Thanos with its cloud's bucket. The preset
    // alone (valid on its own, as every preset is) runs no Thanos.
    thanos: {
      ...thanosCommon, enabled: false,
      query: { replicas: 2, resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } } },
      storeGateway: { replicas: 1, storageSize: "20Gi", resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } } },
      compactor: { storageSize: "100Gi", resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } } },
    },
  },
};
