// Loki's configuration (single binary, `-target=all`) as a pure function of a typed spec.
import { LOKI_GRPC_PORT, LOKI_HTTP_PORT } from "./contract";

/** Where chunks and the TSDB index live. */
export type LokiStorage =
  | { kind: "filesystem" }
  | { kind: "s3"; bucket: string; region: string }
  | { kind: "gcs"; bucket: string }
  | { kind: "azure"; accountName: string; container: string };

export interface LokiConfigSpec {
  storage: LokiStorage;
  /** Loki duration (e.g. 31d); the compactor deletes older chunks. */
  retention: string;
  /** Local volume: WAL, TSDB index cache, compactor work (and all data with filesystem storage). */
  dataDir: string;
  /** First day of the current schema (v13, TSDB). A later schema change appends a period; never edit this one. */
  schemaFrom: string;
}

function storageConfig(storage: LokiStorage, dataDir: string): { objectStore: string; common: Record<string, unknown> } {
  switch (storage.kind) {
    case "filesystem":
      return { objectStore: "filesystem", common: { filesystem: { chunks_directory: `${dataDir}/chunks`, rules_directory: `${dataDir}/rules` } } };
    case "s3":
      // Credentials: the AWS SDK's default chain, i.e. the pod's EKS Pod Identity; no keys in this file.
      return { objectStore: "s3", common: { s3: { bucketnames: storage.bucket, region: storage.region } } };
    case "gcs":
      // Credentials: GKE Workload Identity on Loki's service account.
      return { objectStore: "gcs", common: { gcs: { bucket_name: storage.bucket } } };
    case "azure":
      // Credentials: Azure Workload Identity (a federated token), no account key.
      return { objectStore: "azure", common: { azure: { account_name: storage.accountName, container_name: storage.container, use_federated_token: true } } };
  }
}

export function renderLokiConfig(spec: LokiConfigSpec): Record<string, unknown> {
  const { objectStore, common } = storageConfig(spec.storage, spec.dataDir);
  return {
    target: "all",
    // One tenant: access is controlled by NetworkPolicy (only the shipper writes, only Grafana reads).
    auth_enabled: false,
    server: { http_listen_port: LOKI_HTTP_PORT, grpc_listen_port: LOKI_GRPC_PORT, log_level: "info", log_format: "json" },
    common: {
      path_prefix: spec.dataDir,
      replication_factor: 1,
      instance_addr: "127.0.0.1",
      ring: { kvstore: { store: "inmemory" } },
      storage: common,
    },
    schema_config: {
      configs: [{ from: spec.schemaFrom, store: "tsdb", object_store: objectStore, schema: "v13", index: { prefix: "index_", period: "24h" } }],
    },
    compactor: {
      working_directory: `${spec.dataDir}/compactor`,
      compaction_interval: "10m",
      retention_enabled: true,
      retention_delete_delay: "2h",
      delete_request_store: objectStore,
    },
    limits_config: {
      retention_period: spec.retention,
      // Model, workflow id, stage, trace id and pod arrive as structured metadata (the shipper's pipeline).
      allow_structured_metadata: true,
      volume_enabled: true,
      reject_old_samples: true,
      reject_old_samples_max_age: "168h",
      // Label cardinality guard: the shipper sends five labels; anything near this is a mistake.
      max_label_names_per_series: 15,
    },
    pattern_ingester: { enabled: true },
    analytics: { reporting_enabled: false },
  };
}
