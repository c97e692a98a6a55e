// Every alert and recording rule of the catalog, parsed by Prometheus' own parser (the deployed version), and
// every metric it selects exported by some part of the stack (components/grafana/metric-inventory.ts, whose lists
// are proven against their sources in grafana-dashboards.test.ts). An alert on a misspelt metric never fires and
// says nothing: this is where it is caught.
import { buildAlertCatalog, fullScope, recordingRules } from "../../components/alerts";
import { exportedMetrics } from "../../components/grafana";
import { checkPromql } from "../helpers/promql";

const expressions = [
  ...buildAlertCatalog({}, fullScope).map((alert) => ({ id: `alert ${alert.name}`, expr: alert.expr })),
  ...recordingRules.map((rule) => ({ id: `record ${rule.record}`, expr: rule.expr })),
];

describe("alert and recording rule expressions, parsed by Prometheus' parser", () => {
  const results = checkPromql(expressions);

  test("there is something to check: every alert and recording rule", () => {
    expect(results.length).toBe(expressions.length);
    expect(results.filter((r) => r.id.startsWith("alert ")).length).toBeGreaterThanOrEqual(26);
  });

  test("every expression parses", () => {
    expect(results.filter((r) => !r.ok).map((r) => `${r.id}: ${r.error}`)).toEqual([]);
  });

  test("every selector names its metric, and every metric is exported by some part of the stack", () => {
    const exported = exportedMetrics();
    // vector(1) (the Watchdog) selects nothing; every other alert reads at least one series.
    expect(results.filter((r) => r.metrics.length === 0).map((r) => r.id)).toEqual(["alert Watchdog"]);
    expect(results.filter((r) => r.unnamedSelectors > 0).map((r) => r.id)).toEqual([]);
    expect(results.flatMap((r) => r.metrics.filter((m) => !exported.has(m)).map((m) => `${r.id}: ${m}`))).toEqual([]);
  });

  test("negative control: a misspelt metric in an alert is reported", () => {
    const [typo] = checkPromql([{ id: "typo", expr: 'kube_pod_container_status_restart_total{job="kube-state-metrics"} > 0' }]);
    expect(typo.ok).toBe(true);
    expect(typo.metrics.filter((m) => !exportedMetrics().has(m))).toEqual(["kube_pod_container_status_restart_total"]);
  });
});
