// The alert catalog: every alert the stack evaluates, as typed data, with the promtool cases that prove its
// threshold and `for` duration. Thresholds live in one table; each expression is built from its entry, so
// changing a number changes the rule, its tests and the dashboards' threshold line together.
//
// Annotations only use {{ $labels.<name> }}: the promtool cases check annotations exactly, and a {{ $value }}
// would tie them to floating-point formatting. Thresholds are in the expression and on the dashboards, not in
// the text, so a threshold change stays a one-line diff.
import { AlertDefinition, AlertTestCase, AlertTestSeries, RecordingRule } from "./types";
import {
  constant,
  countingCases,
  counter,
  Labels,
  latencyCases,
  nearThreshold,
  pct,
  sampled,
  Scenario,
  SCRAPE_INTERVAL_SECONDS,
  sustainedCases,
  zeroCases,
} from "./scenarios";

/** The seed's thresholds and the meta-monitoring ones, in each expression's unit (ratios 0..1, seconds, counts). */
export const defaultThresholds = {
  HighCPUUsage: 0.8,
  CriticalCPUUsage: 0.95,
  HighMemoryUsage: 0.85,
  HighDiskUsage: 0.8,
  HighResponseTime: 1,
  HighErrorRate: 0.05,
  VMCreationFailure: 3,
  MigrationFailure: 0,
  ModelPerformanceDegradation: 0.85,
  DataDriftDetected: 0.3,
  ModelTrainingFailure: 2,
  HighInferenceLatency: 1,
  TargetDown: 0.1,
  PrometheusRuleEvaluationFailures: 0,
  PrometheusNotConnectedToAlertmanagers: 1,
  PrometheusNotificationsFailing: 0.01,
  AlertmanagerFailingToSendNotifications: 0.01,
} as const;

export type AlertThresholds = Record<keyof typeof defaultThresholds, number>;

/**
 * Threshold overrides as component args take them (each optional; unset keeps the catalog's default). An
 * explicit interface rather than a mapped type, so Pulumi's component packaging can describe it.
 */
export interface AlertThresholdOverrides {
  /** Node CPU utilisation ratio (0-1) above which HighCPUUsage fires. Default 0.8. */
  HighCPUUsage?: number;
  /** Node CPU utilisation ratio (0-1) above which CriticalCPUUsage fires. Default 0.95. */
  CriticalCPUUsage?: number;
  /** Node memory utilisation ratio (0-1) above which HighMemoryUsage fires. Default 0.85. */
  HighMemoryUsage?: number;
  /** Filesystem utilisation ratio (0-1) above which HighDiskUsage fires. Default 0.8. */
  HighDiskUsage?: number;
  /** p95 request latency in seconds above which HighResponseTime fires. Default 1. */
  HighResponseTime?: number;
  /** Ratio (0-1) of 5xx responses above which HighErrorRate fires. Default 0.05. */
  HighErrorRate?: number;
  /** VM creation failures in 5m above which VMCreationFailure fires. Default 3. */
  VMCreationFailure?: number;
  /** Migration failures in 5m above which MigrationFailure fires. Default 0. */
  MigrationFailure?: number;
  /** Model accuracy (0-1) below which ModelPerformanceDegradation fires. Default 0.85. */
  ModelPerformanceDegradation?: number;
  /** Drift score above which DataDriftDetected fires. Default 0.3. */
  DataDriftDetected?: number;
  /** Training failures of a model in 10m above which ModelTrainingFailure fires. Default 2. */
  ModelTrainingFailure?: number;
  /** p95 inference latency in seconds above which HighInferenceLatency fires. Default 1. */
  HighInferenceLatency?: number;
  /** Ratio (0-1) of a job's targets down above which TargetDown fires. Default 0.1. */
  TargetDown?: number;
  /** Failed rule evaluations in the evaluation window above which PrometheusRuleEvaluationFailures fires. Default 0. */
  PrometheusRuleEvaluationFailures?: number;
  /** Connected Alertmanagers below which PrometheusNotConnectedToAlertmanagers fires. Default 1. */
  PrometheusNotConnectedToAlertmanagers?: number;
  /** Ratio (0-1) of failed notification sends above which PrometheusNotificationsFailing fires. Default 0.01. */
  PrometheusNotificationsFailing?: number;
  /** Ratio (0-1) of failed notifications above which AlertmanagerFailingToSendNotifications fires. Default 0.01. */
  AlertmanagerFailingToSendNotifications?: number;
}
// The interface and the defaults name the same alerts: a threshold added to one without the other fails to compile.
const _everyDefaultOverridable: Required<AlertThresholdOverrides> = defaultThresholds;
const _everyOverrideHasDefault: Record<keyof AlertThresholdOverrides, number> = { ...defaultThresholds } satisfies Record<keyof typeof defaultThresholds, number>;
void _everyDefaultOverridable;
void _everyOverrideHasDefault;

