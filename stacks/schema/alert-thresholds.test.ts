import { maxFailureThreshold, thresholdTable } from "../../components/alerts/thresholds";
import { accepts, problemsOf } from "../../test/helpers/config-problems";

test("a failure count can only go as high as increase() can tell N from N + 1", () => {
  // 5m at a 15s scrape: N·300/285 rounds back to N up to N = 9 (9.47), not at 10 (10.53).
  expect(maxFailureThreshold("5m")).toBe(9);
  expect(maxFailureThreshold("10m")).toBe(19);
  expect(maxFailureThreshold("5m", 5)).toBe(29);
  expect(accepts({ environment: "dev", alertThresholds: { VMCreationFailure: thresholdTable.VMCreationFailure.max } })).toBe(true);
  expect(problemsOf({ environment: "dev", alertThresholds: { VMCreationFailure: 10, ModelTrainingFailure: Number.MAX_SAFE_INTEGER } })).toEqual([
    "novacron:alertThresholds.VMCreationFailure: must be at most 9: increase() over 5m cannot tell more failures apart at a 15s scrape interval",
    "novacron:alertThresholds.ModelTrainingFailure: must be at most 19: increase() over 10m cannot tell more failures apart at a 15s scrape interval",
  ]);
});

test("latency thresholds are bounded, and a count is whole", () => {
  expect(problemsOf({ environment: "dev", alertThresholds: { HighResponseTime: 1e308, HighInferenceLatency: 0, MigrationFailure: 1.5 } }).sort()).toEqual([
    "novacron:alertThresholds.HighInferenceLatency: must be at least 0.001 seconds",
    "novacron:alertThresholds.HighResponseTime: must be at most 3600 seconds",
    "novacron:alertThresholds.MigrationFailure: must be a whole number",
  ]);
});

test("Prometheus cannot be connected to more Alertmanagers than run, nor to fewer than none", () => {
  expect(problemsOf({ environment: "dev", alertThresholds: { PrometheusNotConnectedToAlertmanagers: 2 } })).toEqual([
    "novacron:alertThresholds.PrometheusNotConnectedToAlertmanagers: (2) must be at most alertmanager.replicas (1): Prometheus can never be connected to more Alertmanagers than run, so the alert would always fire",
  ]);
  expect(problemsOf({ environment: "dev", alertThresholds: { PrometheusNotConnectedToAlertmanagers: 0 } })).toEqual([
    "novacron:alertThresholds.PrometheusNotConnectedToAlertmanagers: must be at least 1: below 1 it could never fire",
  ]);
  expect(accepts({ environment: "dev", alertmanager: { replicas: 3 }, alertThresholds: { PrometheusNotConnectedToAlertmanagers: 3 } })).toBe(true);
});
