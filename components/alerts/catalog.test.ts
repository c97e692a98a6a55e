// The catalog against the seed's written spec: the tables below are typed by hand from the seed README and
// the meta-monitoring brief, deliberately not derived from the catalog.
import { alertCatalog, buildAlertCatalog, defaultThresholds, durationSeconds, fullScope, recordingRules, renderInhibitRules } from "./index";
import type { AlertDefinition, AlertDomain, Severity } from "./index";
import { lineRules, renderFilter } from "../log-parsing";

type Unit = "ratio" | "seconds" | "age" | "count" | "days";
interface Expected {
  domain: AlertDomain;
  severity: Severity;
  for: string;
  threshold?: number;
  unit?: Unit;
}

const seedAlerts: Record<string, Expected> = {
  HighCPUUsage: { domain: "infrastructure", severity: "warning", for: "2m", threshold: 0.8, unit: "ratio" },
  CriticalCPUUsage: { domain: "infrastructure", severity: "critical", for: "1m", threshold: 0.95, unit: "ratio" },
  HighMemoryUsage: { domain: "infrastructure", severity: "warning", for: "2m", threshold: 0.85, unit: "ratio" },
  HighDiskUsage: { domain: "infrastructure", severity: "warning", for: "2m", threshold: 0.8, unit: "ratio" },
  NodeDown: { domain: "infrastructure", severity: "critical", for: "30s" },
  ApplicationDown: { domain: "application", severity: "critical", for: "30s" },
  HighResponseTime: { domain: "application", severity: "warning", for: "2m", threshold: 1, unit: "seconds" },
  HighErrorRate: { domain: "application", severity: "critical", for: "2m", threshold: 0.05, unit: "ratio" },
  VMCreationFailure: { domain: "application", severity: "warning", for: "0s", threshold: 3, unit: "count" },
  MigrationFailure: { domain: "application", severity: "critical", for: "0s", threshold: 0, unit: "count" },
  ModelPerformanceDegradation: { domain: "ml", severity: "warning", for: "5m", threshold: 0.85, unit: "ratio" },
  DataDriftDetected: { domain: "ml", severity: "warning", for: "5m", threshold: 0.3, unit: "ratio" },
  ModelTrainingFailure: { domain: "ml", severity: "warning", for: "0s", threshold: 2, unit: "count" },
  HighInferenceLatency: { domain: "ml", severity: "warning", for: "2m", threshold: 1, unit: "seconds" },
};

const stackAlerts: Record<string, Expected> = {
  Watchdog: { domain: "stack", severity: "none", for: "0s" },
  TargetDown: { domain: "stack", severity: "warning", for: "10m", threshold: 0.1, unit: "ratio" },
  PrometheusConfigReloadFailed: { domain: "stack", severity: "critical", for: "2m" },
  PrometheusRuleEvaluationFailures: { domain: "stack", severity: "warning", for: "15m", threshold: 0, unit: "count" },
  PrometheusNotConnectedToAlertmanagers: { domain: "stack", severity: "warning", for: "10m", threshold: 1, unit: "count" },
  PrometheusNotificationsFailing: { domain: "stack", severity: "critical", for: "10m", threshold: 0.01, unit: "ratio" },
  AlertmanagerConfigReloadFailed: { domain: "stack", severity: "critical", for: "2m" },
  AlertmanagerFailingToSendNotifications: { domain: "stack", severity: "warning", for: "5m", threshold: 0.01, unit: "ratio" },
  AlertmanagerClusterMembersInconsistent: { domain: "stack", severity: "warning", for: "10m" },
  ExporterDown: { domain: "stack", severity: "warning", for: "2m" },
  MLExporterUpstreamDown: { domain: "stack", severity: "warning", for: "2m" },
  EndpointProbeFailed: { domain: "stack", severity: "critical", for: "1m" },
};