/** Jobs the Prometheus scrape configuration uses; the expressions below select on them. */
const jobs = {
  node: "node-exporter",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  mlExporter: "novacron-ml-model-exporter",
} as const;
/** Jobs scraping exporters' own metrics (node-exporter has NodeDown instead). */
export const exporterJobs = ["cadvisor", "kube-state-metrics", "blackbox-exporter", jobs.mlExporter] as const;
/** Blackbox probe jobs: `instance` is the probed target. */
export const probeJobs = ["blackbox-http", "blackbox-tcp", "blackbox-dns", "blackbox-icmp"] as const;

// Rate windows, at the 15s scrape interval: CPU time is dense, so 1m (4 samples) keeps the seed's 1–2 minute
// durations meaningful; request and inference counters move only with traffic, so 2m (8 samples) smooths
// them; the self-monitoring ratios change slowly and use 5m, as kube-prometheus does.
const cpuWindow = "1m";
const trafficWindow = "2m";
const stackWindow = "5m";

/** Pseudo and image filesystems whose fullness is meaningless (or expected, like a mounted ISO). */
const pseudoFilesystems = ["tmpfs", "devtmpfs", "ramfs", "overlay", "squashfs", "nsfs", "iso9660"];
const fsSelector = `job="${jobs.node}", fstype!~"${pseudoFilesystems.join("|")}", mountpoint!=""`;

/** Recorded series that alerts and dashboards share (level:metric:operations). */
export const recordingNames = {
  cpu: `instance:node_cpu_utilisation:ratio_rate${cpuWindow}`,
  memory: "instance:node_memory_utilisation:ratio",
  filesystem: "instance_mountpoint:node_filesystem_utilisation:ratio",
  requests: `service:http_requests:rate${trafficWindow}`,
  errorRatio: `service:http_request_errors:ratio_rate${trafficWindow}`,
  latencyBuckets: `service:http_request_duration_seconds_bucket:rate${trafficWindow}`,
  latencyP95: `service:http_request_duration_seconds:p95_rate${trafficWindow}`,
  predictions: `model_name_status:ml_predictions:rate${trafficWindow}`,
  inferenceBuckets: `model_name:ml_inference_duration_seconds_bucket:rate${trafficWindow}`,
  inferenceP95: `model_name:ml_inference_duration_seconds:p95_rate${trafficWindow}`,
} as const;

export const recordingRules: readonly RecordingRule[] = [
  {
    domain: "infrastructure",
    record: recordingNames.cpu,
    // iowait and steal count as available: the CPU is not busy with work (as in kube-prometheus' node mixin).
    expr: `1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{job="${jobs.node}", mode=~"idle|iowait|steal"}[${cpuWindow}])))`,
  },
  {
    domain: "infrastructure",
    record: recordingNames.memory,
    expr: `1 - node_memory_MemAvailable_bytes{job="${jobs.node}"} / node_memory_MemTotal_bytes{job="${jobs.node}"}`,
  },
  {
    domain: "infrastructure",
    record: recordingNames.filesystem,
    // Read-only filesystems cannot fill up; dropping them keeps mounted images and EFI partitions quiet.
    expr: `(1 - node_filesystem_avail_bytes{${fsSelector}} / node_filesystem_size_bytes{${fsSelector}}) unless on (instance, device, mountpoint) (node_filesystem_readonly{job="${jobs.node}"} == 1)`,
  },
  {
    domain: "application",
    record: recordingNames.requests,
    expr: `sum by (service) (rate(http_requests_total[${trafficWindow}]))`,
  },
  {
    domain: "application",
    record: recordingNames.errorRatio,
    expr: `sum by (service) (rate(http_requests_total{status=~"5.."}[${trafficWindow}])) / sum by (service) (rate(http_requests_total[${trafficWindow}]))`,
  },
  {
    domain: "application",
    record: recordingNames.latencyBuckets,
    expr: `sum by (service, le) (rate(http_request_duration_seconds_bucket[${trafficWindow}]))`,
  },
  {
    domain: "application",
    record: recordingNames.latencyP95,
    expr: `histogram_quantile(0.95, ${recordingNames.latencyBuckets})`,
  },
  {
    domain: "ml",
    record: recordingNames.predictions,
    expr: `sum by (model_name, status) (rate(ml_predictions_total[${trafficWindow}]))`,
  },
  {
    domain: "ml",
    record: recordingNames.inferenceBuckets,
    expr: `sum by (model_name, le) (rate(ml_inference_duration_seconds_bucket[${trafficWindow}]))`,
  },
  {
    domain: "ml",
    record: recordingNames.inferenceP95,
    expr: `histogram_quantile(0.95, ${recordingNames.inferenceBuckets})`,
  },
];

