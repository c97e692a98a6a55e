// Loki's configuration as a pure function of a typed spec: the single binary (`-target=all`, rings in
// memory) or the simple scalable deployment (one file for the write, read and backend targets, which each
// workload picks with `-target`; rings over memberlist; every stream on LOKI_REPLICATION_FACTOR ingesters).
import { LOKI_GRPC_PORT, LOKI_HTTP_PORT, LOKI_MEMBERLIST_PORT, LOKI_REPLICATION_FACTOR } from "./contract";

/** Where chunks and the TSDB index live. */
export type LokiStorage =
  | { kind: "filesystem" }
  | { kind: "s3"; bucket: string; region: string }
  | { kind: "gcs"; bucket: string }
  | { kind: "azure"; accountName: string; container: string };

/** What the scalable targets need to find each other (all in-cluster DNS names). */
export interface LokiClusterSpec {
  /** The headless Service that resolves to every Loki pod (write, read and backend), for the memberlist join. */
  memberlistService: string;
  /** Gossip from any other cluster carrying a different label is discarded (e.g. `<namespace>.<name>`). */
  clusterLabel: string;
  /** The backend targets' Service: queriers ask the compactor there for pending deletes. */
  backendService: string;
}

export interface LokiConfigSpec {
  storage: LokiStorage;
  /** Loki duration (e.g. 31d); the compactor deletes older chunks. */
  retention: string;
  /** Local volume: WAL, TSDB index cache, compactor work (and all data with filesystem storage). */
  dataDir: string;
  /** First day of the current schema (v13, TSDB). A later schema change appends a period; never edit this one. */
  schemaFrom: string;
  /** Set: the simple scalable deployment; unset: the single binary. */
  cluster?: LokiClusterSpec;
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

/** The settings that differ between the single binary and the scalable targets. */
interface Topology {
  /** The whole file's target; unset when each workload picks its own with `-target`. */
  target?: string;
  /** Merged into `common`. */
  common: Record<string, unknown>;
  /** Top-level blocks of their own. */
  blocks: Record<string, unknown>;
}

function topology(spec: LokiConfigSpec): Topology {
  const cluster = spec.cluster;
  if (!cluster) {
    return {
      target: "all",
      common: { replication_factor: 1, instance_addr: "127.0.0.1", ring: { kvstore: { store: "inmemory" } } },
      blocks: {},
    };
  }
  if (spec.storage.kind === "filesystem") {
    throw new Error("Loki's scalable targets share their chunks and index through object storage; a filesystem is one pod's own");
  }
  // No `target`: each workload runs one of write, read, backend (`-target=`) with this same file.
  return {
    common: {
      replication_factor: LOKI_REPLICATION_FACTOR,
      // Every ring (ingesters, distributors, compactor, scheduler, index gateway, ruler) gossips over memberlist.
      ring: { kvstore: { store: "memberlist" } },
      compactor_address: `http://${cluster.backendService}:${LOKI_HTTP_PORT}`,
    },
    blocks: {
      memberlist: {
        join_members: [`dns+${cluster.memberlistService}:${LOKI_MEMBERLIST_PORT}`],
        bind_port: LOKI_MEMBERLIST_PORT,
        cluster_label: cluster.clusterLabel,
      },
      ingester: {
        // On the write targets' volume: acknowledged pushes survive a crash or a restart (replayed at start).
        wal: { enabled: true, dir: `${spec.dataDir}/wal` },
      },
      // The backend targets serve the index to the queriers, each for its share of the ring.
      index_gateway: { mode: "ring" },
      // Query frontends (read) and queriers (read) find the schedulers (backend) in their ring.
      query_scheduler: { use_scheduler_ring: true },
    },
  };
}

export function renderLokiConfig(spec: LokiConfigSpec): Record<string, unknown> {
  const { objectStore, common } = storageConfig(spec.storage, spec.dataDir);
  const mode = topology(spec);
  return {
    ...(mode.target ? { target: mode.target } : {}),
    // One tenant: access is controlled by NetworkPolicy (only the shipper writes, only Grafana reads).
    auth_enabled: false,
    server: { http_listen_port: LOKI_HTTP_PORT, grpc_listen_port: LOKI_GRPC_PORT, log_level: "info", log_format: "json" },
    common: { path_prefix: spec.dataDir, ...mode.common, storage: common },
    ...mode.blocks,
    schema_config: {
      configs: [{ from: spec.schemaFrom, store: "tsdb", object_store: objectStore, schema: "v13", index: { prefix: "index_", period: "24h" } }],
    },
    // Runs in the single binary, or in the backend targets (one of them at a time, elected through its ring).
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