// The workload alerts of issue 14 (rules/kubernetes-workloads.ts): `for` and severity as kubernetes-mixin
// chooses them unless the rule says why not; thresholds with their units.
const workloadAlerts: Record<string, Expected> = {
  KubePodCrashLooping: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubePodNotReady: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubePodOOMKilled: { domain: "kubernetes", severity: "warning", for: "0s" },
  KubeContainerRestartingOften: { domain: "kubernetes", severity: "warning", for: "0s", threshold: 3, unit: "count" },
  KubeDeploymentGenerationMismatch: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeDeploymentReplicasMismatch: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeDeploymentRolloutStuck: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeStatefulSetGenerationMismatch: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeStatefulSetReplicasMismatch: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeStatefulSetUpdateNotRolledOut: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeDaemonSetRolloutStuck: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeDaemonSetNotScheduled: { domain: "kubernetes", severity: "warning", for: "10m" },
  KubeJobFailed: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeJobNotCompleted: { domain: "kubernetes", severity: "warning", for: "0s", threshold: 43_200, unit: "age" },
  KubeCronJobSuspended: { domain: "kubernetes", severity: "info", for: "1h" },
  KubeCronJobLate: { domain: "kubernetes", severity: "warning", for: "0s", threshold: 3_600, unit: "age" },
  KubeHpaMaxedOut: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeHpaReplicasMismatch: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeQuotaAlmostFull: { domain: "kubernetes", severity: "info", for: "15m", threshold: 0.9, unit: "ratio" },
  KubeQuotaExceeded: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeCPUOvercommit: { domain: "kubernetes", severity: "warning", for: "10m" },
  KubeMemoryOvercommit: { domain: "kubernetes", severity: "warning", for: "10m" },
  CPUThrottlingHigh: { domain: "kubernetes", severity: "info", for: "15m", threshold: 0.25, unit: "ratio" },
};

// The default SLOs' burn alerts (components/slo): the fast burn pages, the slow burn opens a ticket.
const sloAlerts: Record<string, Expected> = {
  ApiAvailabilityErrorBudgetFastBurn: { domain: "application", severity: "critical", for: "2m" },
  ApiAvailabilityErrorBudgetSlowBurn: { domain: "application", severity: "warning", for: "15m" },
  ApiLatencyErrorBudgetFastBurn: { domain: "application", severity: "critical", for: "2m" },
  ApiLatencyErrorBudgetSlowBurn: { domain: "application", severity: "warning", for: "15m" },
};

// The stack's own log and trace pipeline (issue 14): thresholds and durations as the Loki, Promtail and
// Elasticsearch mixins choose them where they have one.
const pipelineAlerts: Record<string, Expected> = {
  LogShipperDroppingLogs: { domain: "stack", severity: "warning", for: "10m", threshold: 0.01, unit: "ratio" },
  LogShipperRequestErrors: { domain: "stack", severity: "warning", for: "15m", threshold: 0.1, unit: "ratio" },
  LokiRequestErrors: { domain: "stack", severity: "critical", for: "15m", threshold: 0.1, unit: "ratio" },
  LokiIngestionRejected: { domain: "stack", severity: "warning", for: "15m", threshold: 0.01, unit: "ratio" },
  JaegerSpansRefused: { domain: "stack", severity: "warning", for: "10m", threshold: 0.01, unit: "ratio" },
  JaegerSpanExportFailing: { domain: "stack", severity: "warning", for: "10m", threshold: 0.01, unit: "ratio" },
  ElasticsearchClusterRed: { domain: "stack", severity: "critical", for: "5m" },
  ElasticsearchClusterYellow: { domain: "stack", severity: "warning", for: "20m" },
  ElasticsearchDiskWatermarkNear: { domain: "stack", severity: "warning", for: "15m", threshold: 0.8, unit: "ratio" },
  LogstashDown: { domain: "stack", severity: "warning", for: "5m" },
  LogstashPipelineStalled: { domain: "stack", severity: "warning", for: "15m" },
  LogstashLinesUnparsed: { domain: "stack", severity: "warning", for: "30m", threshold: 0.1, unit: "ratio" },
  LogstashQueueFillingUp: { domain: "stack", severity: "warning", for: "15m", threshold: 0.8, unit: "ratio" },
  LogstashJvmHeapHigh: { domain: "stack", severity: "warning", for: "10m", threshold: 0.9, unit: "ratio" },
  GrafanaDown: { domain: "stack", severity: "warning", for: "5m" },
  GrafanaRequestErrors: { domain: "stack", severity: "warning", for: "15m", threshold: 0.05, unit: "ratio" },
};

