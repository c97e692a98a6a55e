// The seed's ML Pipeline dashboard: model quality over time, training, inference latency distribution,
// data drift and GPU allocation, from the ML model exporter (exporters/ml-model) and kube-state-metrics.
import { recordingNames } from "../../alerts/catalog";
import { mlModelExporterContract } from "../../ml-model-exporter/contract";
import {
  above, acrossShards, below, countAbove, dashboardBuilder, DashboardDefinition, DashboardOptions, finish, heatmapPanel, labelVariable,
  row, statPanel, steps, thresholdOrDefault, timeseriesPanel, upDownMappings,
  CLUSTER, SCOPE,
} from "./common";

export const ML_PIPELINE_UID = "novacron-ml-pipeline";

const model = `model_name=~"$model", ${SCOPE}`;
/** The ML model exporter's own health series. */
const exporter = `job="${mlModelExporterContract.job}", ${SCOPE}`;
/** GPUs are a Kubernetes extended resource; kube-state-metrics reports requests and allocatable by resource. */
const gpu = `resource="nvidia_com_gpu", ${SCOPE}`;

export function mlPipelineDashboard({ catalog, scrapeShards }: DashboardOptions): DashboardDefinition {
  const shards = acrossShards({ scrapeShards });
  const accuracyFloor = thresholdOrDefault(catalog, "ModelPerformanceDegradation");
  const builder = dashboardBuilder(ML_PIPELINE_UID, "ML Pipeline", "Model quality, training, inference latency, data drift and GPU allocation of the NovaCron ML pipeline.", ["ml"])
    .withVariable(labelVariable("model", "Model", `label_values(ml_model_accuracy{${SCOPE}}, model_name)`, "Models the ML service reports."))

    .withRow(row("Model performance"))
    .withPanel(statPanel({
      title: "Models below the accuracy floor", span: 6, height: 6,
      description: "Model versions whose accuracy is under ModelPerformanceDegradation's threshold right now.",
      queries: [{ expr: `count(ml_model_accuracy{${model}} < ${accuracyFloor}) or vector(0)` }],
      thresholds: steps([1, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Accuracy", span: 18, height: 8, unit: "percentunit", max: 1,
      description: "Accuracy of each model version on its evaluation set; below the dashed line (ModelPerformanceDegradation's threshold) for 5m, the alert fires.",
      queries: [{ expr: `ml_model_accuracy{${model}}`, legend: "{{model_name}} {{version}}" }],
      thresholds: below(catalog, "ModelPerformanceDegradation"),
    }))
    .withPanel(timeseriesPanel({
      title: "Precision, recall and F1", span: 24, height: 8, unit: "percentunit", max: 1,
      description: "Precision, recall and F1 score of each model version on its evaluation set.",
      queries: [
        { expr: `ml_model_precision{${model}}`, legend: "{{model_name}} {{version}} precision" },
        { expr: `ml_model_recall{${model}}`, legend: "{{model_name}} {{version}} recall" },
        { expr: `ml_model_f1_score{${model}}`, legend: "{{model_name}} {{version}} F1" },
      ],
    }))

    .withRow(row("Training"))
    .withPanel(timeseriesPanel({
      title: "Training duration", span: 8, height: 8, unit: "s", min: 0,
      description: "Duration of each model's most recent finished training run.",
      queries: [{ expr: `ml_training_duration_seconds{${model}}`, legend: "{{model_name}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Training failures (10m)", span: 8, height: 8, min: 0,
      description: "Failed training runs per model in the last 10 minutes, as ModelTrainingFailure counts them; coloured where it fires.",
      queries: [{ expr: `round(sum by (${CLUSTER}, model_name) (increase(ml_training_failures_total{${model}}[10m])))`, legend: "{{model_name}}" }],
      thresholds: countAbove(catalog, "ModelTrainingFailure", "orange"),
    }))
    .withPanel(timeseriesPanel({
      title: "Training failures by error type (1h)", span: 8, height: 8, min: 0, stacked: true,
      description: "Failed training runs in the last hour by model and error type (data_error, oom, ...).",
      queries: [{ expr: `round(sum by (${CLUSTER}, model_name, error_type) (increase(ml_training_failures_total{${model}}[1h])))`, legend: "{{model_name}} {{error_type}}" }],
    }))

    .withRow(row("Inference"))
    .withPanel(heatmapPanel({
      title: "Inference latency distribution", span: 12, height: 9, unit: "s",
      description: "How long inferences took, from the ML service's latency histogram: each column is one interval's distribution.",
      queries: [{ expr: `sum by (${CLUSTER}, le) (rate(ml_inference_duration_seconds_bucket{${model}}[$__rate_interval]))`, legend: "{{le}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "p95 inference latency", span: 12, height: 9, unit: "s", min: 0,
      description: "95th percentile inference duration per model over 2m, the series HighInferenceLatency evaluates; the dashed line is its threshold.",
      queries: [{ expr: shards.quantile(`${recordingNames.inferenceP95}{${model}}`, `${recordingNames.inferenceBuckets}{${model}}`), legend: "{{model_name}}" }],
      thresholds: above(catalog, ["HighInferenceLatency", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Predictions per second", span: 12, height: 8, unit: "ops", min: 0, stacked: true,
      description: "Predictions served per second by model and outcome status.",
      queries: [{ expr: shards.sum(`${recordingNames.predictions}{${model}}`), legend: "{{model_name}} {{status}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Prediction success rate", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each model's predictions with status success.",
      queries: [{ expr: `sum by (${CLUSTER}, model_name) (${recordingNames.predictions}{${model}, status="success"}) / sum by (${CLUSTER}, model_name) (${recordingNames.predictions}{${model}})`, legend: "{{model_name}}" }],
    }))

    .withRow(row("Data quality"))
    .withPanel(timeseriesPanel({
      title: "Data drift", span: 24, height: 8, min: 0, max: 1,
      description: "Drift of each dataset against the model's reference data (0 none, 1 maximal); above the dashed line (DataDriftDetected's threshold) for 5m, the alert fires.",
      queries: [{ expr: `ml_data_drift_score{${model}}`, legend: "{{model_name}} {{dataset}} ({{method}})" }],
      thresholds: above(catalog, ["DataDriftDetected", "orange"]),
    }))

    .withRow(row("GPU"))
    .withPanel(timeseriesPanel({
      title: "GPUs requested by pod", span: 12, height: 8, min: 0, stacked: true,
      description: "GPUs (nvidia.com/gpu) requested by running pods' containers (kube-state-metrics).",
      queries: [{ expr: `sum by (${CLUSTER}, namespace, pod) (kube_pod_container_resource_requests{${gpu}})`, legend: "{{namespace}}/{{pod}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "GPU allocation", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of the cluster's allocatable GPUs that pods request; at 100%, new GPU work cannot be scheduled.",
      queries: [{ expr: `sum(kube_pod_container_resource_requests{${gpu}}) / sum(kube_node_status_allocatable{${gpu}})`, legend: "allocated" }],
      thresholds: steps([0.9, "orange"]),
    }))

    .withRow(row("ML model exporter"))
    .withPanel(statPanel({
      title: "ML service reachable", span: 8, height: 5,
      description: "Whether the exporter's last fetch from the ML service succeeded (MLExporterUpstreamDown fires after 2m at DOWN): while it is DOWN, the panels above have no data.",
      queries: [{ expr: `min(ml_exporter_up{${exporter}})` }],
      thresholds: [{ value: null, color: "red" }, { value: 1, color: "green" }],
      mappings: upDownMappings,
    }))
    .withPanel(timeseriesPanel({
      title: "Age of ML data", span: 8, height: 5, unit: "s", min: 0,
      description: "Age of the ML data each scrape served; bounded by the exporter's refresh interval.",
      queries: [{ expr: `max(ml_exporter_data_age_seconds{${exporter}})`, legend: "age" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Series exported", span: 8, height: 5, min: 0,
      description: "ml_* series exported against the exporter's series limit; models beyond it are dropped whole.",
      queries: [
        { expr: `sum(ml_exporter_series{${exporter}})`, legend: "exported" },
        { expr: `max(ml_exporter_series_limit{${exporter}})`, legend: "limit" },
      ],
    }));

  return { uid: ML_PIPELINE_UID, title: "ML Pipeline", folder: "novacron", model: finish(builder) };
}
