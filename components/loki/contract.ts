import type { ComponentContract } from "../contract";

/** Loki: pushes and queries over HTTP; gRPC between its own modules; memberlist gossip for its rings. */
export const lokiContract = {
  name: "loki",
  /** Every Loki pod (single binary, or write, read and backend targets) is scraped under this job. */
  job: "loki",
  ports: { http: 3100, grpc: 9095, memberlist: 7946 },
} as const satisfies ComponentContract;

export const LOKI_HTTP_PORT = lokiContract.ports.http;
export const LOKI_GRPC_PORT = lokiContract.ports.grpc;
export const LOKI_MEMBERLIST_PORT = lokiContract.ports.memberlist;

/**
 * Loki's deployment modes (an `as const` object, so component packaging sees an enum).
 * - single: one `-target=all` process, its rings in memory (dev).
 * - scalable: Loki's simple scalable deployment: `-target=write`, `read` and `backend` workloads sharing a
 *   memberlist ring and an object store, every stream on `replicationFactor` ingesters (prod).
 */
export const LokiMode = { Single: "single", Scalable: "scalable" } as const;
export type LokiMode = (typeof LokiMode)[keyof typeof LokiMode];

/** The three targets of the simple scalable deployment. */
export const LOKI_TARGETS = ["write", "read", "backend"] as const;
export type LokiTarget = (typeof LOKI_TARGETS)[number];

/** Every stream is written to this many ingesters (write replicas); a push succeeds on a quorum (2 of 3). */
export const LOKI_REPLICATION_FACTOR = 3;

/** What Loki falls back on when its args leave a setting out. */
export const lokiDefaults = {
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  mode: LokiMode.Single as LokiMode,
  /** Scalable mode: the replication factor's 3 ingesters; 2 stateless queriers; 3 backends (see docs/logs-and-traces.md). */
  replicas: { write: LOKI_REPLICATION_FACTOR, read: 2, backend: 3 },
};
