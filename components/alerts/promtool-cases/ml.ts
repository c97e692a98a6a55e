// promtool cases of the ML alerts (rules/ml.ts).
import { failureWindows } from "../rules/selectors";
import { CaseBuilder, countingCases, gaugeCases, Labels, latencyCases, nearThreshold, thresholdOf } from "./series";
import { mlExporter } from "./targets";

const model: Labels = { ...mlExporter, model_name: "classifier", version: "v1.2" };
const pipeline: Labels = { instance: "ml-pipeline-0:8000", job: "novacron-ml-pipeline" };

export const mlCases: Record<string, CaseBuilder> = {
  ModelPerformanceDegradation: (alert) =>
    gaugeCases("ml_model_accuracy", model, alert.for, {
      breach: nearThreshold(thresholdOf(alert)).below,
      normal: nearThreshold(thresholdOf(alert)).above,
    }),
  DataDriftDetected: (alert) =>
    gaugeCases("ml_data_drift_score", { ...mlExporter, model_name: "classifier", dataset: "production" }, alert.for, {
      breach: nearThreshold(thresholdOf(alert)).above,
      normal: nearThreshold(thresholdOf(alert)).below,
    }),
  ModelTrainingFailure: (alert) =>
    countingCases({
      metric: "ml_training_failures_total",
      labels: { ...pipeline, model_name: "classifier" },
      split: { label: "error_type", values: ["data_error", "oom"] },
      threshold: thresholdOf(alert),
      window: failureWindows.ModelTrainingFailure,
      for: alert.for,
      expectedLabels: { model_name: "classifier" },
    }),
  HighInferenceLatency: (alert) =>
    latencyCases({
      metric: "ml_inference_duration_seconds",
      labels: { ...pipeline, model_name: "classifier" },
      fastNeighbour: { ...pipeline, model_name: "ranker" },
      threshold: thresholdOf(alert),
      for: alert.for,
      expectedLabels: { model_name: "classifier" },
    }),
};
