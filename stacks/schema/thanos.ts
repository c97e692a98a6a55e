// `thanos`: the sidecars, Query, Store Gateway and Compactor, and where the blocks go.
import { z } from "zod";
import { thanosContract } from "../../components/thanos/contract";
import { parseDuration } from "../../components/units";
import { count, duration, plainUrl, resourcesSchema, storageSize, withCrossChecks } from "./primitives";

/** Where Thanos' blocks go: a bucket created in the first enabled cloud (workload identity), or an S3-compatible store. */
export const thanosStorageKinds = ["cloud", "s3-compatible"] as const;

/**
 * Thanos refuses retentions that delete blocks before they are downsampled: a raw block becomes 5m data once it
 * is 40 hours old, a 5m block 1h data at 10 days (0d keeps a resolution forever).
 */
export const THANOS_DOWNSAMPLE_AGE = { raw: "40h", fiveMinutes: "10d" } as const;

const retention = (what: string) => duration(what, "0s", "3650d").describe("0d keeps it forever.");

export const thanosSchema = withCrossChecks(
  z.strictObject({
    enabled: z.boolean().describe(`Sidecars in every Prometheus pod, Query (Grafana's default datasource, deduplicating on \`${thanosContract.replicaLabel}\`), Store Gateway and Compactor.`),
    storage: z.enum(thanosStorageKinds).describe("cloud: a bucket created in the first enabled cloud (S3, GCS, Azure Blob), used through workload identity with no keys; s3-compatible: the store in thanos.s3Compatible, its keys the secrets novacron:thanosS3AccessKeyId and novacron:thanosS3SecretAccessKey."),
    s3Compatible: z.strictObject({
      url: plainUrl(["http", "https"], "the key pair goes in the secrets novacron:thanosS3AccessKeyId and novacron:thanosS3SecretAccessKey").describe("The endpoint, http(s)://host[:port] (http: no TLS)."),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a bucket name (3-63 lowercase letters, digits, '.' and '-')").describe("The bucket (it must exist)."),
      region: z.string().min(1).optional().describe("A region for the request signature, where the store wants one."),
      pathStyle: z.boolean().describe("Path-style requests (host/bucket/key), which most self-hosted stores need."),
    }).optional().describe("The S3-compatible store (MinIO, Ceph, R2, ...), with storage: s3-compatible."),
    prefix: z.string().regex(/^[a-z0-9][a-z0-9/_-]*$/, "must be a path of lowercase letters, digits, '/', '_' and '-'").optional().describe("A prefix inside the bucket (several clusters sharing one)."),
    retention: z.strictObject({
      raw: retention("thanos.retention.raw"),
      fiveMinutes: retention("thanos.retention.fiveMinutes"),
      oneHour: retention("thanos.retention.oneHour"),
    }).describe("How long the compactor keeps each resolution in the bucket (the seed: raw 30d, a year in all)."),
    downsampling: z.boolean().describe("Write 5m and 1h downsampled blocks (long ranges read them instead of raw samples)."),
    query: z.strictObject({ replicas: count(10).describe("Stateless replicas (prod 2, behind a PodDisruptionBudget)."), resources: resourcesSchema }),
    storeGateway: z.strictObject({ replicas: count(10).describe("Replicas; each serves every block."), storageSize: storageSize.describe("Index-header cache volume per replica."), resources: resourcesSchema }),
    compactor: z.strictObject({ storageSize: storageSize.describe("Scratch volume for compaction (a few times the largest 2-week block)."), resources: resourcesSchema }),
    sidecar: z.strictObject({ resources: resourcesSchema }),
  }),
  {
    reads: ["enabled", "storage", "s3Compatible"],
    check: (thanos, report) => {
      if (thanos.enabled && thanos.storage === "s3-compatible" && !thanos.s3Compatible) report(["s3Compatible"], "is required when thanos.storage is s3-compatible: give url, bucket and pathStyle");
    },
  },
  {
    reads: ["downsampling", ["retention", "raw"], ["retention", "fiveMinutes"]],
    check: (thanos, report) => {
      if (!thanos.downsampling) return;
      for (const [key, minimum] of [["raw", THANOS_DOWNSAMPLE_AGE.raw], ["fiveMinutes", THANOS_DOWNSAMPLE_AGE.fiveMinutes]] as const) {
        const seconds = parseDuration(thanos.retention[key])!;
        if (seconds > 0 && seconds < parseDuration(minimum)!) report(["retention", key], `(${thanos.retention[key]}) must be 0d (forever) or at least ${minimum} with downsampling: the compactor downsamples a block only once it is ${minimum} old, and would delete it first`);
      }
    },
  },
);
export type ThanosSpec = z.infer<typeof thanosSchema>;
