import type { ComponentContract } from "../contract";

/**
 * Thanos: one binary, four roles. Every role serves its metrics and HTTP API on `http`; the sidecar, Query and
 * the Store Gateway serve the gRPC StoreAPI on `grpc` (Query fans out to the others over it). The compactor has
 * no gRPC server. These are Thanos' own default ports.
 */
export const thanosContract = {
  name: "thanos",
  ports: { http: 10902, grpc: 10901 },
  /** app.kubernetes.io/component of each role's pods (the pods' name is `thanos-<role>`, the sidecar's is Prometheus'). */
  roles: { sidecar: "sidecar", query: "query", store: "store-gateway", compact: "compactor" },
  /** The scrape job each role's metrics arrive under. */
  jobs: { sidecar: "thanos-sidecar", query: "thanos-query", store: "thanos-store-gateway", compact: "thanos-compactor" },
  /**
   * The external label that tells HA Prometheus replicas apart (components/prometheus/render-config.ts sets it
   * to the pod's name): Query deduplicates on it, and the compactor's vertical compaction and downsampling keep it.
   */
  replicaLabel: "replica",
} as const satisfies ComponentContract & { roles: Record<string, string>; jobs: Record<string, string>; replicaLabel: string };

export type ThanosRole = keyof typeof thanosContract.roles;

export const THANOS_HTTP_PORT = thanosContract.ports.http;
export const THANOS_GRPC_PORT = thanosContract.ports.grpc;

/** What the Thanos roles fall back on when their args leave a setting out (the stack's presets extend these). */
export const thanosDefaults = {
  /**
   * Retention per resolution in the bucket. The seed: 30 days raw, a year in all. Raw data older than 30 days
   * is served from the 5-minute and 1-hour downsampled blocks, which the compactor writes once a block is older
   * than 40 hours (5m) and 10 days (1h).
   */
  retention: { raw: "30d", fiveMinutes: "365d", oneHour: "365d" },
  downsampling: true,
  /** Where the objstore config is mounted in each pod (from a Secret: it may name a key-holding env var's bucket). */
  objstoreConfigFile: "/etc/thanos/objstore.yml",
  /** Requests and limits of each role when its args leave them out (the stack's presets set their own). */
  resources: {
    sidecar: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    query: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    store: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "2Gi" } },
    compact: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "2Gi" } },
  },
};

/** The name the bucket's cloud resources take after the ThanosBucket component's name (`thanos-blocks`). */
export function thanosBucketName(name: string): string {
  return `${name}-blocks`;
}