/**
 * Failures counted over a window. increase() extrapolates to the window's edges, so 2 failures can read as
 * 2.05 and a bare `> 2` would fire; the failures are whole numbers, so rounding restores the count.
 * increase() only sees a failure if the counter series existed (at 0) before it: the metric contract has
 * services initialise their failure counters to 0 at start-up.
 */
function failuresIn(metric: string, window: string, by: string): string {
  return `round(sum by (${by}) (increase(${metric}[${window}])))`;
}

// Labels of the test series, as the scrape configuration attaches them.
const node: Labels = { instance: "node-1:9100", job: jobs.node, node: "node-1" };
const prometheus: Labels = { instance: "prometheus-0:9090", job: jobs.prometheus };
const alertmanager = (peer: number): Labels => ({ instance: `alertmanager-${peer}:9093`, job: jobs.alertmanager });

/** Two CPUs, one pegged at 100% and one making up the rest, so a single hot core alone is not an alert. */
function cpuScenario(busy: number): Scenario {
  const idle = (cpu: string, cpuBusy: number) =>
    counter("node_cpu_seconds_total", { ...node, cpu, mode: "idle" }, SCRAPE_INTERVAL_SECONDS * (1 - cpuBusy));
  return { what: `CPUs are ${pct(busy)} busy on average, one core pegged`, series: [idle("0", 1), idle("1", 2 * busy - 1)] };
}

/**
 * CPU cases. rate() underestimates during a series' first minute (no history to extrapolate over), which
 * reads as higher utilisation: the condition holds from 15s in the breach scenario, and the quiet scenario is
 * briefly pending before settling under the threshold.
 */
function cpuCases(threshold: number, forDuration: string): AlertTestCase[] {
  const { above, below } = nearThreshold(threshold);
  return sustainedCases({
    for: forDuration,
    activeFrom: SCRAPE_INTERVAL_SECONDS,
    breach: cpuScenario(above),
    normal: [cpuScenario(below)],
    labels: node,
  });
}

function memoryScenario(used: number): Scenario {
  const total = 16 * 2 ** 30;
  return {
    what: `memory is ${pct(used)} used`,
    series: [
      constant("node_memory_MemAvailable_bytes", node, Math.round(total * (1 - used))),
      constant("node_memory_MemTotal_bytes", node, total),
    ],
  };
}

const rootFs: Labels = { ...node, device: "/dev/sda1", fstype: "ext4", mountpoint: "/" };

/** The root filesystem at `used`, next to a full tmpfs and a full read-only EFI partition that must not alert. */
function diskScenario(used: number): Scenario {
  const size = 100e9;
  const filesystem = (labels: Labels, fullness: number, readonly: 0 | 1) => [
    constant("node_filesystem_avail_bytes", labels, size * (1 - fullness)),
    constant("node_filesystem_size_bytes", labels, size),
    constant("node_filesystem_readonly", labels, readonly),
  ];
  return {
    what: `/ is ${pct(used)} full (a tmpfs and a read-only partition are 99% full)`,
    series: [
      ...filesystem(rootFs, used, 0),
      ...filesystem({ ...node, device: "tmpfs", fstype: "tmpfs", mountpoint: "/run" }, 0.99, 0),
      ...filesystem({ ...node, device: "/dev/sda15", fstype: "vfat", mountpoint: "/boot/efi" }, 0.99, 1),
    ],
  };
}

/** A gauge alert: `breach` crosses the threshold (either direction), `normal` stays just short of it. */
function gaugeCases(metric: string, labels: Labels, forDuration: string, values: { breach: number; normal: number }): AlertTestCase[] {
  const scenario = (value: number): Scenario => ({ what: `${metric} is ${value}`, series: [constant(metric, labels, value)] });
  return sustainedCases({
    for: forDuration,
    activeFrom: 0,
    breach: scenario(values.breach),
    normal: [scenario(values.normal)],
    labels,
  });
}

/** A share of failing attempts, fed to a builder of the attempt and failure counters (per 100 attempts). */
function failureRatioScenario(ratio: number, attempts: (perScrape: number) => AlertTestSeries[]): Scenario {
  return { what: `${pct(ratio)} of attempts fail`, series: attempts(ratio * 100) };
}

