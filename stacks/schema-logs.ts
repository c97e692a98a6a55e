// Config sections for logs and traces: `elk` (Elasticsearch, Kibana, Logstash), `loki`, `logShipper`,
// `jaeger`. Part of the stack schema (stacks/schema.ts); documented in docs/logs-and-traces.md.
import { z } from "zod";
// schema.ts imports this module, and this one reads schema.ts' building blocks: the schemas are built on
// first use (z.lazy), once both modules are loaded, so the import cycle is harmless.
import { parseDuration, resourcesSchema, STORAGE_QUANTITY } from "./schema";

function build() {
  const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
  const storageSize = z.string().regex(STORAGE_QUANTITY, "must be a Kubernetes storage size in Mi, Gi or Ti, e.g. 100Gi");
  const count = (max: number) => z.number().int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);
  const days = z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(3650, "must be at most 3650 days");
  const duration = (what: string, min: string, max: string) =>
    z.string().refine((v) => parseDuration(v) !== undefined, { error: `${what} must be a duration such as 30s, 12h or 31d`, abort: true })
      .refine((v) => (parseDuration(v) ?? 0) >= parseDuration(min)!, `${what} must be at least ${min}`)
      .refine((v) => (parseDuration(v) ?? 0) <= parseDuration(max)!, `${what} must be at most ${max}`);


  const nodeSetSchema = z.strictObject({
    /** The node set's name (part of the pod names: <cluster>-es-<name>-N). */
    name: z.string().regex(DNS_LABEL, "must be a lowercase DNS label"),
    roles: z.array(z.enum(elasticsearchRoles)).min(1, "must list at least one role"),
    count: count(50),
    storageSize,
    /** Storage class of this node set's volumes (hot on fast SSDs, cold on cheap disks); unset = the stack's. */
    storageClass: z.string().regex(DNS_LABEL, "must be a StorageClass name").optional(),
    resources: resourcesSchema,
  });


  const elkSchema = z.strictObject({
    enabled: z.boolean(),
    /** Namespace of the ECK operator (cluster-wide; the stack's own pods stay in `namespace`). */
    operatorNamespace: z.string().regex(DNS_LABEL, "must be a Kubernetes namespace name"),
    /** The Helm repository serving the pinned ECK operator chart (Elastic's, or a mirror for clusters without internet access). */
    operatorChartRepository: z.url({ protocol: /^(https?|oci)$/, error: "must be an http(s) or oci:// Helm chart repository URL" }),
    nodeSets: z.array(nodeSetSchema).min(1, "must define at least one node set"),
    /** Days after creation an index leaves each tier: hot → warm → cold → (archived, then) deleted. */
    lifecycle: z.strictObject({ hotDays: days, warmDays: days, coldDays: days }),
    indices: z.strictObject({ shards: count(16), replicas: z.number().int().min(0, "must be 0 or more").max(3, "must be at most 3") }),
    /** Backup and archive: a snapshot repository in object storage; a daily snapshot of every index from its first day, and ILM deletes only once one holds the index. */
    snapshot: z.strictObject({
      enabled: z.boolean(),
      type: z.enum(snapshotTypes),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "must be a bucket or container name").optional(),
      basePath: z.string().regex(/^[A-Za-z0-9._/-]*$/, "must be a path of letters, digits, . _ / -"),
      /**
       * Name of an existing Secret whose keys are Elasticsearch keystore settings for the repository client
       * (e.g. s3.client.default.access_key); none = the node's workload identity.
       */
      secureSettingsSecret: z.string().regex(DNS_LABEL, "must be a Secret name").optional(),
      /** How long each daily snapshot is kept (a deleted index stays in the bucket this long). */
      retentionDays: days,
    }),
    kibana: z.strictObject({ enabled: z.boolean(), replicas: count(5), resources: resourcesSchema }),
    logstash: z.strictObject({
      replicas: count(10),
      resources: resourcesSchema,
      /** Persistent queue volume per replica: events survive a restart while Elasticsearch is away. */
      queueSize: storageSize,
    }),
  });

  const lokiSchema = z.strictObject({
    enabled: z.boolean(),
    /** Logs older than this are deleted by Loki's compactor. */
    retention: duration("retention", "24h", "3650d"),
    /** filesystem: a volume (single node); object: a bucket in the first enabled cloud (aws, gcp, azure). */
    storage: z.enum(["filesystem", "object"]),
    /** The volume: all data with filesystem storage; index cache, WAL and compactor work with object storage. */
    storageSize,
    resources: resourcesSchema,
  });

  const logShipperSchema = z.strictObject({
    enabled: z.boolean(),
    resources: resourcesSchema,
    /** Longest a multi-line entry (a stack trace) waits for its next line. */
    multilineMaxWait: duration("multilineMaxWait", "1s", "1m"),
    /** Namespaces whose logs (the seed's formats) are joined into multi-line entries; unset = the targets' namespaces. */
    multilineNamespaces: z.array(z.string().regex(DNS_LABEL, "must be a Kubernetes namespace name")).optional(),
  });

  const jaegerSchema = z.strictObject({
    enabled: z.boolean(),
    replicas: count(10),
    /** memory or badger (one replica, dev) or elasticsearch (the elk cluster, prod). */
    storage: z.enum(["memory", "badger", "elasticsearch"]),
    /** memory: traces kept; the oldest go first. */
    memoryMaxTraces: z.number().int().min(1000).max(10_000_000),
    /** badger volume size. */
    storageSize,
    /** Days of traces kept (badger TTL; Elasticsearch index cleaner). */
    retentionDays: days,
    /** Sampling strategies served to SDKs that ask (remote sampling); probabilities between 0 and 1. */
    sampling: z.strictObject({
      defaultProbability: z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1"),
      services: z.array(z.strictObject({ service: z.string().min(1), probability: z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1") })),
    }),
    resources: resourcesSchema,
  });
  return { nodeSetSchema, elkSchema, lokiSchema, logShipperSchema, jaegerSchema };
}
let built: ReturnType<typeof build> | undefined;
const schemas = () => (built ??= build());

/** Elasticsearch node roles a node set may have (https://www.elastic.co/docs/deploy-manage/distributed-architecture/clusters-nodes-shards/node-roles). */
export const elasticsearchRoles = ["master", "data", "data_content", "data_hot", "data_warm", "data_cold", "ingest"] as const;
export const snapshotTypes = ["s3", "gcs", "azure"] as const;
export const nodeSetSchema = z.lazy(() => schemas().nodeSetSchema);
export const elkSchema = z.lazy(() => schemas().elkSchema);
export const lokiSchema = z.lazy(() => schemas().lokiSchema);
export const logShipperSchema = z.lazy(() => schemas().logShipperSchema);
export const jaegerSchema = z.lazy(() => schemas().jaegerSchema);

export type ElkSpec = z.infer<typeof elkSchema>;
export type NodeSetSpec = z.infer<typeof nodeSetSchema>;
export type LokiSpec = z.infer<typeof lokiSchema>;
export type LogShipperSpec = z.infer<typeof logShipperSchema>;
export type JaegerSpec = z.infer<typeof jaegerSchema>;
