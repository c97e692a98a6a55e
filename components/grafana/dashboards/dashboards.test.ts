// The dashboards as code: folders, variables, panels that fit and read Prometheus, and thresholds that are
// the alert catalog's.
import { parse } from "yaml";
import { buildAlertCatalog, renderRuleFiles } from "../../alerts";
import { dashboardQueries } from "../queries";
import { buildDashboards, INFRASTRUCTURE_UID, KUBERNETES_COMPUTE_UID, KUBERNETES_NETWORKING_UID, LOG_TRACE_PIPELINE_UID, SLO_UID, STACK_HEALTH_UID } from ".";
import { thanosUploadDeadline } from "../../alerts/rules/selectors";
import { durationSeconds } from "../../units";

describe("dashboards", () => {
  const dashboards = buildDashboards();
  const panelsOf = (uid: string, d = dashboards) => (d.find((x) => x.uid === uid)!.model.panels ?? []) as any[];
  const stepsOf = (uid: string, title: string, d = dashboards) => panelsOf(uid, d).find((p) => p.title === title)!.fieldConfig.defaults.thresholds.steps;

  test("the seed's three dashboards, SLOs, Stack health, the Kubernetes ones and the log and trace pipeline, in folders, each with environment, cluster and its own variables", () => {
    expect(dashboards.map((d) => [d.title, d.folder])).toEqual([
      ["Infrastructure", "novacron"], ["Application", "novacron"], ["ML Pipeline", "novacron"], ["SLOs and error budgets", "novacron"], ["Stack health", "stack"],
      ["Kubernetes / Compute resources", "kubernetes"], ["Kubernetes / Networking", "kubernetes"], ["Log and trace pipeline", "stack"],
    ]);
    const variables = Object.fromEntries(dashboards.map((d) => [d.title, d.model.templating!.list!.map((v) => v.name)]));
    expect(variables).toEqual({
      Infrastructure: ["environment", "cluster", "instance", "namespace"],
      Application: ["environment", "cluster", "namespace", "service"],
      "ML Pipeline": ["environment", "cluster", "model"],
      "SLOs and error budgets": ["environment", "cluster", "slo"],
      "Stack health": ["environment", "cluster", "job"],
      "Kubernetes / Compute resources": ["environment", "cluster", "namespace", "workload", "pod"],
      "Kubernetes / Networking": ["environment", "cluster", "namespace", "pod"],
      "Log and trace pipeline": ["environment", "cluster"],
    });
    // Each variable's query only uses variables defined before it (Grafana resolves them in order).
    for (const d of dashboards) {
      const list = d.model.templating!.list!;
      list.forEach((v, i) => {
        const used = [...String(v.query).matchAll(/\$(\w+)/g)].map((m) => m[1]).filter((name) => name !== "1");
        expect({ variable: v.name, later: used.filter((name) => !list.slice(0, i).some((earlier) => earlier.name === name)) }).toEqual({ variable: v.name, later: [] });
      });
    }
  });

  test("every panel is described, reads the Prometheus datasource by uid, fits the grid, and has a unique id", () => {
    for (const d of dashboards) {
      const panels = panelsOf(d.uid).filter((p) => p.type !== "row");
      expect(panels.filter((p) => !p.description).map((p) => p.title)).toEqual([]);
      expect(panels.every((p) => p.datasource?.uid === "prometheus" && p.targets.every((t: any) => t.datasource.uid === "prometheus" && t.refId))).toBe(true);
      expect(panels.every((p) => p.gridPos.x + p.gridPos.w <= 24)).toBe(true);
      const ids = panelsOf(d.uid).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  test("threshold lines are the alert catalog's thresholds", () => {
    expect(stepsOf(INFRASTRUCTURE_UID, "CPU utilisation").map((s: any) => s.value)).toEqual([null, 0.8, 0.95]);
    expect(stepsOf(INFRASTRUCTURE_UID, "Memory utilisation").map((s: any) => s.value)).toEqual([null, 0.85]);
    expect(stepsOf(INFRASTRUCTURE_UID, "Disk usage by filesystem").map((s: any) => s.value)).toEqual([null, 0.8]);
    expect(stepsOf("novacron-application", "Error rate").map((s: any) => s.value)).toEqual([null, 0.05]);
    expect(stepsOf("novacron-ml-pipeline", "Accuracy")).toEqual([{ value: null, color: "red" }, { value: 0.85, color: "green" }]);
    // "More than 0 migration failures" colours from the first failure, not from zero.
    expect(stepsOf("novacron-application", "Migration failures (5m)").map((s: any) => s.value)).toEqual([null, 1]);
    const cpu = panelsOf(INFRASTRUCTURE_UID).find((p) => p.title === "CPU utilisation");
    expect(cpu.fieldConfig.defaults.custom.thresholdsStyle).toEqual({ mode: "dashed" });
  });

  test("a threshold changed in the catalog changes both the alert rule and the dashboards", () => {
    const catalog = buildAlertCatalog({ HighCPUUsage: { threshold: 0.7 }, ModelPerformanceDegradation: { threshold: 0.9 } });
    const rules = parse(renderRuleFiles({ runbookBaseUrl: "https://runbooks.example", alerts: catalog })["infrastructure.yml"]);
    const rule = rules.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === "HighCPUUsage");
    expect(rule.expr).toMatch(/> 0\.7$/);
    const changed = buildDashboards(catalog);
    expect(stepsOf(INFRASTRUCTURE_UID, "CPU utilisation", changed).map((s: any) => s.value)).toEqual([null, 0.7, 0.95]);
    expect(stepsOf(INFRASTRUCTURE_UID, "CPU (busiest node)", changed).map((s: any) => s.value)).toEqual([null, 0.7, 0.95]);
    // Thresholds inside queries follow too.
    const ml = dashboardQueries(changed.find((d) => d.uid === "novacron-ml-pipeline")!.model);
    expect(ml.find((q) => q.panel === "Models below the accuracy floor")!.expr).toContain("< 0.9)");
    // Everything else is unchanged.
    expect(stepsOf(INFRASTRUCTURE_UID, "Memory utilisation", changed).map((s: any) => s.value)).toEqual([null, 0.85]);
  });

  test("an alert the stack switched off draws no threshold line, and panels that need its number keep the default", () => {
    const catalog = buildAlertCatalog({ HighMemoryUsage: { enabled: false }, ModelPerformanceDegradation: { enabled: false }, TargetDown: { enabled: false } });
    const built = buildDashboards(catalog);
    expect(stepsOf(INFRASTRUCTURE_UID, "Memory utilisation", built).map((s: any) => s.value)).toEqual([null]);
    const ml = dashboardQueries(built.find((d) => d.uid === "novacron-ml-pipeline")!.model);
    expect(ml.find((q) => q.panel === "Models below the accuracy floor")!.expr).toContain("< 0.85)");
  });

  test("a dashboard refuses an alert without a threshold instead of drawing no line", () => {
    const catalog = buildAlertCatalog().map((a) => (a.name === "HighDiskUsage" ? { ...a, threshold: undefined } : a));
    expect(() => buildDashboards(catalog)).toThrow(/HighDiskUsage has no threshold/);
  });

  test("SLOs: budget, burn rates with the burn alerts' factors as lines, and the indicator", () => {
    const rows = panelsOf(SLO_UID).filter((p) => p.type === "row").map((p) => p.title);
    expect(rows).toEqual(["Error budget", "Burn rates", "Indicator"]);
    // The SRE workbook's factors, typed here by hand: 14.4 and 6 page, 3 and 1 open a ticket.
    expect(stepsOf(SLO_UID, "Burn rate: page windows").map((s: any) => s.value)).toEqual([null, 6, 14.4]);
    expect(stepsOf(SLO_UID, "Burn rate: ticket windows").map((s: any) => s.value)).toEqual([null, 1, 3]);
    const queries = dashboardQueries(dashboards.find((d) => d.uid === SLO_UID)!.model).filter((q) => q.panelType !== "variable");
    expect(queries.every((q) => q.expr.includes('slo=~"$slo", cluster=~"$cluster", environment=~"$environment"'))).toBe(true);
    expect(queries.filter((q) => q.panel === "Burn rate: page windows").map((q) => q.expr.match(/ratio_rate(\w+)/)![1])).toEqual(["1h", "5m", "6h", "30m"]);
  });

  test("the Kubernetes dashboards go from the cluster down to pods", () => {
    const rows = (uid: string) => panelsOf(uid).filter((p) => p.type === "row").map((p) => p.title);
    expect(rows(KUBERNETES_COMPUTE_UID)).toEqual(["Cluster", "Namespaces", "Workloads", "Pods"]);
    expect(rows(KUBERNETES_NETWORKING_UID)).toEqual(["Cluster", "Namespaces", "Pods"]);
    // The workload and pod variables list values from a join (query_result), picked out by a regex.
    // Grafana's query_result text for a series: {k="v",...} value timestamp-in-ms (metric_find_query.ts).
    const text = '{cluster="eu-1",namespace="shop",pod="api-7c9d-x2",workload="api",workload_type="Deployment"} 1 1700000000000';
    const variables = dashboards.find((d) => d.uid === KUBERNETES_COMPUTE_UID)!.model.templating!.list!;
    for (const [name, value] of [["workload", "api"], ["pod", "api-7c9d-x2"]]) {
      const v = variables.find((x) => x.name === name)!;
      expect(v.query).toMatch(/^query_result\(/);
      expect(new RegExp(v.regex!.slice(1, -1)).exec(text)![1]).toBe(value);
    }
  });

  test("Stack health covers targets, scrapes, rule evaluation, alerts, notifications and Thanos", () => {
    const rows = panelsOf(STACK_HEALTH_UID).filter((p) => p.type === "row").map((p) => p.title);
    expect(rows).toEqual(["Targets", "Scrapes", "Rule evaluation", "Notifications", "Thanos"]);
    expect(stepsOf(STACK_HEALTH_UID, "Bucket operations failing").map((s: any) => s.value)).toEqual([null, 0.05]);
    expect(stepsOf(STACK_HEALTH_UID, "StoreAPI calls failing").map((s: any) => s.value)).toEqual([null, 0.05, 0.05]);
    expect(stepsOf(STACK_HEALTH_UID, "Time since each sidecar's last upload").map((s: any) => s.value)).toEqual([null, durationSeconds(thanosUploadDeadline)]);
    const changed = buildDashboards(buildAlertCatalog({ ThanosBucketOperationsFailing: { threshold: 0.2 }, ThanosStoreGatewayGrpcErrors: { enabled: false } }));
    expect(stepsOf(STACK_HEALTH_UID, "Bucket operations failing", changed).map((s: any) => s.value)).toEqual([null, 0.2]);
    expect(stepsOf(STACK_HEALTH_UID, "StoreAPI calls failing", changed).map((s: any) => s.value)).toEqual([null, 0.05]);
  });

  test("the log and trace pipeline: a row per part, the pipeline alerts' thresholds, every selector scoped to cluster and environment", () => {
    const rows = panelsOf(LOG_TRACE_PIPELINE_UID).filter((p) => p.type === "row").map((p) => p.title);
    expect(rows).toEqual(["Log shipper (Alloy)", "Loki", "Jaeger", "Elasticsearch", "Logstash", "ECK operator", "Grafana"]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Lines matching no parsing rule").map((s: any) => s.value)).toEqual([null, 0.1]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Persisted queue used").map((s: any) => s.value)).toEqual([null, 0.8]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "JVM heap and garbage collection").map((s: any) => s.value)).toEqual([null, 0.9]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Entries dropped").map((s: any) => s.value)).toEqual([null, 0.01]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Request errors by route").map((s: any) => s.value)).toEqual([null, 0.1]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Spans refused and failing to store").map((s: any) => s.value)).toEqual([null, 0.01, 0.01]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Data disk used by node").map((s: any) => s.value)).toEqual([null, 0.8]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Reconciles failing by controller").map((s: any) => s.value)).toEqual([null, 0.1]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Work queue depth by controller").map((s: any) => s.value)).toEqual([null, 10]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Longest-running reconcile").map((s: any) => s.value)).toEqual([null, 600]);
    const changed = buildDashboards(buildAlertCatalog({ ElasticsearchDiskWatermarkNear: { threshold: 0.75 }, LokiRequestErrors: { enabled: false }, EckOperatorReconcileStuck: { threshold: 900 } }));
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Longest-running reconcile", changed).map((s: any) => s.value)).toEqual([null, 900]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Data disk used by node", changed).map((s: any) => s.value)).toEqual([null, 0.75]);
    expect(stepsOf(LOG_TRACE_PIPELINE_UID, "Request errors by route", changed).map((s: any) => s.value)).toEqual([null]);
    const model = dashboards.find((d) => d.uid === LOG_TRACE_PIPELINE_UID)!.model;
    const panelQueries = dashboardQueries(model).filter((q) => q.panelType !== "variable");
    const selectors = panelQueries.flatMap((q) => [...q.expr.matchAll(/\w+\{([^}]*)\}/g)].map((m) => m[1]));
    expect(selectors.length).toBeGreaterThan(20);
    expect(selectors.filter((s) => !s.includes('cluster=~"$cluster"') || !s.includes('environment=~"$environment"'))).toEqual([]);
  });
});

