// `loki`: log storage, retention, and the deployment mode (single binary or the simple scalable targets).
import { z } from "zod";
import { LOKI_REPLICATION_FACTOR } from "../../components/loki/contract";
import { count, duration, resourcesSchema, storageSize, withCrossChecks } from "./primitives";

export const lokiSchema = withCrossChecks(
  z.strictObject({
    enabled: z.boolean(),
    retention: duration("retention", "24h", "3650d", "a duration such as 30s, 12h or 31d").describe("Logs older than this are deleted by Loki's compactor."),
    mode: z.enum(["single", "scalable"]).describe("single: one -target=all replica (rings in memory); scalable: write, read and backend targets over a memberlist ring, every stream on 3 ingesters (needs storage: object)."),
    replicas: z.strictObject({
      write: count(50).describe("Distributors and ingesters; at least 3, the replication factor."),
      read: count(50).describe("Query frontends and queriers (stateless)."),
      backend: count(10).describe("Compactor, index gateway, query scheduler and ruler."),
    }).describe("Scalable mode: replicas of each target (single mode runs one replica)."),
    storage: z.enum(["filesystem", "object"]).describe("filesystem: a volume (single node); object: a bucket in the first enabled cloud (aws, gcp, azure)."),
    storageSize: storageSize.describe("The volume: all data with filesystem storage; WAL (write), index cache and compactor work (backend) with object storage."),
    resources: resourcesSchema,
  }),
  {
    reads: ["enabled", "mode", "storage"],
    check: (loki, report) => {
      if (loki.enabled && loki.mode === "scalable" && loki.storage !== "object") {
        report(["mode"], "is scalable but storage is filesystem: the write, read and backend targets share chunks and index through object storage; set loki.storage to object (and enable a cloud), or loki.mode to single");
      }
    },
  },
  {
    reads: ["enabled", "mode", ["replicas", "write"]],
    check: (loki, report) => {
      if (loki.enabled && loki.mode === "scalable" && loki.replicas.write < LOKI_REPLICATION_FACTOR) {
        report(["replicas", "write"], `(${loki.replicas.write}) must be at least ${LOKI_REPLICATION_FACTOR} in scalable mode: the replication factor writes every stream to ${LOKI_REPLICATION_FACTOR} ingesters`);
      }
    },
  },
);
export type LokiSpec = z.infer<typeof lokiSchema>;