function infrastructureAlerts(t: AlertThresholds): AlertDefinition[] {
  const nodeAlert = { domain: "infrastructure" as const };
  return [
    {
      ...nodeAlert,
      name: "HighCPUUsage",
      severity: "warning",
      threshold: t.HighCPUUsage,
      expr: `${recordingNames.cpu} > ${t.HighCPUUsage}`,
      for: "2m",
      summary: "High CPU usage on {{ $labels.instance }}",
      description:
        "Average CPU utilisation on {{ $labels.instance }} has stayed above the warning threshold. Workloads on the node are being slowed; find the busy processes or move VMs off the node.",
      tests: cpuCases(t.HighCPUUsage, "2m"),
    },
    {
      ...nodeAlert,
      name: "CriticalCPUUsage",
      severity: "critical",
      threshold: t.CriticalCPUUsage,
      expr: `${recordingNames.cpu} > ${t.CriticalCPUUsage}`,
      for: "1m",
      summary: "CPU saturated on {{ $labels.instance }}",
      description:
        "Average CPU utilisation on {{ $labels.instance }} is above the critical threshold: the node is saturated and VMs and services on it are starved.",
      inhibits: ["HighCPUUsage"],
      inhibitEqual: ["instance"],
      tests: cpuCases(t.CriticalCPUUsage, "1m"),
    },
    {
      ...nodeAlert,
      name: "HighMemoryUsage",
      severity: "warning",
      threshold: t.HighMemoryUsage,
      expr: `${recordingNames.memory} > ${t.HighMemoryUsage}`,
      for: "2m",
      summary: "High memory usage on {{ $labels.instance }}",
      description:
        "Less memory than the warning threshold allows is available on {{ $labels.instance }}. The kernel may start reclaiming aggressively or OOM-kill processes.",
      tests: sustainedCases({
        for: "2m",
        activeFrom: 0,
        breach: memoryScenario(nearThreshold(t.HighMemoryUsage).above),
        normal: [memoryScenario(nearThreshold(t.HighMemoryUsage).below)],
        labels: node,
      }),
    },
    {
      ...nodeAlert,
      name: "HighDiskUsage",
      severity: "warning",
      threshold: t.HighDiskUsage,
      expr: `${recordingNames.filesystem} > ${t.HighDiskUsage}`,
      for: "2m",
      summary: "Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is filling up",
      description:
        "Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} is fuller than the warning threshold. Free space or grow the volume before writes fail.",
      tests: sustainedCases({
        for: "2m",
        activeFrom: 0,
        breach: diskScenario(nearThreshold(t.HighDiskUsage).above),
        normal: [diskScenario(nearThreshold(t.HighDiskUsage).below)],
        labels: rootFs,
      }),
    },
    {
      ...nodeAlert,
      name: "NodeDown",
      severity: "critical",
      expr: `up{job="${jobs.node}"} == 0`,
      for: "30s",
      summary: "Node {{ $labels.instance }} is unreachable",
      description:
        "Prometheus cannot scrape node-exporter on {{ $labels.instance }}: the node is down, partitioned, or its exporter has stopped. Resource alerts for the node are inhibited meanwhile.",
      inhibits: ["HighCPUUsage", "CriticalCPUUsage", "HighMemoryUsage", "HighDiskUsage"],
      inhibitEqual: ["instance"],
      tests: zeroCases("up", node, "30s", "node-exporter's up"),
    },
  ];
}