// The ECK operator (issue 14), in the catalog when the stack runs it (scope.eckOperator): controller-runtime's
// reconcile and work-queue metrics, warnings all (Elasticsearch keeps serving while its operator is away).
const eckOperatorAlerts: Record<string, Expected> = {
  EckOperatorDown: { domain: "stack", severity: "warning", for: "10m" },
  EckOperatorReconcileErrors: { domain: "stack", severity: "warning", for: "15m", threshold: 0.1, unit: "ratio" },
  EckOperatorWorkqueueBackingUp: { domain: "stack", severity: "warning", for: "15m", threshold: 10, unit: "count" },
  EckOperatorReconcileStuck: { domain: "stack", severity: "warning", for: "5m", threshold: 600, unit: "age" },
};

// Issue 14's storage, node and control-plane alerts, after kubernetes-mixin's choices where it has them.
const kubernetesClusterAlerts: Record<string, Expected> = {
  KubePersistentVolumeFillingUp: { domain: "kubernetes", severity: "critical", for: "1m", threshold: 0.03, unit: "ratio" },
  KubePersistentVolumeFillingUpPredicted: { domain: "kubernetes", severity: "warning", for: "1h", threshold: 0.15, unit: "ratio" },
  KubePersistentVolumeInodesFillingUp: { domain: "kubernetes", severity: "critical", for: "1m", threshold: 0.03, unit: "ratio" },
  KubePersistentVolumeErrors: { domain: "kubernetes", severity: "critical", for: "5m" },
  KubeNodeNotReady: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeNodeUnschedulable: { domain: "kubernetes", severity: "info", for: "1h" },
  KubeNodeReadinessFlapping: { domain: "kubernetes", severity: "warning", for: "15m", threshold: 2, unit: "count" },
  NodeFilesystemSpaceFillingUp: { domain: "kubernetes", severity: "warning", for: "1h", threshold: 0.4, unit: "ratio" },
  NodeClockSkewDetected: { domain: "kubernetes", severity: "warning", for: "10m", threshold: 0.05, unit: "seconds" },
  NodeClockNotSynchronising: { domain: "kubernetes", severity: "warning", for: "10m" },
  KubeletTooManyPods: { domain: "kubernetes", severity: "info", for: "15m", threshold: 0.95, unit: "ratio" },
  KubeletDown: { domain: "kubernetes", severity: "critical", for: "15m" },
  KubeAPIDown: { domain: "kubernetes", severity: "critical", for: "15m" },
  KubeAPIErrorsHigh: { domain: "kubernetes", severity: "warning", for: "10m", threshold: 0.03, unit: "ratio" },
  KubeAPILatencyHigh: { domain: "kubernetes", severity: "warning", for: "10m", threshold: 1, unit: "seconds" },
  KubeClientCertificateExpiration: { domain: "kubernetes", severity: "warning", for: "5m", threshold: 7, unit: "days" },
  KubeletClientCertificateExpiration: { domain: "kubernetes", severity: "warning", for: "5m", threshold: 7, unit: "days" },
  KubeletClientCertificateRenewalErrors: { domain: "kubernetes", severity: "warning", for: "15m" },
  KubeAggregatedAPIErrors: { domain: "kubernetes", severity: "warning", for: "0s", threshold: 4, unit: "count" },
  KubeAggregatedAPIDown: { domain: "kubernetes", severity: "warning", for: "10m" },
};

