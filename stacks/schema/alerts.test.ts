import { buildAlertCatalog } from "../../components/alerts";
import { maxFailureThreshold, thresholdTable } from "../../components/alerts/thresholds";
import { accepts, problemsOf } from "../../test/helpers/config-problems";
import { parseStackConfig } from "../config";

const dev = (alerts: unknown, more: Record<string, unknown> = {}) => ({ environment: "dev", alerts, ...more });

test("a failure count can only go as high as increase() can tell N from N + 1", () => {
  // 5m at a 15s scrape: N·300/285 rounds back to N up to N = 9 (9.47), not at 10 (10.53).
  expect(maxFailureThreshold("5m")).toBe(9);
  expect(maxFailureThreshold("10m")).toBe(19);
  expect(maxFailureThreshold("5m", 5)).toBe(29);
  expect(accepts(dev({ VMCreationFailure: { threshold: thresholdTable.VMCreationFailure.max } }))).toBe(true);
  expect(problemsOf(dev({ VMCreationFailure: { threshold: 10 }, ModelTrainingFailure: { threshold: Number.MAX_SAFE_INTEGER } }))).toEqual([
    "novacron:alerts.VMCreationFailure.threshold: must be at most 9: increase() over 5m cannot tell more failures apart at a 15s scrape interval",
    "novacron:alerts.ModelTrainingFailure.threshold: must be at most 19: increase() over 10m cannot tell more failures apart at a 15s scrape interval",
  ]);
});

test("latency thresholds are bounded, and a count is whole", () => {
  expect(problemsOf(dev({ HighResponseTime: { threshold: 1e308 }, HighInferenceLatency: { threshold: 0 }, MigrationFailure: { threshold: 1.5 } })).sort()).toEqual([
    "novacron:alerts.HighInferenceLatency.threshold: must be at least 0.001 seconds",
    "novacron:alerts.HighResponseTime.threshold: must be at most 3600 seconds",
    "novacron:alerts.MigrationFailure.threshold: must be a whole number",
  ]);
});

test("Prometheus cannot be connected to more Alertmanagers than run, nor to fewer than none", () => {
  expect(problemsOf(dev({ PrometheusNotConnectedToAlertmanagers: { threshold: 2 } }))).toEqual([
    "novacron:alerts.PrometheusNotConnectedToAlertmanagers.threshold: (2) must be at most alertmanager.replicas (1): Prometheus can never be connected to more Alertmanagers than run, so the alert would always fire",
  ]);
  expect(problemsOf(dev({ PrometheusNotConnectedToAlertmanagers: { threshold: 0 } }))).toEqual([
    "novacron:alerts.PrometheusNotConnectedToAlertmanagers.threshold: must be at least 1: below 1 it could never fire",
  ]);
  expect(accepts(dev({ PrometheusNotConnectedToAlertmanagers: { threshold: 3 } }, { alertmanager: { replicas: 3 } }))).toBe(true);
});

test("enabled, for and severity are validated by key, all at once", () => {
  expect(problemsOf(dev({ HighCPUUsage: { for: "2h", severity: "page" }, TargetDown: { enabled: "no" }, NoSuchAlert: {}, Watchdog: { severity: "critical" } })).sort()).toEqual([
    "novacron:alerts.HighCPUUsage.for: for must be at most 1h: longer hides a problem for over an hour; slow problems belong to an SLO's slow burn",
    "novacron:alerts.HighCPUUsage.severity: must be one of critical, warning, info",
    "novacron:alerts.TargetDown.enabled: Invalid input: expected boolean, received string",
    "novacron:alerts.Watchdog: Unrecognized key: \"severity\"",
    "novacron:alerts: Unrecognized key: \"NoSuchAlert\"",
  ]);
});

test("the Watchdog stays on while the heartbeat is its receiver", () => {
  expect(problemsOf(dev({ Watchdog: { enabled: false } }, { notifications: { heartbeat: { enabled: true } }, heartbeatUrl: "https://hc-ping.com/x" }))).toEqual([
    "novacron:alerts.Watchdog.enabled: is false but notifications.heartbeat.enabled is true: the heartbeat is the Watchdog reaching its URL, and would stop",
  ]);
  expect(accepts(dev({ Watchdog: { enabled: false } }))).toBe(true);
});

test("the old alertThresholds key says where its values went", () => {
  expect(problemsOf({ environment: "dev", alertThresholds: { HighCPUUsage: 0.9 } })).toEqual([
    "novacron:alertThresholds: has moved: set each alert's threshold as novacron:alerts.<AlertName>.threshold, e.g. {HighCPUUsage: {threshold: 0.9}} or pulumi config set --path novacron:alerts.HighCPUUsage.threshold 0.9",
  ]);
});

test("settings from config reach the catalog: a disabled alert is gone, for and severity replaced, the threshold in the expression", () => {
  const { spec } = parseStackConfig({ "novacron:environment": "dev", "novacron:alerts": JSON.stringify({ TargetDown: { enabled: false }, HighCPUUsage: { threshold: 0.7, for: "10m", severity: "critical" } }) });
  const catalog = buildAlertCatalog(spec.alerts);
  expect(catalog.map((a) => a.name)).not.toContain("TargetDown");
  const cpu = catalog.find((a) => a.name === "HighCPUUsage")!;
  expect({ for: cpu.for, severity: cpu.severity, threshold: cpu.threshold }).toEqual({ for: "10m", severity: "critical", threshold: 0.7 });
  expect(cpu.expr).toMatch(/> 0\.7$/);
  // Its promtool cases are built for the alert as it now runs: the firing case waits the new `for`.
  expect(cpu.tests.some((c) => c.fires && /10m/.test(c.description))).toBe(true);
});

test("a counting alert's for stays within half its window, where a burst of failures can still make it fire", () => {
  expect(problemsOf(dev({ VMCreationFailure: { for: "3m" } }))).toEqual([
    "novacron:alerts.VMCreationFailure.for: for must be at most 2m30s: failures count only while the 5m window holds them",
  ]);
  expect(accepts(dev({ VMCreationFailure: { for: "2m30s" }, ModelTrainingFailure: { for: "5m" } }))).toBe(true);
});