describe("scrape shards", () => {
  const catalog = buildAlertCatalog();
  const queries = (shards: number) => buildDashboards(catalog, shards).flatMap((d) => dashboardQueries(d.model));

  test("one shard draws every panel as before", () => {
    expect(JSON.stringify(buildDashboards(catalog, 1))).toBe(JSON.stringify(buildDashboards(catalog)));
  });

  test("with shards, exactly the panels on recorded per-service and per-model series add the shards' parts up", () => {
    const [one, two] = [queries(1), queries(2)];
    const changed = two.filter((q, i) => q.expr !== one[i].expr);
    expect(changed.map((q) => `${q.dashboard}: ${q.panel}`)).toEqual([
      "novacron-application: p95 response time", "novacron-application: Error rate", "novacron-application: Requests per second",
      "novacron-ml-pipeline: p95 inference latency", "novacron-ml-pipeline: Predictions per second",
    ]);
    for (const q of changed) expect(q.expr).toMatch(/sum without \(shard\) \(/);
    // No panel reads a service's or model's recorded quantile or ratio of one shard's part any more (the SLO
    // dashboard's SLIs are per shard: docs/long-term-storage-and-sizing.md).
    expect(two.filter((q) => /(service|model_name)[\w:]*:(p95|ratio)_rate\w*\{/.test(q.expr) && !/ \* /.test(q.expr)).map((q) => q.panel)).toEqual([]);
  });
});
