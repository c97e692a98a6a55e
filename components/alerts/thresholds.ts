// The one table of alert thresholds a stack may change: each entry's default, unit and meaning. The stack's
// config schema (stacks/schema/alert-thresholds.ts), the override type, the generated config reference and
// the rules all derive from it, so adding a threshold here is the whole change.

/** The unit of a threshold, which is the unit of its alert's expression. */
export type ThresholdUnit = "ratio" | "seconds" | "count";

export interface ThresholdSpec {
  default: number;
  unit: ThresholdUnit;
  /** What crossing it means; shown in the config reference. */
  doc: string;
}

export const thresholdTable = {
  HighCPUUsage: { default: 0.8, unit: "ratio", doc: "Node CPU utilisation ratio (0-1) above which HighCPUUsage fires." },
  CriticalCPUUsage: { default: 0.95, unit: "ratio", doc: "Node CPU utilisation ratio (0-1) above which CriticalCPUUsage fires; must stay above HighCPUUsage." },
  HighMemoryUsage: { default: 0.85, unit: "ratio", doc: "Node memory utilisation ratio (0-1) above which HighMemoryUsage fires." },
  HighDiskUsage: { default: 0.8, unit: "ratio", doc: "Filesystem utilisation ratio (0-1) above which HighDiskUsage fires." },
  HighResponseTime: { default: 1, unit: "seconds", doc: "p95 request latency in seconds above which HighResponseTime fires." },
  HighErrorRate: { default: 0.05, unit: "ratio", doc: "Ratio (0-1) of 5xx responses above which HighErrorRate fires." },
  VMCreationFailure: { default: 3, unit: "count", doc: "VM creation failures in 5m above which VMCreationFailure fires." },
  MigrationFailure: { default: 0, unit: "count", doc: "Migration failures in 5m above which MigrationFailure fires." },
  ModelPerformanceDegradation: { default: 0.85, unit: "ratio", doc: "Model accuracy (0-1) below which ModelPerformanceDegradation fires." },
  DataDriftDetected: { default: 0.3, unit: "ratio", doc: "Drift score above which DataDriftDetected fires." },
  ModelTrainingFailure: { default: 2, unit: "count", doc: "Training failures of a model in 10m above which ModelTrainingFailure fires." },
  HighInferenceLatency: { default: 1, unit: "seconds", doc: "p95 inference latency in seconds above which HighInferenceLatency fires." },
  TargetDown: { default: 0.1, unit: "ratio", doc: "Ratio (0-1) of a job's targets down above which TargetDown fires." },
  PrometheusRuleEvaluationFailures: { default: 0, unit: "count", doc: "Failed rule evaluations in the evaluation window above which PrometheusRuleEvaluationFailures fires." },
  PrometheusNotConnectedToAlertmanagers: { default: 1, unit: "count", doc: "Connected Alertmanagers below which PrometheusNotConnectedToAlertmanagers fires." },
  PrometheusNotificationsFailing: { default: 0.01, unit: "ratio", doc: "Ratio (0-1) of failed notification sends above which PrometheusNotificationsFailing fires." },
  AlertmanagerFailingToSendNotifications: { default: 0.01, unit: "ratio", doc: "Ratio (0-1) of failed notifications above which AlertmanagerFailingToSendNotifications fires." },
} as const satisfies Record<string, ThresholdSpec>;

export type ThresholdName = keyof typeof thresholdTable;
export const thresholdNames = Object.keys(thresholdTable) as ThresholdName[];

/** Every threshold, in its expression's unit (ratios 0..1, seconds, counts). */
export type AlertThresholds = Record<ThresholdName, number>;
/** Thresholds as a stack or a component user overrides them: each optional; unset keeps the default. */
export type AlertThresholdOverrides = Partial<AlertThresholds>;

export const defaultThresholds = Object.fromEntries(thresholdNames.map((name) => [name, thresholdTable[name].default])) as AlertThresholds;
