// The contract between the ML service and this exporter, as a zod schema. openapi.yaml documents the
// same contract for the ML service's developers; test/contract.test.ts checks that the two agree.
//
// One endpoint returns everything as flat "tables" (arrays of rows keyed by model_name and the row's
// other labels): one round trip per refresh gives a consistent snapshot, and flat rows keep the
// exporter's mapping (and any generic JSON tooling) simple. Unknown fields are ignored, so the
// service can add fields without breaking the exporter; a changed meaning bumps schema_version.
import { z } from "zod";

/** The path the exporter requests, relative to ML_MODEL_ENDPOINT. */
export const SNAPSHOT_PATH = "/v1/monitoring/snapshot";
export const SCHEMA_VERSION = 1;

// Label values end up in Prometheus series; keep them non-empty and reasonably short.
const labelValue = z.string().min(1).max(200);
const ratio = z.number().min(0).max(1);
const count = z.number().int().min(0);
const seconds = z.number().min(0);

export const ModelVersionEvaluation = z.object({
  model_name: labelValue,
  version: labelValue,
  accuracy: ratio,
  precision: ratio,
  recall: ratio,
  f1_score: ratio,
});

export const TrainingRun = z.object({
  run_id: z.string().min(1),
  status: z.enum(["succeeded", "failed"]),
  started_at: z.iso.datetime({ offset: true }),
  finished_at: z.iso.datetime({ offset: true }),
  duration_seconds: seconds,
});

export const ModelTraining = z.object({
  model_name: labelValue,
  /** The most recent finished run, or null when the model has never finished one. */
  last_run: TrainingRun.nullable(),
});

/** Cumulative failures since the service started (a counter: it only resets when the service restarts). */
export const TrainingFailures = z.object({
  model_name: labelValue,
  error_type: labelValue,
  count,
});

export const InferenceLatency = z.object({
  model_name: labelValue,
  /** Total number of inferences observed, equal to the "+Inf" bucket. */
  count,
  sum_seconds: seconds,
});

/** One cumulative histogram bucket: inferences that took at most `le` seconds. */
export const InferenceLatencyBucket = z.object({
  model_name: labelValue,
  le: z.union([z.number().min(0), z.literal("+Inf")]),
  count,
});

/** Cumulative predictions by outcome (a counter). */
export const Predictions = z.object({
  model_name: labelValue,
  status: labelValue,
  count,
});

/**
 * Most bins in one feature histogram. Drift histograms have tens of bins; the bound lets the exporter
 * score one feature at a time in bounded memory (a 16 MiB body of "0," would otherwise be 8 million
 * numbers in memory at once).
 */
export const MAX_HISTOGRAM_BINS = 10_000;
const histogramCounts = z.array(z.number().min(0)).min(1).max(MAX_HISTOGRAM_BINS);

/** Histograms of one feature over the same bins, in the reference data and in production. */
export const FeatureDistributions = z
  .object({
    name: labelValue,
    reference: histogramCounts,
    production: histogramCounts,
  })
  .check((ctx) => {
    const { reference, production } = ctx.value;
    if (reference.length !== production.length) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `reference has ${reference.length} bins but production has ${production.length}`,
      });
    }
    for (const [side, bins] of [["reference", reference], ["production", production]] as const) {
      if (bins.reduce((a, b) => a + b, 0) <= 0) {
        ctx.issues.push({ code: "custom", input: ctx.value, path: [side], message: "all bins are 0" });
      }
    }
  });

/** The service computed the score itself (any measure in 0..1). */
export const DriftScore = z.object({
  model_name: labelValue,
  dataset: labelValue,
  score: ratio,
  features: z.never().optional(),
});

/** The service sent distributions; the exporter computes the score (Jensen–Shannon distance). */
export const DriftDistributions = z.object({
  model_name: labelValue,
  dataset: labelValue,
  features: z.array(FeatureDistributions).min(1),
  score: z.never().optional(),
});

export const Drift = z.union([DriftScore, DriftDistributions]);

/** The top level, each row checked on its own; MonitoringSnapshot adds the rules across rows. */
export const MonitoringSnapshotShape = z.object({
  schema_version: z.literal(SCHEMA_VERSION),
  generated_at: z.iso.datetime({ offset: true }),
  models: z.array(ModelVersionEvaluation),
  training: z.array(ModelTraining),
  training_failures: z.array(TrainingFailures),
  inference_latency: z.array(InferenceLatency),
  inference_latency_buckets: z.array(InferenceLatencyBucket),
  predictions: z.array(Predictions),
  drift: z.array(Drift),
});