function applicationAlerts(t: AlertThresholds): AlertDefinition[] {
  const app = { domain: "application" as const };
  const api: Labels = { instance: "api-0:8080", job: "novacron-api" };
  const service = "novacron-api";
  const request = (status: string, perScrape: number) =>
    counter("http_requests_total", { ...api, service, method: "GET", route: "/api/v1/vms", status }, perScrape);
  /** 100 requests per scrape: `errors` 5xx split over 500 and 503, 5 client errors (not failures), the rest 200. */
  const trafficScenario = (errorRatio: number): Scenario => {
    const errors = Math.round(errorRatio * 100);
    return {
      what: `${errors}% of requests fail with 5xx (and 5% with 404)`,
      series: [
        request("200", 95 - errors),
        request("404", 5),
        request("500", Math.ceil(errors / 2)),
        request("503", Math.floor(errors / 2)),
      ],
    };
  };
  const vmManager: Labels = { job: "novacron-vm-manager" };
  const migration: Labels = { job: "novacron-migration" };

  return [
    {
      ...app,
      name: "ApplicationDown",
      severity: "critical",
      // The ML model exporter is an exporter, not a NovaCron service: ExporterDown covers it, once.
      expr: `up{job=~"novacron-.+", job!="${jobs.mlExporter}"} == 0`,
      for: "30s",
      summary: "{{ $labels.job }} is down on {{ $labels.instance }}",
      description:
        "Prometheus cannot scrape {{ $labels.job }} on {{ $labels.instance }}: the service instance is down or unreachable.",
      tests: [
        ...zeroCases("up", api, "30s", "novacron-api's up"),
        {
          description: "quiet when only the ML model exporter is down (ExporterDown's job)",
          series: [constant("up", api, 1), constant("up", { instance: "ml-model-exporter:9200", job: jobs.mlExporter }, 0)],
          evalTime: "5m",
          fires: false,
        },
      ],
    },
    {
      ...app,
      name: "HighResponseTime",
      severity: "warning",
      threshold: t.HighResponseTime,
      expr: `${recordingNames.latencyP95} > ${t.HighResponseTime}`,
      for: "2m",
      summary: "{{ $labels.service }} is responding slowly",
      description:
        "The 95th percentile of {{ $labels.service }}'s HTTP request duration is above the threshold. Check its dependencies (database, hypervisors) and recent deployments.",
      tests: latencyCases({
        metric: "http_request_duration_seconds",
        labels: { ...api, service, method: "GET", route: "/api/v1/vms" },
        fastNeighbour: { instance: "scheduler-0:8083", job: "novacron-scheduler", service: "novacron-scheduler", method: "POST", route: "/api/v1/schedule" },
        threshold: t.HighResponseTime,
        for: "2m",
        expectedLabels: { service },
      }),
    },
    {
      ...app,
      name: "HighErrorRate",
      severity: "critical",
      threshold: t.HighErrorRate,
      expr: `${recordingNames.errorRatio} > ${t.HighErrorRate}`,
      for: "2m",
      summary: "{{ $labels.service }} is failing requests",
      description:
        "The share of {{ $labels.service }}'s HTTP requests answered with a 5xx status is above the threshold. Users are seeing errors.",
      tests: sustainedCases({
        for: "2m",
        activeFrom: SCRAPE_INTERVAL_SECONDS,
        breach: trafficScenario(nearThreshold(t.HighErrorRate).above),
        normal: [trafficScenario(nearThreshold(t.HighErrorRate).below)],
        labels: { service },
      }),
    },
    {
      ...app,
      name: "VMCreationFailure",
      severity: "warning",
      threshold: t.VMCreationFailure,
      expr: `${failuresIn("novacron_vm_creation_failures_total", "5m", "job")} > ${t.VMCreationFailure}`,
      for: "0s",
      summary: "VM creations are failing",
      description:
        "{{ $labels.job }} has failed to create VMs more often in the last 5 minutes than the threshold allows. Check hypervisor capacity, image storage and the VM manager's logs.",
      tests: countingCases({
        metric: "novacron_vm_creation_failures_total",
        labels: vmManager,
        split: { label: "instance", values: ["vm-manager-0:8081", "vm-manager-1:8081"] },
        threshold: t.VMCreationFailure,
        window: "5m",
        expectedLabels: vmManager,
      }),
    },
    {
      ...app,
      name: "MigrationFailure",
      // Critical: a failed migration can leave a VM paused or split between hosts, and migrations mostly run
      // to evacuate a host for maintenance or failing hardware; the seed tolerates no failure at all.
      severity: "critical",
      threshold: t.MigrationFailure,
      expr: `${failuresIn("novacron_migration_failures_total", "5m", "job")} > ${t.MigrationFailure}`,
      for: "0s",
      summary: "VM migrations are failing",
      description:
        "{{ $labels.job }} reported failed VM migrations in the last 5 minutes. Check that the affected VMs are running on exactly one host, then the migration service's logs.",
      tests: countingCases({
        metric: "novacron_migration_failures_total",
        labels: migration,
        split: { label: "instance", values: ["migration-0:8082", "migration-1:8082"] },
        threshold: t.MigrationFailure,
        window: "5m",
        expectedLabels: migration,
      }),
    },
  ];
}

