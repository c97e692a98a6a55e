// Maps one validated snapshot to the ml_* metric families and renders them to the text exposition
// format, once per snapshot. Nothing but the rendered text outlives the call, so models or datasets
// that disappear from the service disappear from /metrics.
import type { MonitoringSnapshot, SnapshotTables } from "./contract";
import { datasetDriftScore } from "./drift";
import { ExpositionWriter, formatValue, labelPairs } from "./exposition";
import type { ScoredDrift, ScoredSnapshot } from "./snapshot-decoder";

export interface RenderedMlMetrics {
  /** The ml_* families in the text exposition format. */
  body: Buffer;
  /** Series exported (histogram buckets, _sum and _count each count as one). */
  series: number;
  /** Series left out because the cap was reached, and the models they belonged to. */
  droppedSeries: number;
  droppedModels: number;
}

/** How many series each model contributes: the unit the series cap keeps or drops whole. */
export function seriesPerModel(s: SnapshotTables): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (model: string, n: number) => counts.set(model, (counts.get(model) ?? 0) + n);
  for (const r of s.models) add(r.model_name, 4); // accuracy, precision, recall, f1_score
  for (const r of s.training) add(r.model_name, r.last_run ? 1 : 0);
  for (const r of s.training_failures) add(r.model_name, 1);
  for (const r of s.inference_latency) add(r.model_name, 2); // _sum and _count
  for (const r of s.inference_latency_buckets) add(r.model_name, 1);
  for (const r of s.predictions) add(r.model_name, 1);
  for (const r of s.drift) add(r.model_name, 1);
  return counts;
}

/**
 * Chooses the models to export under the cap. Whole models are kept or dropped (never half a
 * histogram), in name order, so the same models survive from one refresh to the next.
 */
export function selectModels(perModel: Map<string, number>, maxSeries: number) {
  const kept = new Set<string>();
  let series = 0;
  let droppedSeries = 0;
  for (const model of [...perModel.keys()].sort()) {
    const n = perModel.get(model)!;
    if (series + n <= maxSeries) {
      kept.add(model);
      series += n;
    } else {
      droppedSeries += n;
    }
  }
  return { kept, series, droppedSeries, droppedModels: perModel.size - kept.size };
}

const HELP = {
  evaluation: (what: string) => `${what} of the model version on its evaluation set, as a ratio (0..1).`,
  trainingDuration: "Duration of the model's most recent finished training run, in seconds.",
  trainingFailures: "Failed training runs since the ML service started, by error type.",
  inference: "Inference latency in seconds, as the ML service's own cumulative histogram buckets.",
  predictions: "Predictions served since the ML service started, by outcome status.",
  drift:
    "Data drift of the dataset against the model's reference data (0 = none, 1 = maximal). " +
    'method="reported": computed by the ML service; method="jensen_shannon_distance": computed by this ' +
    "exporter as the largest Jensen-Shannon distance (base 2) over the dataset's feature histograms.",
};

const leValue = (le: number | "+Inf") => (le === "+Inf" ? Infinity : le);

/** Scores the drift rows that carry distributions (the decoder does this while it reads a body). */
export function scoreDrift(snapshot: MonitoringSnapshot): ScoredSnapshot {
  const drift = snapshot.drift.map(
    (r): ScoredDrift =>
      r.score !== undefined
        ? { model_name: r.model_name, dataset: r.dataset, score: r.score, method: "reported" }
        : { model_name: r.model_name, dataset: r.dataset, score: datasetDriftScore(r.features!), method: "jensen_shannon_distance" },
  );
  return { ...snapshot, drift };
}

/** Renders the ml_* families for a validated snapshot, exporting at most `maxSeries` series. */
export function renderMlMetrics(snapshot: MonitoringSnapshot, maxSeries: number): RenderedMlMetrics {
  return renderScoredSnapshot(scoreDrift(snapshot), maxSeries);
}

/** Renders the ml_* families for a decoded snapshot, exporting at most `maxSeries` series. */
export function renderScoredSnapshot(snapshot: ScoredSnapshot, maxSeries: number): RenderedMlMetrics {
  const { kept, series, droppedSeries, droppedModels } = selectModels(seriesPerModel(snapshot), maxSeries);
  const keep = <R extends { model_name: string }>(rows: R[]) => rows.filter((r) => kept.has(r.model_name));
  // model_name="…" is shared by every series of a model: escape it once.
  const modelLabel = new Map([...kept].map((m) => [m, labelPairs({ model_name: m })]));
  const withModel = (model: string, more: Record<string, string> = {}) => {
    const rest = labelPairs(more);
    return rest ? `${modelLabel.get(model)},${rest}` : modelLabel.get(model)!;
  };
  const out = new ExpositionWriter();

  const models = keep(snapshot.models).map((r) => ({ r, labels: withModel(r.model_name, { version: r.version }) }));
  const evaluations = [
    ["ml_model_accuracy", "Accuracy", "accuracy"],
    ["ml_model_precision", "Precision", "precision"],
    ["ml_model_recall", "Recall", "recall"],
    ["ml_model_f1_score", "F1 score", "f1_score"],
  ] as const;
  for (const [name, what, field] of evaluations) {
    out.family(name, "gauge", HELP.evaluation(what));
    for (const { r, labels } of models) out.sample(name, labels, r[field]);
  }

  out.family("ml_training_duration_seconds", "gauge", HELP.trainingDuration);
  for (const r of keep(snapshot.training)) {
    if (r.last_run) out.sample("ml_training_duration_seconds", withModel(r.model_name), r.last_run.duration_seconds);
  }

  // The service's counts are cumulative since it started, so they are counters as they stand.
  out.family("ml_training_failures_total", "counter", HELP.trainingFailures);
  for (const r of keep(snapshot.training_failures)) {
    out.sample("ml_training_failures_total", withModel(r.model_name, { error_type: r.error_type }), r.count);
  }

  // A real histogram family: each model's cumulative buckets in ascending `le`, then _sum and _count.
  const buckets = new Map<string, { le: number; count: number }[]>();
  for (const b of keep(snapshot.inference_latency_buckets)) {
    const list = buckets.get(b.model_name) ?? [];
    list.push({ le: leValue(b.le), count: b.count });
    buckets.set(b.model_name, list);
  }
  out.family("ml_inference_duration_seconds", "histogram", HELP.inference);
  for (const r of keep(snapshot.inference_latency)) {
    const model = modelLabel.get(r.model_name)!;
    for (const b of (buckets.get(r.model_name) ?? []).sort((x, y) => x.le - y.le)) {
      out.sample("ml_inference_duration_seconds_bucket", `${model},le="${formatValue(b.le)}"`, b.count);
    }
    out.sample("ml_inference_duration_seconds_sum", model, r.sum_seconds);
    out.sample("ml_inference_duration_seconds_count", model, r.count);
  }

  out.family("ml_predictions_total", "counter", HELP.predictions);
  for (const r of keep(snapshot.predictions)) {
    out.sample("ml_predictions_total", withModel(r.model_name, { status: r.status }), r.count);
  }

  out.family("ml_data_drift_score", "gauge", HELP.drift);
  for (const r of keep(snapshot.drift)) {
    out.sample("ml_data_drift_score", withModel(r.model_name, { dataset: r.dataset, method: r.method }), r.score);
  }

  return { body: out.toBuffer(), series, droppedSeries, droppedModels };
}
