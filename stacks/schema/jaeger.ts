// `jaeger`: trace storage, retention and sampling.
import { z } from "zod";
import { count, days, listOf, ratio, resourcesSchema, storageSize, withCrossChecks } from "./primitives";

export const jaegerSchema = withCrossChecks(
  z.strictObject({
    enabled: z.boolean(),
    replicas: count(10),
    storage: z.enum(["memory", "badger", "elasticsearch"]).describe("memory or badger (one replica, dev) or elasticsearch (the elk cluster, prod)."),
    memoryMaxTraces: z.number().int().min(1000).max(10_000_000).describe("memory: traces kept; the oldest go first."),
    storageSize: storageSize.describe("badger volume size."),
    retentionDays: days.describe("Days of traces kept (badger TTL; Elasticsearch index cleaner)."),
    sampling: z.strictObject({
      defaultProbability: ratio,
      services: listOf(z.strictObject({ service: z.string().min(1).max(128, "must be at most 128 characters"), probability: ratio }), 200, "services"),
    }).describe("Sampling strategies served to SDKs that ask (remote sampling); probabilities between 0 and 1."),
    resources: resourcesSchema,
  }),
  {
    reads: ["enabled", "storage", "replicas"],
    check: (jaeger, report) => {
      if (jaeger.enabled && jaeger.storage !== "elasticsearch" && jaeger.replicas > 1) {
        report(["replicas"], `must be 1 with ${jaeger.storage} storage (each replica would hold its own traces)`);
      }
    },
  },
);
export type JaegerSpec = z.infer<typeof jaegerSchema>;