// Thanos watching itself (issue 13), in the catalog when the stack runs Thanos (scope.thanos).
const thanosAlerts: Record<string, Expected> = {
  ThanosSidecarPrometheusDown: { domain: "stack", severity: "warning", for: "5m" },
  ThanosSidecarUploadsFailing: { domain: "stack", severity: "warning", for: "15m", threshold: 0, unit: "count" },
  ThanosSidecarNoRecentUpload: { domain: "stack", severity: "warning", for: "10m" },
  ThanosCompactorHalted: { domain: "stack", severity: "warning", for: "5m" },
  ThanosCompactorFailing: { domain: "stack", severity: "warning", for: "30m" },
  ThanosBucketOperationsFailing: { domain: "stack", severity: "warning", for: "15m", threshold: 0.05, unit: "ratio" },
  ThanosStoreGatewayGrpcErrors: { domain: "stack", severity: "warning", for: "5m", threshold: 0.05, unit: "ratio" },
  ThanosQueryHttpErrors: { domain: "stack", severity: "warning", for: "5m", threshold: 0.05, unit: "ratio" },
  ThanosQueryStoreApiErrors: { domain: "stack", severity: "warning", for: "5m", threshold: 0.05, unit: "ratio" },
  ThanosQueryStoreEndpointsMissing: { domain: "stack", severity: "warning", for: "10m" },
};

const expected = { ...seedAlerts, ...stackAlerts, ...workloadAlerts, ...kubernetesClusterAlerts, ...thanosAlerts, ...sloAlerts, ...pipelineAlerts, ...eckOperatorAlerts };
const byName = new Map(alertCatalog.map((alert) => [alert.name, alert]));
const alertNamed = (name: string): AlertDefinition => {
  const alert = byName.get(name);
  if (!alert) throw new Error(`no alert ${name} in the catalog`);
  return alert;
};

