// `loki`: log storage and retention.
import { z } from "zod";
import { duration, resourcesSchema, storageSize } from "./primitives";

export const lokiSchema = z.strictObject({
  enabled: z.boolean(),
  retention: duration("retention", "24h", "3650d", "a duration such as 30s, 12h or 31d").describe("Logs older than this are deleted by Loki's compactor."),
  storage: z.enum(["filesystem", "object"]).describe("filesystem: a volume (single node); object: a bucket in the first enabled cloud (aws, gcp, azure)."),
  storageSize: storageSize.describe("The volume: all data with filesystem storage; index cache, WAL and compactor work with object storage."),
  resources: resourcesSchema,
});
export type LokiSpec = z.infer<typeof lokiSchema>;
