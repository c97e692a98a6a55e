// Logs and traces presets (the elk, loki, logShipper and jaeger sections), as data, spread into
// stacks/presets.ts: dev is one small node of everything; prod is the seed's hot-warm-cold cluster. Each
// extends the components' defaults (their contract.ts).
import { ECK_CHART } from "../components/elasticsearch/eck-operator";
import { jaegerDefaults } from "../components/jaeger/contract";
import { kibanaDefaults } from "../components/kibana/contract";
import { logShipperDefaults } from "../components/log-shipper/contract";
import { logstashDefaults } from "../components/logstash/contract";
import { lokiDefaults } from "../components/loki/contract";
import type { Environment } from "./schema";
import type { ElkSpec, JaegerSpec, LogShipperSpec, LokiSpec } from "./schema";

const res = (cpu: string, memory: string, cpuLimit: string, memoryLimit = memory) => ({ requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } });

export const logsPresets: Record<Environment, { elk: ElkSpec; loki: LokiSpec; logShipper: LogShipperSpec; jaeger: JaegerSpec }> = {
  dev: {
    elk: {
      enabled: true,
      operatorNamespace: "elastic-system",
      operatorChartRepository: ECK_CHART.repo,
      // One node with every role. Elasticsearch memory: request = limit (the JVM heap is sized from it).
      nodeSets: [{ name: "default", roles: ["master", "data", "ingest"], count: 1, storageSize: "20Gi", resources: res("500m", "2Gi", "2") }],
      lifecycle: { hotDays: 1, warmDays: 3, coldDays: 7 },
      indices: { shards: 1, replicas: 0 },
      snapshot: { enabled: false, type: "s3", basePath: "novacron-dev", retentionDays: 30 },
      kibana: { ...kibanaDefaults, enabled: true },
      // Logstash's JVM heap is half its memory limit (512m here), set by the component via LS_JAVA_OPTS: the
      // image's own jvm.options would fix it at 1g whatever the limit.
      logstash: { ...logstashDefaults },
    },
    // The single binary on its volume: one small pod, its rings in memory.
    loki: { enabled: true, retention: "7d", mode: "single", replicas: lokiDefaults.replicas, storage: "filesystem", storageSize: "10Gi", resources: lokiDefaults.resources },
    logShipper: { ...logShipperDefaults, enabled: true },
    jaeger: { ...jaegerDefaults, enabled: true, storage: "memory", retentionDays: 2 },
  },
  prod: {
    elk: {
      enabled: true,
      operatorNamespace: "elastic-system",
      operatorChartRepository: ECK_CHART.repo,
      // The seed's log data tiers: hot 7 days on SSD, warm to 30 days on standard disks, cold to a year on
      // cheap disks, then an archive in object storage. Storage class names are the cluster's; override them
      // in Pulumi.prod.yaml if yours differ.
      nodeSets: [
        { name: "masters", roles: ["master"], count: 3, storageSize: "10Gi", resources: res("500m", "2Gi", "1") },
        { name: "hot", roles: ["data_hot", "data_content", "ingest"], count: 3, storageSize: "200Gi", storageClass: "fast-ssd", resources: res("2", "8Gi", "4") },
        { name: "warm", roles: ["data_warm"], count: 2, storageSize: "500Gi", storageClass: "standard", resources: res("1", "4Gi", "2") },
        { name: "cold", roles: ["data_cold"], count: 2, storageSize: "1Ti", storageClass: "cold", resources: res("500m", "4Gi", "1") },
      ],
      lifecycle: { hotDays: 7, warmDays: 30, coldDays: 365 },
      indices: { shards: 2, replicas: 1 },
      // The archive needs a bucket and its credentials, which are the stack's own: Pulumi.prod.yaml enables it.
      snapshot: { enabled: false, type: "s3", basePath: "novacron-prod/logs", retentionDays: 1825 },
      kibana: { enabled: true, replicas: 2, resources: res("500m", "2Gi", "2") },
      logstash: { replicas: 2, resources: res("1", "2Gi", "2"), queueSize: "20Gi" },
    },
    // Prod runs Loki's simple scalable deployment (docs/logs-and-traces.md) at these replicas: 3 write, each
    // stream on all 3 (a push needs 2, so one may be down for a rollout or a node drain); 2 stateless readers
    // (one survives a loss); 3 backends (the index gateway's ring keeps each share on 3; one compactor runs,
    // elected). Its targets share a bucket, and object storage needs a cloud, which is the stack's own choice:
    // Pulumi.prod.yaml enables one and sets storage: object and mode: scalable. The preset alone (valid on its
    // own, as every preset is) keeps the single binary on its volume.
    loki: {
      enabled: true, retention: "31d", mode: "single", replicas: { write: 3, read: 2, backend: 3 }, storage: "filesystem",
      storageSize: "50Gi", resources: res("500m", "1Gi", "2", "4Gi"),
    },
    logShipper: { ...logShipperDefaults, enabled: true, resources: res("100m", "256Mi", "1", "512Mi") },
    jaeger: {
      ...jaegerDefaults,
      enabled: true, replicas: 2, storage: "elasticsearch",
      sampling: { defaultProbability: 0.1, services: [{ service: "novacron-api", probability: 0.25 }] },
      resources: res("500m", "1Gi", "2", "2Gi"),
    },
  },
};