describe("alert catalog", () => {
  it("has unique alert names", () => {
    expect(byName.size).toBe(alertCatalog.length);
  });

  const specified = (name: string, spec: (typeof expected)[keyof typeof expected]) => {
    const alert = alertNamed(name);
    expect({ domain: alert.domain, severity: alert.severity, for: alert.for, threshold: alert.threshold }).toEqual({
      domain: spec.domain,
      severity: spec.severity,
      for: spec.for,
      threshold: spec.threshold,
    });
  };
  it.each(Object.entries(seedAlerts))("has the seed's %s with its exact threshold, duration and severity", specified);
  it.each(Object.entries(stackAlerts))("has the meta-monitoring alert %s", specified);
  it.each(Object.entries(workloadAlerts))("has the Kubernetes workload alert %s", specified);
  it.each(Object.entries(sloAlerts))("has the SLO burn alert %s", specified);
  it.each(Object.entries(pipelineAlerts))("has the pipeline alert %s", specified);
  it.each(Object.entries(kubernetesClusterAlerts))("has the Kubernetes storage, node or control-plane alert %s", specified);
  it.each(Object.entries(thanosAlerts))("has the Thanos alert %s", specified);
  it.each(Object.entries(eckOperatorAlerts))("has the ECK operator alert %s", specified);

  it("has no alert the tables above do not specify", () => {
    expect(alertCatalog.map((alert) => alert.name).sort()).toEqual(Object.keys(expected).sort());
  });

  it("keeps the seed's exact selectors for the availability alerts", () => {
    expect(alertNamed("NodeDown").expr).toBe('up{job="node-exporter"} == 0');
    expect(alertNamed("ExporterDown").expr).toBe('up{job=~"cadvisor|kube-state-metrics|blackbox-exporter|novacron-ml-model-exporter"} == 0');
    expect(alertNamed("MLExporterUpstreamDown").expr).toContain("ml_exporter_up");
    expect(alertNamed("EndpointProbeFailed").expr).toContain("probe_success");
  });

  it("states ratio thresholds as 0..1, never as percentages", () => {
    for (const [name, spec] of Object.entries(expected)) {
      if (spec.unit !== "ratio") continue;
      const threshold = alertNamed(name).threshold;
      expect(threshold).toBeGreaterThanOrEqual(0);
      expect(threshold).toBeLessThanOrEqual(1);
    }
  });

  it.each(alertCatalog.filter((alert) => alert.threshold !== undefined).map((alert) => [alert.name, alert] as const))(
    "builds %s's expression from its threshold",
    (_, alert) => {
      expect(alert.expr).toMatch(new RegExp(` [<>] ${String(alert.threshold).replace(".", "\\.")}$`));
    },
  );

  it("changes only the overridden alert when a threshold changes", () => {
    const changed = buildAlertCatalog({ HighDiskUsage: { threshold: 0.9 } });
    for (const [index, alert] of changed.entries()) {
      const original = alertCatalog[index];
      if (alert.name === "HighDiskUsage") {
        expect(alert.threshold).toBe(0.9);
        expect(alert.expr).toBe(original.expr.replace("> 0.8", "> 0.9"));
      } else {
        expect(alert).toEqual(original);
      }
    }
  });

  it("covers every threshold in defaultThresholds with an alert of that name", () => {
    for (const name of Object.keys(defaultThresholds)) expect(alertNamed(name).threshold).toBeDefined();
  });

  describe.each(alertCatalog.map((alert) => [alert.name, alert] as const))("%s", (name, alert) => {
    it("has a summary and a description", () => {
      expect(alert.summary.trim()).not.toBe("");
      expect(alert.description.trim().length).toBeGreaterThan(alert.summary.trim().length);
    });

    it("has a firing and (unless it is the always-firing Watchdog) a quiet promtool case", () => {
      expect(alert.tests.some((testCase) => testCase.fires)).toBe(true);
      if (name === "Watchdog") expect(alert.tests.every((testCase) => testCase.fires)).toBe(true);
      else expect(alert.tests.some((testCase) => !testCase.fires)).toBe(true);
    });

    it("gives every firing case the labels its annotations template", () => {
      const used = [...`${alert.summary} ${alert.description}`.matchAll(/\$labels\.(\w+)/g)].map((match) => match[1]);
      for (const testCase of alert.tests.filter((c) => c.fires)) {
        for (const label of used) expect(testCase.expectedLabels ?? {}).toHaveProperty(label);
      }
    });

    if (durationSeconds(alert.for) > 0) {
      it("proves its `for`: the same input is still pending one evaluation before it fires", () => {
        const proven = alert.tests.some(
          (firing) =>
            firing.fires &&
            durationSeconds(firing.evalTime) >= durationSeconds(alert.for) &&
            alert.tests.some(
              (pending) =>
                !pending.fires &&
                pending.series === firing.series &&
                durationSeconds(pending.evalTime) === durationSeconds(firing.evalTime) - 15,
            ),
        );
        expect(proven).toBe(true);
      });
    }
  });

  it("references only recording rules of the alert's own domain (the rule file promtool loads)", () => {
    const recordedIn = new Map<string, Set<string>>();
    for (const rule of recordingRules) recordedIn.set(rule.record, new Set([...(recordedIn.get(rule.record) ?? []), rule.domain]));
    for (const alert of alertCatalog) {
      for (const [name] of alert.expr.matchAll(/[a-z_]+:[a-z0-9_]+:[a-z0-9_]+/g)) {
        expect({ alert: alert.name, record: name, domains: [...(recordedIn.get(name) ?? [])] }).toEqual({ alert: alert.name, record: name, domains: [alert.domain] });
      }
    }
  });

  it("names recording rules level:metric:operations, uniquely (SLOs share names, told apart by their slo label)", () => {
    const names = recordingRules.map((rule) => `${rule.record}${JSON.stringify(rule.labels ?? {})}`);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of recordingRules) expect(rule.record).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
  });

  it("uses range windows of at least four 15s scrapes", () => {
    const exprs = [...alertCatalog.map((alert) => alert.expr), ...recordingRules.map((rule) => rule.expr)];
    const windows = exprs.flatMap((expr) => [...expr.matchAll(/\[(\w+)\]/g)].map((match) => match[1]));
    expect(windows.length).toBeGreaterThan(0);
    for (const window of windows) expect(durationSeconds(window)).toBeGreaterThanOrEqual(4 * 15);
  });

  it("declares inhibitions between alerts that share the labels they are matched on", () => {
    for (const source of alertCatalog.filter((alert) => alert.inhibits?.length)) {
      const equal = source.inhibitEqual ?? [];
      expect(equal.length).toBeGreaterThan(0);
      const labelsOf = (alert: AlertDefinition) => alert.tests.find((testCase) => testCase.fires)?.expectedLabels ?? {};
      for (const target of source.inhibits ?? []) {
        for (const label of equal) {
          expect(labelsOf(source)).toHaveProperty(label);
          expect(labelsOf(alertNamed(target))).toHaveProperty(label);
        }
      }
    }
    expect(alertNamed("CriticalCPUUsage").inhibits).toEqual(["HighCPUUsage"]);
    expect(alertNamed("NodeDown").inhibits?.slice().sort()).toEqual(["CriticalCPUUsage", "HighCPUUsage", "HighDiskUsage", "HighMemoryUsage"]);
    expect(alertNamed("KubePodCrashLooping").inhibits).toEqual(["KubeContainerRestartingOften"]);
    expect(alertNamed("KubeQuotaExceeded").inhibits).toEqual(["KubeQuotaAlmostFull"]);
    expect(alertNamed("KubePersistentVolumeFillingUp").inhibits).toEqual(["KubePersistentVolumeFillingUpPredicted"]);
  });

  it("selects the Kubernetes alerts on the jobs Prometheus really scrapes", () => {
    // Typed by hand from render-config.ts's job names, not imported: a renamed job must fail here.
    const scraped = new Set(["kubelet", "apiserver", "kube-state-metrics", "node-exporter"]);
    for (const name of Object.keys(kubernetesClusterAlerts)) {
      const selected = [...alertNamed(name).expr.matchAll(/job="([^"]+)"/g)].map((match) => match[1]);
      expect({ name, selected: selected.length > 0 }).toEqual({ name, selected: true });
      for (const job of selected) expect({ name, job, scraped: scraped.has(job) }).toEqual({ name, job, scraped: true });
    }
  });
});