function mlAlerts(t: AlertThresholds): AlertDefinition[] {
  const ml = { domain: "ml" as const };
  const exporter: Labels = { instance: "ml-model-exporter:9200", job: jobs.mlExporter };
  const model: Labels = { ...exporter, model_name: "classifier", version: "v1.2" };
  const pipeline: Labels = { instance: "ml-pipeline-0:8000", job: "novacron-ml-pipeline" };

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
      tests: gaugeCases("ml_model_accuracy", model, "5m", {
        breach: nearThreshold(t.ModelPerformanceDegradation).below,
        normal: nearThreshold(t.ModelPerformanceDegradation).above,
      }),
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
      tests: gaugeCases("ml_data_drift_score", { ...exporter, model_name: "classifier", dataset: "production" }, "5m", {
        breach: nearThreshold(t.DataDriftDetected).above,
        normal: nearThreshold(t.DataDriftDetected).below,
      }),
    },
    {
      ...ml,
      name: "ModelTrainingFailure",
      severity: "warning",
      threshold: t.ModelTrainingFailure,
      expr: `${failuresIn("ml_training_failures_total", "10m", "model_name")} > ${t.ModelTrainingFailure}`,
      for: "0s",
      summary: "Training of model {{ $labels.model_name }} keeps failing",
      description:
        "Training runs of model {{ $labels.model_name }} have failed more often in the last 10 minutes than the threshold allows. See ml_training_failures_total by error_type and the pipeline's logs.",
      tests: countingCases({
        metric: "ml_training_failures_total",
        labels: { ...pipeline, model_name: "classifier" },
        split: { label: "error_type", values: ["data_error", "oom"] },
        threshold: t.ModelTrainingFailure,
        window: "10m",
        expectedLabels: { model_name: "classifier" },
      }),
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
      tests: latencyCases({
        metric: "ml_inference_duration_seconds",
        labels: { ...pipeline, model_name: "classifier" },
        fastNeighbour: { ...pipeline, model_name: "ranker" },
        threshold: t.HighInferenceLatency,
        for: "2m",
        expectedLabels: { model_name: "classifier" },
      }),
    },
  ];
}

