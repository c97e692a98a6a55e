// Every dashboard query, as Grafana sends it, parsed by Prometheus' own PromQL parser (the deployed
// version), and every metric it names exported by some part of the stack; the inventory itself checked
// against the sources it names that need no running process (Go module source, README, our ML exporter).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { allValues, buildDashboards, dashboardQueries, exportedMetrics, interpolate, kubeStateMetricsLabels, metricInventory, scopeLabels } from "../../components/grafana";
import { buildAlertCatalog, fullScope, recordingRules } from "../../components/alerts";
import { checkPromql, PromqlResult } from "../helpers/promql";

const repoRoot = path.resolve(__dirname, "..", "..");
const dashboards = buildDashboards();
const queries = dashboards.flatMap((d) => dashboardQueries(d.model).map((q) => ({ ...q, sent: interpolate(q.expr, allValues(d.model)) })));
const id = (q: { dashboard: string; panel: string; refId: string }) => `${q.dashboard} / ${q.panel} / ${q.refId}`;

describe("dashboard queries, parsed by Prometheus' parser", () => {
  const results = checkPromql(queries.map((q) => ({ id: id(q), expr: q.sent })));

  test("there is something to check: every dashboard has panel queries and variables", () => {
    for (const d of dashboards) {
      expect(queries.filter((q) => q.dashboard === d.uid && q.panelType !== "variable").length).toBeGreaterThan(10);
      expect(queries.some((q) => q.dashboard === d.uid && q.panelType === "variable")).toBe(true);
    }
  });

  test("every query parses, with no template variable left in it", () => {
    const failures = results.filter((r) => !r.ok).map((r) => `${r.id}: ${r.error}`);
    expect(failures).toEqual([]);
    // `$1` in label_replace replacements is PromQL's own; any other `$word` would be an unsubstituted variable.
    expect(queries.filter((q) => /\$(?!1")\w/.test(q.sent)).map(id)).toEqual([]);
  });

  test("every selector names its metric, and every metric is exported by some part of the stack", () => {
    const exported = exportedMetrics();
    expect(results.filter((r) => r.unnamedSelectors > 0).map((r) => r.id)).toEqual([]);
    const unknown = results.flatMap((r) => r.metrics.filter((m) => !exported.has(m)).map((m) => `${r.id}: ${m}`));
    expect(unknown).toEqual([]);
  });

  test("the inventory is not padding: every source has metrics a dashboard or an alert uses", () => {
    // Some sources (the kubelet's and API server's own metrics) feed only alerts.
    const rules = checkPromql([...buildAlertCatalog({}, fullScope).map((a) => ({ id: a.name, expr: a.expr })), ...recordingRules.map((r) => ({ id: r.record, expr: r.expr }))]);
    const used = new Set([...results, ...rules].flatMap((r) => r.metrics));
    const perSource = Object.entries(metricInventory).map(([source, entry]) => [source, entry.metrics.filter((m) => used.has(m)).length]);
    for (const [source, count] of perSource) expect([source, count]).not.toEqual([source, 0]);
  });

  test("negative controls: the same checks catch a misspelt metric and a broken query", () => {
    const [typo, broken, leftover] = checkPromql([
      { id: "typo", expr: 'rate(node_cpu_second_total{job="node-exporter"}[1m])' },
      { id: "broken", expr: "sum by (job) (rate(up[5m])" },
      { id: "leftover", expr: interpolate('rate(up{job=~"$job"}[$__rate_interval])', {}) },
    ]);
    expect(typo.ok).toBe(true);
    expect(typo.metrics.filter((m) => !exportedMetrics().has(m))).toEqual(["node_cpu_second_total"]);
    expect(broken).toMatchObject({ ok: false, error: expect.stringMatching(/parse error/) });
    // An unknown variable stays in the query, and a label matcher with "$job" is still PromQL: the variable
    // check above is what catches it.
    expect(leftover.ok).toBe(true);
    expect(/\$\w/.test(interpolate('up{job=~"$job"}', {}))).toBe(true);
  });
});

describe("every selector is scoped to the selected cluster and environment", () => {
  // Parsed with the dashboard variables left in (they sit inside matcher strings), only $__ intervals substituted.
  const withVariables = queries.map((q) => ({ ...q, result: checkPromql([{ id: id(q), expr: interpolate(q.expr, {}) }])[0] }));
  /** The scope variables' own queries: environment lists every environment, cluster those of the selected ones. */
  const exempt: Record<string, readonly string[]> = { [`variable ${scopeLabels.environment}`]: Object.values(scopeLabels), [`variable ${scopeLabels.cluster}`]: [scopeLabels.cluster] };
  /** Selectors of a query missing `<label>=~"$<label>"` for a scope label it must carry. */
  const unscoped = (r: PromqlResult, panel: string) =>
    r.selectors.flatMap((sel) => Object.values(scopeLabels)
      .filter((label) => !(exempt[panel] ?? []).includes(label))
      .filter((label) => !sel.matchers.some((m) => m.name === label && m.type === "=~" && m.value === `$${label}`))
      .map((label) => `${sel.metric} lacks ${label}`));

  test("every dashboard has the environment and cluster variables, first, defaulting to All (which matches a missing label)", () => {
    for (const d of dashboards) {
      const [environment, cluster] = d.model.templating!.list!;
      expect([environment.name, cluster.name]).toEqual([scopeLabels.environment, scopeLabels.cluster]);
      for (const v of [environment, cluster]) expect(v).toMatchObject({ includeAll: true, allValue: ".*", current: { value: "$__all" } });
    }
  });

  test("every selector of every panel and variable query matches cluster and environment on their variables", () => {
    expect(withVariables.filter((q) => !q.result.ok).map((q) => `${id(q)}: ${q.result.error}`)).toEqual([]);
    expect(withVariables.reduce((n, q) => n + q.result.selectors.length, 0)).toBeGreaterThan(queries.length);
    expect(withVariables.flatMap((q) => unscoped(q.result, q.panel).map((problem) => `${id(q)}: ${problem}`))).toEqual([]);
  });

  /** Groupings that would add up or match series of different clusters: by/on without it, without/ignoring with it. */
  const mixing = (r: PromqlResult) => r.groupings
    .filter((g) => (g.kind === "by" || g.kind === "on") !== g.labels.includes(scopeLabels.cluster))
    .map((g) => `${g.kind} (${g.labels.join(", ")})`);

  test("every aggregation with a grouping and every vector match keeps clusters apart (cluster in by/on, never in without/ignoring)", () => {
    expect(withVariables.reduce((n, q) => n + q.result.groupings.length, 0)).toBeGreaterThan(50);
    expect(withVariables.flatMap((q) => mixing(q.result).map((problem) => `${id(q)}: ${problem}`))).toEqual([]);
  });

  test("negative control: groupings that mix clusters are caught", () => {
    const [mixed] = checkPromql([{ id: "mixed", expr: "sum by (job) (up) / on (job) group_left count by (cluster, job) (up) + ignoring (cluster) up - sum without (cluster) (up) and on (cluster) up" }]);
    expect(mixing(mixed).sort()).toEqual(["by (job)", "ignoring (cluster)", "on (job)", "without (cluster)"]);
  });

  test("negative control: a selector without them, or with a fixed value, is caught", () => {
    const [bare, fixed, inner] = checkPromql([
      { id: "bare", expr: 'sum(rate(node_cpu_seconds_total{cluster=~"$cluster"}[5m]))' },
      { id: "fixed", expr: 'up{cluster="prod", environment=~"$environment"}' },
      { id: "inner", expr: 'up{cluster=~"$cluster", environment=~"$environment"} * on (instance) group_left node_uname_info' },
    ]);
    expect(unscoped(bare, "p")).toEqual(["node_cpu_seconds_total lacks environment"]);
    expect(unscoped(fixed, "p")).toEqual(["up lacks cluster"]);
    expect(unscoped(inner, "p")).toEqual(["node_uname_info lacks cluster", "node_uname_info lacks environment"]);
  });
});

describe("the metric inventory matches its sources", () => {
  /** A Go module's source, downloaded through the module proxy and checked against its pinned hash. */
  function moduleSource(module: string, version: string, sum: string): string {
    // The checksum database does not list every module version; the hash pinned here does its job.
    const out = execFileSync("go", ["mod", "download", "-json", `${module}@${version}`], {
      encoding: "utf8", cwd: os.tmpdir(), env: { ...process.env, GONOSUMDB: module }, stdio: ["ignore", "pipe", "pipe"],
    });
    const info = JSON.parse(out) as { Dir: string; Sum: string };
    expect(info.Sum).toBe(sum);
    return info.Dir;
  }
  const readAll = (dir: string, filter: (file: string) => boolean) =>
    (fs.readdirSync(dir, { recursive: true }) as string[]).filter(filter).map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("\n");

  test("cAdvisor: every metric is defined in cadvisor's metrics/prometheus.go at the pinned image's version", () => {
    const { images } = require("../../components/images") as typeof import("../../components/images");
    const version = images.cadvisor.split(":").pop()!;
    expect(version).toBe("v0.52.1");
    const dir = moduleSource("github.com/google/cadvisor", version, "h1:sC8SZ6jio9ds+P2dk51bgbeYeufxo55n0X3tmrpA9as=");
    const source = fs.readFileSync(path.join(dir, "metrics", "prometheus.go"), "utf8");
    const defined = new Set([...source.matchAll(/name:\s*"(container_\w+)"/g)].map((m) => m[1]));
    expect(defined.size).toBeGreaterThan(50);
    expect(metricInventory.cadvisor.metrics.filter((m) => !defined.has(m))).toEqual([]);
  });

  test("kube-state-metrics: every metric is defined in its stores at the pinned image's version", () => {
    const { images } = require("../../components/images") as typeof import("../../components/images");
    const version = images.kubeStateMetrics.split(":").pop()!;
    const dir = moduleSource("k8s.io/kube-state-metrics/v2", version, "h1:9odhnjtWSngkq/6Maw9m0Fi9dH8DM4M/lQw/XCspAqk=");
    const source = readAll(path.join(dir, "internal", "store"), (f) => f.endsWith(".go") && !f.endsWith("_test.go"));
    const defined = new Set([...source.matchAll(/"(kube_\w+)"/g)].map((m) => m[1]));
    expect(metricInventory["kube-state-metrics"].metrics.filter((m) => !defined.has(m))).toEqual([]);
  });

  test("kube-state-metrics: every label the alerts use is written by its metric's generator (or its kind's default labels)", () => {
    const { images } = require("../../components/images") as typeof import("../../components/images");
    const version = images.kubeStateMetrics.split(":").pop()!;
    const dir = moduleSource("k8s.io/kube-state-metrics/v2", version, "h1:9odhnjtWSngkq/6Maw9m0Fi9dH8DM4M/lQw/XCspAqk=");
    const storeDir = path.join(dir, "internal", "store");
    const files = (fs.readdirSync(storeDir) as string[]).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go")).map((f) => fs.readFileSync(path.join(storeDir, f), "utf8"));
    /** The labels a metric's generator writes: quoted names from its name to the next generator, and the kind's defaults. */
    const labelsWritten = (metric: string): Set<string> => {
      const file = files.find((text) => text.includes(`"${metric}"`));
      if (!file) return new Set();
      const start = file.indexOf(`"${metric}"`) + metric.length + 2;
      const next = file.indexOf("NewFamilyGenerator", start);
      const block = file.slice(start, next === -1 ? undefined : next);
      const defaults = /desc\w+LabelsDefaultLabels\s*=\s*\[\]string\{([^}]*)\}/.exec(file)?.[1] ?? "";
      return new Set([...`${block} ${defaults}`.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]));
    };
    const missing = Object.entries(kubeStateMetricsLabels).flatMap(([metric, labels]) => {
      const written = labelsWritten(metric);
      return labels.filter((label) => !written.has(label)).map((label) => `${metric}: ${label}`);
    });
    expect(missing).toEqual([]);
    // The check can fail: a label of another metric, and one no generator writes.
    expect(labelsWritten("kube_pod_status_phase").has("reason")).toBe(false);
    expect(labelsWritten("kube_deployment_spec_replicas").has("condition")).toBe(false);
    expect(labelsWritten("kube_pod_container_status_last_terminated_reason").has("reason")).toBe(true);
  });

  test("kube-state-metrics: every label an alert selects or matches on a KSM series is in the label inventory", () => {
    // The workload alerts' labels are inventoried here; the cluster alerts (rules/kubernetes-cluster.ts) are not yet.
    const { alertCatalog: catalog } = require("../../components/alerts") as typeof import("../../components/alerts");
    const { kubernetesWorkloadRules } = require("../../components/alerts/rules/kubernetes-workloads") as typeof import("../../components/alerts/rules/kubernetes-workloads");
    const { defaultThresholds, fullScope: scope } = require("../../components/alerts") as typeof import("../../components/alerts");
    const workload = new Set(kubernetesWorkloadRules(defaultThresholds, scope).map((rule) => rule.name));
    const alertCatalog = catalog.filter((alert) => workload.has(alert.name));
    const targetLabels = new Set(["job", "instance"]);
    const problems: string[] = [];
    for (const alert of alertCatalog) {
      const metrics = [...alert.expr.matchAll(/\b(kube_\w+)\{/g)].map((m) => m[1]);
      if (metrics.length === 0) continue;
      const known = new Set(metrics.flatMap((m) => kubeStateMetricsLabels[m] ?? []));
      // Matchers inside selectors, and the label lists of by/on/ignoring/group_left/without.
      const matchers = [...alert.expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...m[1].matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]));
      const grouped = [...alert.expr.matchAll(/\b(?:by|on|ignoring|group_left|group_right|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(",").map((l) => l.trim()).filter(Boolean));
      // label_replace writes its target label itself; its source must be known.
      const replaced = [...alert.expr.matchAll(/,\s*"(\w+)",\s*"\$1",\s*"(\w+)",\s*"/g)];
      const written = new Set(replaced.map((m) => m[1]));
      for (const label of [...matchers, ...grouped, ...replaced.map((m) => m[2])]) {
        if (!targetLabels.has(label) && !known.has(label) && !written.has(label)) problems.push(`${alert.name}: ${label}`);
      }
      for (const metric of metrics) if (!kubeStateMetricsLabels[metric]) problems.push(`${alert.name}: ${metric} has no label inventory`);
    }
    expect(problems).toEqual([]);
  });

  test("Elasticsearch exporter: every metric is in its collectors' expected exposition at the pinned image's version", () => {
    const { images } = require("../../components/images") as typeof import("../../components/images");
    const version = images.elasticsearchExporter.split(":").pop()!;
    expect(version).toBe("v1.11.0");
    const dir = moduleSource("github.com/prometheus-community/elasticsearch_exporter", version, "h1:n4pQWjNZdFGTHiZxvSNXEuF7az2TPWcPcoTWQjk+L5I=");
    // The collectors' tests compare the real collector output against these exposition texts.
    const source = readAll(path.join(dir, "collector"), (f) => f.endsWith("_test.go"));
    const defined = new Set([...source.matchAll(/# TYPE (elasticsearch_\w+) /g)].map((m) => m[1]));
    expect(defined.size).toBeGreaterThan(100);
    expect(metricInventory["elasticsearch-exporter"].metrics.filter((m) => !defined.has(m))).toEqual([]);
  });

  /** Prometheus client metric names declared with `Name: "..."`, histograms expanded into their series. */
  const declaredNames = (source: string, prefix = "") => {
    const names = new Set<string>();
    for (const m of source.matchAll(/New(Counter|Gauge|Histogram)(?:Vec)?\(prometheus\.\w+Opts\{[^}]*?Name:\s*"(\w+)"/g)) {
      const name = prefix + m[2];
      if (m[1] === "Histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
      else names.add(name);
    }
    return names;
  };

  test("Alloy: every metric is declared by loki.write's client at the pinned image's version", () => {
    const { images } = require("../../components/images") as typeof import("../../components/images");
    const version = images.alloy.split(":").pop()!;
    const dir = moduleSource("github.com/grafana/alloy", version, "h1:Z7oJgYfpubg/OHPyY2CJe/c8CVsz+9TswbFkYozz6cY=");
    const source = readAll(path.join(dir, "internal", "component", "common", "loki", "client"), (f) => f.endsWith(".go") && !f.endsWith("_test.go"));
    const defined = declaredNames(source);
    expect(defined.has("loki_write_sent_entries_total")).toBe(true);
    expect(metricInventory.alloy.metrics.filter((m) => !defined.has(m))).toEqual([]);
  });

  // Loki is AGPL: its source is downloaded and read as text, never built or linked.
  test("Loki: every metric is declared in its source (or dskit's HTTP server, under Loki's namespace) at the pinned image's version", () => {
    const { images } = require("../../components/images") as typeof import("../../components/images");
    const version = `v${images.loki.split(":").pop()!}`;
    expect(version).toBe("v3.7.8");
    const loki = moduleSource("github.com/grafana/loki/v3", version, "h1:bJ0WFWVOjgvG/jYmT9fIX15SYXXDwuEu/IMgTwMA97U=");
    const read = (...parts: string[]) => fs.readFileSync(path.join(loki, ...parts), "utf8");
    expect(read("pkg", "util", "constants", "metrics_namespace.go")).toMatch(/Loki\s*=\s*"loki"/);
    // Loki's own metrics: declared with Namespace constants.Loki.
    const own = [read("pkg", "validation", "validate.go"), read("pkg", "loghttp", "push", "push.go")].join("\n");
    const defined = new Set([...own.matchAll(/Namespace:\s*constants\.Loki,\s*Name:\s*"(\w+)"/g)].map((m) => `loki_${m[1]}`));
    // The HTTP server's: dskit's server, which Loki gives its namespace.
    expect(read("pkg", "loki", "loki.go")).toContain("c.Server.MetricsNamespace = constants.Loki");
    const dskitVersion = /github\.com\/grafana\/dskit (v\S+)/.exec(read("go.mod"))![1];
    expect(read("go.mod")).not.toMatch(/replace[^\n]*grafana\/dskit/);
    const dskit = moduleSource("github.com/grafana/dskit", dskitVersion, "h1:a/GywXjGvbhyra9fG7vqe8fN1xnNbCVIjWluZwus8d4=");
    for (const name of declaredNames(fs.readFileSync(path.join(dskit, "server", "metrics.go"), "utf8"), "loki_")) defined.add(name);
    expect(defined.has("loki_request_duration_seconds_count")).toBe(true);
    expect(metricInventory.loki.metrics.filter((m) => !defined.has(m))).toEqual([]);
  });

  // ECK is under the Elastic License 2.0: its module is downloaded for its go.mod and read, never built or linked.
  test("ECK operator: every metric is declared by the controller-runtime that ECK's go.mod pins at the chart's version", () => {
    const { ECK_CHART } = require("../../components/elasticsearch/eck-operator") as typeof import("../../components/elasticsearch/eck-operator");
    expect(ECK_CHART.version).toBe("3.5.0");
    const eck = moduleSource("github.com/elastic/cloud-on-k8s/v3", `v${ECK_CHART.version}`, "h1:sR4oj+gNnwI9hgsKhBwjUlx+5F2T/kND40hrzaogtek=");
    const goMod = fs.readFileSync(path.join(eck, "go.mod"), "utf8");
    const version = /^\s*sigs\.k8s\.io\/controller-runtime (v\S+)/m.exec(goMod)![1];
    expect(version).toBe("v0.24.1");
    expect(goMod).not.toMatch(/=>\s*\S*controller-runtime/);
    // The operator serves controller-runtime's registry on its metrics port (the manager's metrics server).
    expect(fs.readFileSync(path.join(eck, "cmd", "manager", "main.go"), "utf8")).toMatch(/opts\.Metrics = metricsserver\.Options\{/);
    const cr = moduleSource("sigs.k8s.io/controller-runtime", version, "h1:miPEwrmirImAvgME1L9qebGHrOnGJoVmVdtOU9fRfo4=");
    const read = (...parts: string[]) => fs.readFileSync(path.join(cr, ...parts), "utf8");
    // The controllers' own: declared with literal names.
    const defined = declaredNames(read("pkg", "internal", "controller", "metrics", "metrics.go"));
    // The work queues': subsystem "workqueue" and a name constant, both in pkg/metrics/workqueue.go.
    const constants = new Map([...read("pkg", "metrics", "workqueue.go").matchAll(/(\w+)\s*=\s*"(\w+)"/g)].map((m) => [m[1], m[2]]));
    for (const m of read("pkg", "internal", "metrics", "workqueue.go").matchAll(/New(Gauge|Counter|Histogram)Vec\(prometheus\.\w+Opts\{\s*Subsystem:\s*WorkQueueSubsystem,\s*Name:\s*(\w+)Key,/g)) {
      const name = `${constants.get("WorkQueueSubsystem")}_${constants.get(`${m[2]}Key`)}`;
      for (const series of m[1] === "Histogram" ? ["_bucket", "_sum", "_count"].map((suffix) => name + suffix) : [name]) defined.add(series);
    }
    expect(defined.has("workqueue_depth")).toBe(true);
    expect(defined.has("controller_runtime_reconcile_total")).toBe(true);
    expect(defined.has("controller_runtime_reconcile_eror_total")).toBe(false); // a typo is not found
    expect(metricInventory["eck-operator"].metrics.filter((m) => !defined.has(m))).toEqual([]);
  });

  test("kubelet and API server: every metric is in Kubernetes' own metric list at KUBERNETES_VERSION", () => {
    const version = fs.readFileSync(path.join(repoRoot, "scripts", "versions.env"), "utf8").match(/^KUBERNETES_VERSION=(.+)$/m)![1];
    expect(version).toBe("1.34.4");
    const dir = moduleSource("k8s.io/kubernetes", `v${version}`, "h1:Yy6R4QB8C9kJPp25GFqEvX5XQwY5qzKeqD0Xx6oAcmk=");
    // Generated by test/instrumentation from every metric the components register: namespace_subsystem_name.
    type Documented = { name: string; namespace?: string; subsystem?: string; type: string };
    const list = parse(fs.readFileSync(path.join(dir, "test", "instrumentation", "documentation", "documentation-list.yaml"), "utf8")) as Documented[];
    const defined = new Set<string>();
    for (const m of list) {
      const name = [m.namespace, m.subsystem, m.name].filter(Boolean).join("_");
      const series = /histogram/i.test(m.type) ? ["_bucket", "_sum", "_count"].map((suffix) => name + suffix) : [name];
      series.forEach((s) => defined.add(s));
    }
    expect(defined.size).toBeGreaterThan(400);
    expect(defined.has("kubelet_volume_stats_availble_bytes")).toBe(false); // a typo is not found
    expect(metricInventory.kubelet.metrics.filter((m) => !defined.has(m))).toEqual([]);
    expect(metricInventory["kube-apiserver"].metrics.filter((m) => !defined.has(m))).toEqual([]);
    // Each source's names are its own component's.
    expect(metricInventory.kubelet.metrics.filter((m) => !m.startsWith("kubelet_"))).toEqual([]);
    expect(metricInventory["kube-apiserver"].metrics.filter((m) => !/^(apiserver|aggregator)_/.test(m))).toEqual([]);
  });

  test("NovaCron services: the inventory is the README's metric contract", () => {
    const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Metric contract"), readme.indexOf("\n## ", readme.indexOf("## Metric contract") + 5));
    const rows = section.split("\n").filter((l) => l.startsWith("| `"));
    const contract = new Set<string>();
    for (const line of rows) {
      const [names, type] = line.split("|").slice(1, 3);
      for (const [, name] of names.matchAll(/`(\w+)`/g)) {
        if (/histogram/.test(type)) ["_bucket", "_sum", "_count"].forEach((s) => contract.add(name + s));
        else contract.add(name);
      }
    }
    expect(metricInventory["novacron-services"].metrics.filter((m) => !contract.has(m))).toEqual([]);
  });

  test("ML model exporter: every metric is rendered by the exporter's own code", () => {
    const exporterDir = path.join(repoRoot, "exporters", "ml-model");
    const { renderMlMetrics } = require(path.join(exporterDir, "src", "ml-metrics.ts")) as typeof import("../../exporters/ml-model/src/ml-metrics");
    const snapshot = JSON.parse(fs.readFileSync(path.join(exporterDir, "test", "fixtures", "snapshot.json"), "utf8"));
    const body = renderMlMetrics(snapshot, 10_000).body.toString("utf8");
    const rendered = new Set([...body.matchAll(/^(\w+)[{ ]/gm)].map((m) => m[1]));
    // The exporter's own health gauges are registered by name in exporter-metrics.ts (prom-client renders them).
    const health = fs.readFileSync(path.join(exporterDir, "src", "exporter-metrics.ts"), "utf8");
    for (const [, name] of health.matchAll(/name: "(ml_exporter_\w+)"/g)) rendered.add(name);
    expect(metricInventory["ml-model-exporter"].metrics.filter((m) => !rendered.has(m))).toEqual([]);
  });
});