describe("a managed control plane (EKS, GKE, AKS)", () => {
  const managed = buildAlertCatalog({}, { ...fullScope, managedControlPlane: true });
  const selfManaged = buildAlertCatalog({}, { ...fullScope, managedControlPlane: false });

  it("leaves out only the alert on the API server's absence", () => {
    const left = selfManaged.map((a) => a.name).filter((name) => !managed.some((a) => a.name === name));
    expect(left).toEqual(["KubeAPIDown"]);
    expect(managed.some((a) => /absent\((up|[a-z_]+)\{job="apiserver"/.test(a.expr))).toBe(false);
  });

  it("keeps the kubelet, certificate and API server error alerts, which go quiet where the metrics are hidden", () => {
    for (const name of ["KubeletDown", "KubeAPIErrorsHigh", "KubeClientCertificateExpiration", "KubeletClientCertificateExpiration"]) {
      expect(managed.map((a) => a.name)).toContain(name);
    }
  });
});

test("an alert switched off leaves the catalog and every other alert's inhibitions", () => {
  const catalog = buildAlertCatalog({ HighMemoryUsage: { enabled: false } });
  expect(catalog.map((a) => a.name)).not.toContain("HighMemoryUsage");
  expect(catalog.flatMap((a) => a.inhibits ?? [])).not.toContain("HighMemoryUsage");
  // The inhibition rules still render (they refuse an unknown target).
  expect(() => renderInhibitRules(catalog)).not.toThrow();
});

test("the workload alerts read kube-state-metrics and cAdvisor: a stack without one has none of its alerts", () => {
  const names = (scope: Partial<typeof fullScope>) => new Set(buildAlertCatalog({}, { ...fullScope, ...scope }).map((a) => a.name));
  const onKsm = Object.keys(workloadAlerts).filter((name) => name !== "CPUThrottlingHigh");
  const withoutKsm = names({ kubeStateMetrics: false });
  expect(onKsm.filter((name) => withoutKsm.has(name))).toEqual([]);
  expect(withoutKsm.has("CPUThrottlingHigh")).toBe(true);
  const withoutCadvisor = names({ cadvisor: false });
  expect(withoutCadvisor.has("CPUThrottlingHigh")).toBe(false);
  expect(onKsm.filter((name) => !withoutCadvisor.has(name))).toEqual([]);
  // Nothing else depends on them.
  expect(names({ kubeStateMetrics: false, cadvisor: false }).size).toBe(alertCatalog.length - Object.keys(workloadAlerts).length);
});

test("the workload alerts select kube-state-metrics and cAdvisor by their scrape jobs", () => {
  for (const name of Object.keys(workloadAlerts)) {
    const expr = alertNamed(name).expr;
    const job = name === "CPUThrottlingHigh" ? "cadvisor" : "kube-state-metrics";
    const selectors = [...expr.matchAll(/\b(kube|container)_\w+\{([^}]*)\}/g)];
    expect(selectors.length).toBeGreaterThan(0);
    for (const [selector, , matchers] of selectors) expect({ name, selector, job: matchers.includes(`job="${job}"`) }).toEqual({ name, selector, job: true });
  }
});

test("kube-state-metrics is deployed with the collectors (and list/watch RBAC) for every KSM metric the alerts use", () => {
  const { ksmResources } = require("../kube-state-metrics/kube-state-metrics") as typeof import("../kube-state-metrics/kube-state-metrics");
  // KSM names its metrics kube_<kind>_…; the collector of that kind is the resource below (typed from its docs/metrics).
  const collectorOf: Record<string, string> = {
    kube_pod_: "pods", kube_node_: "nodes", kube_deployment_: "deployments", kube_statefulset_: "statefulsets", kube_daemonset_: "daemonsets",
    kube_job_: "jobs", kube_cronjob_: "cronjobs", kube_horizontalpodautoscaler_: "horizontalpodautoscalers", kube_resourcequota: "resourcequotas",
    kube_persistentvolume_: "persistentvolumes", kube_persistentvolumeclaim_: "persistentvolumeclaims",
  };
  const deployed = new Set(ksmResources.map((r) => r.resource));
  const used = new Set(alertCatalog.flatMap((alert) => [...alert.expr.matchAll(/\b(kube_\w+)\{/g)].map((m) => m[1])));
  expect(used.size).toBeGreaterThan(20);
  for (const metric of used) {
    const prefix = Object.keys(collectorOf).find((p) => metric.startsWith(p));
    expect({ metric, collector: prefix && collectorOf[prefix], deployed: prefix !== undefined && deployed.has(collectorOf[prefix]) }).toEqual({ metric, collector: expect.any(String), deployed: true });
  }
});

test("the pipeline's alerts are in the catalog only when the stack runs their part", () => {
  const pipeline = Object.keys(pipelineAlerts);
  const names = (scope: Partial<import("./index").CatalogScope>) => buildAlertCatalog({}, { ...fullScope, ...scope }).map((a) => a.name).filter((n) => pipeline.includes(n));
  expect(names({})).toEqual(pipeline);
  expect(names({ elasticsearch: false })).toEqual(pipeline.filter((n) => !n.startsWith("Elasticsearch")));
  expect(names({ logstash: false })).toEqual(pipeline.filter((n) => !n.startsWith("Logstash")));
  expect(names({ loki: false })).toEqual(pipeline.filter((n) => !n.startsWith("Loki")));
  expect(names({ logShipper: false })).toEqual(pipeline.filter((n) => !n.startsWith("LogShipper")));
  expect(names({ jaeger: false })).toEqual(pipeline.filter((n) => !n.startsWith("Jaeger")));
  expect(names({ grafana: false })).toEqual(pipeline.filter((n) => !n.startsWith("Grafana")));
});

test("the ECK operator's alerts are in the catalog only when the stack runs it, and select its scrape job", () => {
  const names = (eckOperator: boolean) => buildAlertCatalog({}, { ...fullScope, eckOperator }).map((a) => a.name);
  expect(names(true).filter((n) => n.startsWith("EckOperator")).sort()).toEqual(Object.keys(eckOperatorAlerts).sort());
  expect(names(false).filter((n) => n.startsWith("EckOperator"))).toEqual([]);
  expect(names(false).length).toBe(names(true).length - Object.keys(eckOperatorAlerts).length);
  // controller-runtime's names are every operator's: without the job they would read other controllers too.
  for (const name of Object.keys(eckOperatorAlerts)) {
    const selectors = [...alertNamed(name).expr.matchAll(/\b\w+\{([^}]*)\}/g)];
    expect(selectors.length).toBeGreaterThan(0);
    for (const [selector, matchers] of selectors) expect({ name, selector, job: matchers.includes('job="eck-operator"') }).toEqual({ name, selector, job: true });
  }
});

test("LogstashDown silences TargetDown for the logstash job only (the same outage, with its own runbook)", () => {
  expect(alertNamed("LogstashDown")).toMatchObject({ inhibits: ["TargetDown"], inhibitEqual: ["job"] });
});

test("LogstashLinesUnparsed counts only the last line rule's grok, the one that sees just the lines no rule matched", () => {
  const expr = alertNamed("LogstashLinesUnparsed").expr;
  const ids = [...expr.matchAll(/plugin_id="([^"]+)"/g)].map((m) => m[1]);
  expect(ids).toEqual([`rule-${lineRules[lineRules.length - 1].name}`]);
  // The grok ids the pipeline really renders carry that id (once, on the last rule).
  expect(renderFilter().match(new RegExp(`id => "${ids[0]}"`, "g"))).toHaveLength(1);
});

test("a red Elasticsearch cluster inhibits the yellow alert of the same cluster only", () => {
  expect(alertNamed("ElasticsearchClusterRed")).toMatchObject({ inhibits: ["ElasticsearchClusterYellow"], inhibitEqual: ["es_cluster"] });
});

test("the Thanos alerts are in the catalog only when the stack runs Thanos", () => {
  const names = (thanos: boolean) => buildAlertCatalog({}, { ...fullScope, thanos }).map((a) => a.name);
  expect(names(true).filter((n) => n.startsWith("Thanos")).sort()).toEqual(Object.keys(thanosAlerts).sort());
  expect(names(false).filter((n) => n.startsWith("Thanos"))).toEqual([]);
  expect(names(false).length).toBe(names(true).length - Object.keys(thanosAlerts).length);
});

test("the Thanos alerts select each metric on its role's job: Query's http_requests_total is not the services'", () => {
  const byJob = (name: string) => alertNamed(name).expr;
  expect(byJob("ThanosQueryHttpErrors")).toMatch(/http_requests_total\{job="thanos-query", code=~"5\.\."\}/);
  expect(byJob("ThanosQueryHttpErrors")).toMatch(/http_requests_total\{job="thanos-query"\}/);
  for (const alert of alertCatalog.filter((a) => a.name.startsWith("Thanos"))) {
    for (const [selector] of alert.expr.matchAll(/[a-z_]+\{[^}]*\}/g)) expect({ alert: alert.name, selector, hasJob: /job=~?"thanos-/.test(selector) }).toMatchObject({ hasJob: true });
  }
  expect(alertNamed("ThanosCompactorHalted").inhibits).toEqual(["ThanosCompactorFailing"]);
});