export type Issue = { path: (string | number)[]; message: string };

/** Rows of one table must be unique by their label columns, or two rows would claim one series. */
function duplicates<T>(table: string, rows: T[], key: (row: T) => string[]): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  rows.forEach((row, i) => {
    const k = key(row).join("\u0000");
    if (seen.has(k)) issues.push({ path: [table, i], message: `duplicate row for ${JSON.stringify(key(row))}` });
    seen.add(k);
  });
  return issues;
}

const leValue = (le: number | "+Inf") => (le === "+Inf" ? Infinity : le);

/** What the checks across rows read: every table's label columns and the latency histograms. */
export type SnapshotTables = Pick<
  z.infer<typeof MonitoringSnapshotShape>,
  "models" | "training" | "training_failures" | "inference_latency" | "inference_latency_buckets" | "predictions"
> & { drift: { model_name: string; dataset: string }[] };

/** Each latency row needs a complete cumulative histogram ending in "+Inf" that matches its count. */
function histogramIssues(snapshot: SnapshotTables): Issue[] {
  const issues: Issue[] = [];
  const buckets = new Map<string, { le: number; count: number; index: number }[]>();
  snapshot.inference_latency_buckets.forEach((b, index) => {
    const list = buckets.get(b.model_name) ?? [];
    list.push({ le: leValue(b.le), count: b.count, index });
    buckets.set(b.model_name, list);
  });
  const totals = new Map(snapshot.inference_latency.map((row) => [row.model_name, row.count]));
  for (const [model, list] of buckets) {
    if (!totals.has(model)) {
      issues.push({ path: ["inference_latency_buckets", list[0].index], message: `no inference_latency row for ${model}` });
    }
  }
  snapshot.inference_latency.forEach((row, i) => {
    const list = (buckets.get(row.model_name) ?? []).sort((a, b) => a.le - b.le);
    const inf = list.at(-1);
    if (!inf || inf.le !== Infinity) {
      issues.push({ path: ["inference_latency", i], message: `${row.model_name} has no "+Inf" bucket` });
      return;
    }
    if (inf.count !== row.count) {
      issues.push({ path: ["inference_latency", i], message: `${row.model_name}: "+Inf" bucket (${inf.count}) differs from count (${row.count})` });
    }
    for (let j = 1; j < list.length; j++) {
      if (list[j].count < list[j - 1].count) {
        issues.push({ path: ["inference_latency_buckets", list[j].index], message: `${row.model_name}: buckets are not cumulative` });
        break;
      }
    }
  });
  return issues;
}

/** The rules that span rows (unique rows, complete histograms), for rows each valid on its own. */
export function crossRowIssues(s: SnapshotTables): Issue[] {
  return [
    ...duplicates("models", s.models, (r) => [r.model_name, r.version]),
    ...duplicates("training", s.training, (r) => [r.model_name]),
    ...duplicates("training_failures", s.training_failures, (r) => [r.model_name, r.error_type]),
    ...duplicates("inference_latency", s.inference_latency, (r) => [r.model_name]),
    ...duplicates("inference_latency_buckets", s.inference_latency_buckets, (r) => [r.model_name, String(leValue(r.le))]),
    ...duplicates("predictions", s.predictions, (r) => [r.model_name, r.status]),
    ...duplicates("drift", s.drift, (r) => [r.model_name, r.dataset]),
    ...histogramIssues(s),
  ];
}

export const MonitoringSnapshot = MonitoringSnapshotShape.check((ctx) => {
  for (const issue of crossRowIssues(ctx.value)) ctx.issues.push({ code: "custom", input: ctx.value, ...issue });
});

/** Each table and the schema of its rows. */
export const TABLES = {
  models: ModelVersionEvaluation,
  training: ModelTraining,
  training_failures: TrainingFailures,
  inference_latency: InferenceLatency,
  inference_latency_buckets: InferenceLatencyBucket,
  predictions: Predictions,
  drift: Drift,
} as const satisfies { [T in keyof z.infer<typeof MonitoringSnapshotShape>]?: z.ZodType };
export type TableName = keyof typeof TABLES;

export type MonitoringSnapshot = z.infer<typeof MonitoringSnapshot>;
export type Drift = z.infer<typeof Drift>;
export type FeatureDistributions = z.infer<typeof FeatureDistributions>;
