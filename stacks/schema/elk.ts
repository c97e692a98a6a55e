// `elk`: the ECK operator, Elasticsearch's node sets and index lifecycle, Kibana and Logstash
// (docs/logs-and-traces.md).
import { z } from "zod";
import { LOGSTASH_MIN_HEAP_MIB, logstashHeapMiB } from "../../components/logstash/heap";
import { count, days, DNS_LABEL, listOf, plainUrl, namespaceName, resourcesSchema, storageClass, storageSize, withCrossChecks } from "./primitives";

/** Elasticsearch node roles a node set may have (https://www.elastic.co/docs/deploy-manage/distributed-architecture/clusters-nodes-shards/node-roles). */
export const elasticsearchRoles = ["master", "data", "data_content", "data_hot", "data_warm", "data_cold", "ingest"] as const;
export const snapshotTypes = ["s3", "gcs", "azure"] as const;

export const nodeSetSchema = z.strictObject({
  name: z.string().regex(DNS_LABEL, "must be a lowercase DNS label").describe("The node set's name (part of the pod names: <cluster>-es-<name>-N)."),
  roles: listOf(z.enum(elasticsearchRoles), elasticsearchRoles.length, "roles").min(1, "must list at least one role"),
  count: count(50),
  storageSize,
  storageClass: storageClass.optional().describe("Storage class of this node set's volumes (hot on fast SSDs, cold on cheap disks); unset = the stack's."),
  resources: resourcesSchema,
});
export type NodeSetSpec = z.infer<typeof nodeSetSchema>;

/** Whether a node set's roles include `role` (the generic `data` role holds every data tier). */
export const holdsRole = (roles: readonly string[], role: string) => roles.includes(role) || (role.startsWith("data_") && roles.includes("data"));
export const masterEligibleNodes = (sets: NodeSetSpec[]) => sets.filter((s) => s.roles.includes("master")).reduce((n, s) => n + s.count, 0);
/** The node sets with a list of roles and a whole count (cross-checks judge only those; the schema reports the rest). */
export const validNodeSets = (sets: NodeSetSpec[]) => sets.filter((s) => Array.isArray(s?.roles) && Number.isInteger(s?.count));

export const elkSchema = withCrossChecks(
  z.strictObject({
    enabled: z.boolean(),
    operatorNamespace: namespaceName.describe("Namespace of the ECK operator (cluster-wide; the stack's own pods stay in `namespace`)."),
    operatorChartRepository: plainUrl(["http", "https", "oci"], "a private chart repository's credentials go to Helm's registry login, not into the stack's config")
      .describe("The Helm repository serving the pinned ECK operator chart (Elastic's, or a mirror for clusters without internet access)."),
    nodeSets: listOf(nodeSetSchema, 10, "node sets").min(1, "must define at least one node set"),
    lifecycle: z.strictObject({ hotDays: days, warmDays: days, coldDays: days })
      .describe("Days after creation an index leaves each tier: hot → warm → cold → (archived, then) deleted."),
    indices: z.strictObject({ shards: count(16), replicas: z.number().int().min(0, "must be 0 or more").max(3, "must be at most 3") }),
    snapshot: z.strictObject({
      enabled: z.boolean(),
      type: z.enum(snapshotTypes),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "must be a bucket or container name").optional(),
      basePath: z.string().regex(/^[A-Za-z0-9._/-]*$/, "must be a path of letters, digits, . _ / -"),
      secureSettingsSecret: z.string().regex(DNS_LABEL, "must be a Secret name").optional()
        .describe("An existing Secret whose keys are Elasticsearch keystore settings for the repository client (e.g. s3.client.default.access_key); none = the node's workload identity."),
      retentionDays: days.describe("How long each daily snapshot is kept (a deleted index stays in the bucket this long)."),
    }).describe("Backup and archive: a daily snapshot of every index into object storage; ILM deletes only once one holds the index."),
    kibana: z.strictObject({ enabled: z.boolean(), replicas: count(5), resources: resourcesSchema }),
    logstash: z.strictObject({
      replicas: count(10),
      resources: resourcesSchema,
      queueSize: storageSize.describe("Persistent queue volume per replica: events survive a restart while Elasticsearch is away."),
    }),
  }),
  {
    // Node sets are judged by the ones whose roles and count are valid; the topology only once all are.
    reads: ["enabled"],
    check: (elk, report) => {
      if (!elk.enabled || !Array.isArray(elk.nodeSets)) return;
      const names = elk.nodeSets.map((s) => s?.name);
      names.forEach((n, i) => n !== undefined && names.indexOf(n) !== i && report(["nodeSets", i, "name"], "duplicates another node set's name"));
      const sets = validNodeSets(elk.nodeSets);
      if (sets.length !== elk.nodeSets.length) return;
      const masters = masterEligibleNodes(sets);
      if (masters === 0) report(["nodeSets"], "must include master-eligible nodes (a node set with the master role)");
      else if (masters !== 1 && masters % 2 === 0) report(["nodeSets"], `have ${masters} master-eligible nodes; use an odd number (1, 3, 5) so a majority survives a split`);
      for (const tier of ["data_hot", "data_content", "ingest"]) {
        if (!sets.some((s) => holdsRole(s.roles, tier))) report(["nodeSets"], `must include a node set with the ${tier} role (or data)`);
      }
    },
  },
  {
    reads: ["enabled", ["lifecycle", "hotDays"], ["lifecycle", "warmDays"]],
    check: ({ enabled, lifecycle: lc }, report) => {
      if (enabled && lc.warmDays <= lc.hotDays) report(["lifecycle", "warmDays"], `(${lc.warmDays}) must be greater than hotDays (${lc.hotDays})`);
    },
  },
  {
    reads: ["enabled", ["lifecycle", "warmDays"], ["lifecycle", "coldDays"]],
    check: ({ enabled, lifecycle: lc }, report) => {
      if (enabled && lc.coldDays <= lc.warmDays) report(["lifecycle", "coldDays"], `(${lc.coldDays}) must be greater than warmDays (${lc.warmDays})`);
    },
  },
  {
    reads: ["enabled", ["indices", "replicas"]],
    check: (elk, report) => {
      if (!elk.enabled || !Array.isArray(elk.nodeSets)) return;
      const hotNodes = validNodeSets(elk.nodeSets).filter((s) => holdsRole(s.roles, "data_hot")).reduce((n, s) => n + s.count, 0);
      if (hotNodes > 0 && elk.indices.replicas >= hotNodes) {
        report(["indices", "replicas"], `(${elk.indices.replicas}) must be less than the number of hot data nodes (${hotNodes}), or replica shards never find a node`);
      }
    },
  },
  {
    reads: ["enabled", ["logstash", "resources", "limits", "memory"]],
    check: (elk, report) => {
      const memory = elk.logstash.resources.limits.memory;
      const heap = logstashHeapMiB(memory);
      if (elk.enabled && heap !== undefined && heap < LOGSTASH_MIN_HEAP_MIB) {
        report(["logstash", "resources", "limits", "memory"], `(${memory}) must be at least ${LOGSTASH_MIN_HEAP_MIB * 2}Mi: Logstash's heap is half the limit and needs ${LOGSTASH_MIN_HEAP_MIB}Mi`);
      }
    },
  },
  {
    reads: ["enabled", ["snapshot", "enabled"]],
    check: (elk, report) => {
      if (elk.enabled && elk.snapshot.enabled && !elk.snapshot.bucket) report(["snapshot", "bucket"], "is required when elk.snapshot.enabled is true");
    },
  },
);
export type ElkSpec = z.infer<typeof elkSchema>;