function stackAlerts(t: AlertThresholds): AlertDefinition[] {
  const stack = { domain: "stack" as const };
  const notifier: Labels = { ...prometheus, alertmanager: "http://alertmanager-0.alertmanager:9093/api/v2/alerts" };
  const ruleGroup: Labels = { ...prometheus, rule_group: "/etc/prometheus/rules/application.yml;application.alerts" };
  const integration: Labels = { ...alertmanager(0), integration: "webhook" };
  const kubelet = (index: number): Labels => ({ instance: `node-${index}:10250`, job: "kubelet" });
  /** `total` kubelet targets of which `down` are down. */
  const targets = (total: number, down: number): Scenario => ({
    what: `${down} of ${total} kubelet targets are down`,
    series: Array.from({ length: total }, (_, i) => constant("up", kubelet(i), i < down ? 0 : 1)),
  });
  // 1 of N down is exactly the threshold when N = 1/threshold: quiet, since the alert needs more than it.
  const targetsAtThreshold = Math.round(1 / t.TargetDown);
  /** What each of three Alertmanager peers reports as the cluster's size. */
  const peersSee = (seen: [number, number, number]): Scenario => ({
    what: `the three peers see ${seen.join("/")} members`,
    series: seen.map((members, peer) => constant("alertmanager_cluster_members", alertmanager(peer), members)),
  });
  const exporterTarget: Labels = { instance: "kube-state-metrics:8080", job: "kube-state-metrics" };
  const mlExporter: Labels = { instance: "ml-model-exporter:9200", job: jobs.mlExporter };
  const probe: Labels = { instance: "https://api.novacron.example/healthz", job: "blackbox-http" };
  /** Notification attempts: 100 per scrape, `failedPerHundred` of them failing. */
  const prometheusSends = (failedPerHundred: number): AlertTestSeries[] => [
    counter("prometheus_notifications_sent_total", notifier, 100),
    counter("prometheus_notifications_errors_total", notifier, failedPerHundred),
  ];
  const alertmanagerSends = (failedPerHundred: number): AlertTestSeries[] => [
    counter("alertmanager_notifications_total", integration, 100),
    counter("alertmanager_notifications_failed_total", { ...integration, reason: "serverError" }, failedPerHundred / 2),
    counter("alertmanager_notifications_failed_total", { ...integration, reason: "clientError" }, failedPerHundred / 2),
  ];

  return [
    {
      ...stack,
      name: "Watchdog",
      severity: "none",
      expr: "vector(1)",
      for: "0s",
      summary: "Alerting pipeline heartbeat",
      description:
        "Always firing, so the path from Prometheus through Alertmanager to its receivers is known to work. Route it to a dead man's switch; its absence is the alert.",
      tests: [{ description: "fires from the first evaluation", series: [], evalTime: "1m", fires: true }],
    },
    {
      ...stack,
      name: "TargetDown",
      severity: "warning",
      threshold: t.TargetDown,
      expr: `(count by (job) (up == 0) / count by (job) (up)) > ${t.TargetDown}`,
      for: "10m",
      summary: "Targets of {{ $labels.job }} are down",
      description:
        "More of {{ $labels.job }}'s scrape targets than the threshold allows have been unreachable for 10 minutes. Metrics from them are missing and alerts on them cannot fire.",
      tests: sustainedCases({
        for: "10m",
        activeFrom: 0,
        breach: targets(targetsAtThreshold - 1, 1),
        normal: [targets(targetsAtThreshold, 1)],
        labels: { job: "kubelet" },
      }),
    },
    {
      ...stack,
      name: "PrometheusConfigReloadFailed",
      severity: "critical",
      expr: `prometheus_config_last_reload_successful{job="${jobs.prometheus}"} == 0`,
      for: "2m",
      summary: "Prometheus {{ $labels.instance }} failed to reload its configuration",
      description:
        "Prometheus {{ $labels.instance }} rejected its latest configuration and keeps running the previous one, so recent scrape or rule changes are not in effect.",
      tests: zeroCases("prometheus_config_last_reload_successful", prometheus, "2m", "the last reload's success"),
    },
    {
      ...stack,
      name: "PrometheusRuleEvaluationFailures",
      severity: "warning",
      threshold: t.PrometheusRuleEvaluationFailures,
      expr: `increase(prometheus_rule_evaluation_failures_total{job="${jobs.prometheus}"}[${stackWindow}]) > ${t.PrometheusRuleEvaluationFailures}`,
      // A broken rule fails at every evaluation; 15m (as kube-prometheus) lets one-off timeouts pass.
      for: "15m",
      summary: "Prometheus {{ $labels.instance }} fails to evaluate rules",
      description:
        "Rules in group {{ $labels.rule_group }} keep failing to evaluate on Prometheus {{ $labels.instance }}: the alerts and recordings in it are blind.",
      tests: sustainedCases({
        for: "15m",
        activeFrom: SCRAPE_INTERVAL_SECONDS,
        breach: { what: "every evaluation fails", series: [counter("prometheus_rule_evaluation_failures_total", ruleGroup, 1)] },
        normal: [
          { what: "no evaluation fails", series: [counter("prometheus_rule_evaluation_failures_total", ruleGroup, 0)] },
          {
            what: "a single evaluation failed once",
            series: [sampled("prometheus_rule_evaluation_failures_total", ruleGroup, (s) => (s >= 60 ? 1 : 0))],
          },
        ],
        labels: ruleGroup,
      }),
    },
    {
      ...stack,
      name: "PrometheusNotConnectedToAlertmanagers",
      severity: "warning",
      threshold: t.PrometheusNotConnectedToAlertmanagers,
      expr: `prometheus_notifications_alertmanagers_discovered{job="${jobs.prometheus}"} < ${t.PrometheusNotConnectedToAlertmanagers}`,
      // Long enough to ride over an Alertmanager rollout; delivery of this very alert may be impossible, the
      // Watchdog's silence covers that.
      for: "10m",
      summary: "Prometheus {{ $labels.instance }} has no Alertmanager to send to",
      description:
        "Prometheus {{ $labels.instance }} has discovered no Alertmanager: alerts are evaluated but not delivered. Check the Alertmanager service and its endpoints.",
      tests: gaugeCases("prometheus_notifications_alertmanagers_discovered", prometheus, "10m", {
        breach: t.PrometheusNotConnectedToAlertmanagers - 1,
        normal: t.PrometheusNotConnectedToAlertmanagers,
      }),
    },
    {
      ...stack,
      name: "PrometheusNotificationsFailing",
      severity: "critical",
      threshold: t.PrometheusNotificationsFailing,
      expr: `rate(prometheus_notifications_errors_total{job="${jobs.prometheus}"}[${stackWindow}]) / rate(prometheus_notifications_sent_total{job="${jobs.prometheus}"}[${stackWindow}]) > ${t.PrometheusNotificationsFailing}`,
      // 10m rides over a rolling restart of the Alertmanager cluster.
      for: "10m",
      summary: "Prometheus {{ $labels.instance }} fails to send alerts to {{ $labels.alertmanager }}",
      description:
        "More of Prometheus {{ $labels.instance }}'s alert notifications to {{ $labels.alertmanager }} fail than the threshold allows: alerts may not reach anyone.",
      tests: sustainedCases({
        for: "10m",
        activeFrom: SCRAPE_INTERVAL_SECONDS,
        breach: failureRatioScenario(nearThreshold(t.PrometheusNotificationsFailing).above, prometheusSends),
        normal: [failureRatioScenario(nearThreshold(t.PrometheusNotificationsFailing).below, prometheusSends)],
        labels: notifier,
      }),
    },
    {
      ...stack,
      name: "AlertmanagerConfigReloadFailed",
      severity: "critical",
      expr: `alertmanager_config_last_reload_successful{job="${jobs.alertmanager}"} == 0`,
      for: "2m",
      summary: "Alertmanager {{ $labels.instance }} failed to reload its configuration",
      description:
        "Alertmanager {{ $labels.instance }} rejected its latest configuration and keeps routing with the previous one.",
      tests: zeroCases("alertmanager_config_last_reload_successful", alertmanager(0), "2m", "the last reload's success"),
    },
    {
      ...stack,
      name: "AlertmanagerFailingToSendNotifications",
      severity: "warning",
      threshold: t.AlertmanagerFailingToSendNotifications,
      // Failures carry a `reason` label that the attempts counter lacks: sum it away before dividing.
      expr: `sum without (reason) (rate(alertmanager_notifications_failed_total{job="${jobs.alertmanager}"}[${stackWindow}])) / rate(alertmanager_notifications_total{job="${jobs.alertmanager}"}[${stackWindow}]) > ${t.AlertmanagerFailingToSendNotifications}`,
      for: "5m",
      summary: "Alertmanager {{ $labels.instance }} fails to notify via {{ $labels.integration }}",
      description:
        "More of Alertmanager {{ $labels.instance }}'s notifications through {{ $labels.integration }} fail than the threshold allows. Check the receiver's endpoint and credentials.",
      tests: sustainedCases({
        for: "5m",
        activeFrom: SCRAPE_INTERVAL_SECONDS,
        breach: failureRatioScenario(nearThreshold(t.AlertmanagerFailingToSendNotifications).above, alertmanagerSends),
        normal: [failureRatioScenario(nearThreshold(t.AlertmanagerFailingToSendNotifications).below, alertmanagerSends)],
        labels: integration,
      }),
    },
    {
      ...stack,
      name: "AlertmanagerClusterMembersInconsistent",
      severity: "warning",
      // max_over_time rides over a peer restarting; gossip converges within seconds.
      expr: `max_over_time(alertmanager_cluster_members{job="${jobs.alertmanager}"}[${stackWindow}]) < on (job) group_left () count by (job) (max_over_time(alertmanager_cluster_members{job="${jobs.alertmanager}"}[${stackWindow}]))`,
      for: "10m",
      summary: "Alertmanager {{ $labels.instance }} does not see the whole cluster",
      description:
        "Alertmanager {{ $labels.instance }} sees fewer cluster members than there are peers: silences and notification state are not shared, so notifications may be duplicated.",
      tests: sustainedCases({
        for: "10m",
        activeFrom: 0,
        breach: peersSee([2, 3, 3]),
        normal: [peersSee([3, 3, 3])],
        labels: alertmanager(0),
      }),
    },
    {
      ...stack,
      name: "ExporterDown",
      severity: "warning",
      expr: `up{job=~"${exporterJobs.join("|")}"} == 0`,
      for: "2m",
      summary: "Exporter {{ $labels.job }} is down on {{ $labels.instance }}",
      description:
        "Prometheus cannot scrape the exporter {{ $labels.job }} on {{ $labels.instance }}: the metrics it provides are missing and alerts built on them cannot fire.",
      tests: [
        ...zeroCases("up", exporterTarget, "2m", "kube-state-metrics' up"),
        {
          description: "quiet when only node-exporter is down (NodeDown's job)",
          series: [constant("up", exporterTarget, 1), constant("up", node, 0)],
          evalTime: "5m",
          fires: false,
        },
      ],
    },
    {
      ...stack,
      name: "MLExporterUpstreamDown",
      severity: "warning",
      expr: `ml_exporter_up{job="${jobs.mlExporter}"} == 0`,
      for: "2m",
      summary: "The ML model exporter cannot reach the ML service",
      description:
        "The ML model exporter on {{ $labels.instance }} is up but cannot reach the ML service, so model accuracy, drift and training metrics are stale and the ML alerts cannot fire.",
      tests: zeroCases("ml_exporter_up", mlExporter, "2m", "ml_exporter_up"),
    },
    {
      ...stack,
      name: "EndpointProbeFailed",
      severity: "critical",
      expr: `probe_success{job=~"${probeJobs.join("|")}"} == 0`,
      for: "1m",
      summary: "Probe of {{ $labels.instance }} is failing",
      description:
        "The {{ $labels.job }} probe of {{ $labels.instance }} has been failing: the endpoint is unreachable or unhealthy from inside the cluster.",
      tests: zeroCases("probe_success", probe, "1m", "probe_success"),
    },
  ];
}

/**
 * The catalog with the given thresholds (an environment may raise one); tests use it to prove that changing
 * one number changes one line of the rendered rules.
 */
export function buildAlertCatalog(overrides: Partial<AlertThresholds> = {}): AlertDefinition[] {
  const thresholds: AlertThresholds = { ...defaultThresholds, ...overrides };
  return [...infrastructureAlerts(thresholds), ...applicationAlerts(thresholds), ...mlAlerts(thresholds), ...stackAlerts(thresholds)];
}

export const alertCatalog: readonly AlertDefinition[] = buildAlertCatalog();
