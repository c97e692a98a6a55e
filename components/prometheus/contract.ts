import type { ComponentContract } from "../contract";

/** Prometheus: its pods' name, its own scrape job, its API port. */
export const prometheusContract = {
  name: "prometheus",
  job: "prometheus",
  ports: { web: 9090 },
  /** The jobs that scrape Kubernetes itself, discovered through its API. */
  kubernetesJobs: { apiServer: "apiserver", kubelet: "kubelet", annotatedPods: "kubernetes-pods", annotatedServices: "kubernetes-service-endpoints" },
} as const satisfies ComponentContract & { kubernetesJobs: Record<string, string> };

/** The job an application service (a typed ServiceTarget) is scraped under. */
export function serviceJob<Name extends string>(name: Name): `novacron-${Name}` {
  return `novacron-${name}`;
}

export const PROMETHEUS_PORT = prometheusContract.ports.web;

/** What a Prometheus falls back on when its args leave a setting out (the stack's presets extend these). */
export const prometheusDefaults = {
  replicas: 1,
  /** Scrape shards (each an HA group of `replicas`); 1 scrapes everything in one Prometheus. */
  shards: 1,
  retentionTime: "15d",
  storageSize: "50Gi",
  scrapeInterval: "15s",
  scrapeTimeout: "10s",
  evaluationInterval: "15s",
  resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
};

/**
 * The bucket bounds (seconds) of the metric contract's `http_request_duration_seconds` histogram: client_golang's
 * DefBuckets, which the NovaCron services keep (a test reads them from client_golang's source). A latency SLI
 * can only count "faster than X" exactly when X is one of them.
 */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** The most scrape shards a stack may run (each is a StatefulSet of its own, with its own volumes). */
export const MAX_PROMETHEUS_SHARDS = 16;

/**
 * The name of shard `index` of the Prometheus called `name`: shard 0 keeps the unsharded name, so going from one
 * shard to two adds shard 1 and updates shard 0 in place (its objects keep their names).
 */
export function prometheusShardName(name: string, index: number): string {
  return index === 0 ? name : `${name}-shard-${index}`;
}
