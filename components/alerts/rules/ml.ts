// ML alerts: model accuracy, data drift, training failures and inference latency.
import { AlertThresholds } from "../thresholds";
import { AlertRule } from "../types";
import { recordingNames } from "./recording";
import { failureWindows, failuresIn } from "./selectors";

export function mlRules(t: AlertThresholds): AlertRule[] {
  const ml = { domain: "ml" as const };

  return [
    {
      ...ml,
      name: "ModelPerformanceDegradation",
      severity: "warning",
      threshold: t.ModelPerformanceDegradation,
      expr: `ml_model_accuracy < ${t.ModelPerformanceDegradation}`,
      for: "5m",
      summary: "Model {{ $labels.model_name }} {{ $labels.version }} has lost accuracy",
      description:
        "The accuracy of model {{ $labels.model_name }} version {{ $labels.version }} is below the threshold. Compare with the previous version and consider rolling back or retraining.",
    },
    {
      ...ml,
      name: "DataDriftDetected",
      severity: "warning",
      threshold: t.DataDriftDetected,
      expr: `ml_data_drift_score > ${t.DataDriftDetected}`,
      for: "5m",
      summary: "Data drift for model {{ $labels.model_name }} on {{ $labels.dataset }}",
      description:
        "The drift score of dataset {{ $labels.dataset }} against model {{ $labels.model_name }}'s training data is above the threshold: predictions may no longer be reliable.",
    },
    {
      ...ml,
      name: "ModelTrainingFailure",
      severity: "warning",
      threshold: t.ModelTrainingFailure,
      expr: `${failuresIn("ml_training_failures_total", failureWindows.ModelTrainingFailure, "model_name")} > ${t.ModelTrainingFailure}`,
      for: "0s",
      summary: "Training of model {{ $labels.model_name }} keeps failing",
      description:
        "Training runs of model {{ $labels.model_name }} have failed more often in the last 10 minutes than the threshold allows. See ml_training_failures_total by error_type and the pipeline's logs.",
    },
    {
      ...ml,
      name: "HighInferenceLatency",
      severity: "warning",
      threshold: t.HighInferenceLatency,
      expr: `${recordingNames.inferenceP95} > ${t.HighInferenceLatency}`,
      for: "2m",
      summary: "Model {{ $labels.model_name }} is slow to answer",
      description:
        "The 95th percentile of model {{ $labels.model_name }}'s inference duration is above the threshold. Check the serving replicas' load and resources.",
    },
  ];
}
