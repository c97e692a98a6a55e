// The one table of alert thresholds a stack may change: each entry's default, unit and meaning. The stack's
// config schema (stacks/schema/alert-thresholds.ts), the override type, the generated config reference and
// the rules all derive from it, so adding a threshold here is the whole change.
import { durationSeconds } from "../units";
import { failureWindows, maxScrapeIntervalSeconds, rateWindows } from "./rules/selectors";

/**
 * The unit of a threshold, which is the unit of its alert's expression. `seconds` are latencies; `age` is how
 * long something has been so (a Job running, a CronJob overdue), in whole seconds and up to days.
 */
export type ThresholdUnit = "ratio" | "seconds" | "age" | "count" | "days";

export interface ThresholdSpec {
  default: number;
  unit: ThresholdUnit;
  /** What crossing it means; shown in the config reference. */
  doc: string;
  /** The smallest and largest values the alert still means what its doc says, and why (counts only). */
  min?: number;
  max?: number;
  bounds?: string;
}

/**
 * The largest N for which "more than N failures in `window`" can tell N failures from N + 1. increase()
 * extrapolates a window's samples to its edges, so N failures read as up to N·W/(W − scrape interval); past
 * this N, the extrapolated N rounds up and the alert fires on exactly N.
 */
export function maxFailureThreshold(window: string, scrapeIntervalSeconds = maxScrapeIntervalSeconds): number {
  const windowSeconds = durationSeconds(window);
  // N·W/(W − s) − N < 0.5  ⇔  N < (W − s) / 2s
  return Math.ceil((windowSeconds - scrapeIntervalSeconds) / (2 * scrapeIntervalSeconds)) - 1;
}

/** A share of failing attempts is at most 1: a threshold of 1 could never be passed. */
const shareBounds = { max: 0.99, bounds: "a share of failing requests can only pass a threshold below 1" } as const;

const failureBounds = (window: string) => ({
  min: 0,
  max: maxFailureThreshold(window),
  bounds: `increase() over ${window} cannot tell more failures apart at a ${maxScrapeIntervalSeconds}s scrape interval`,
});

export const thresholdTable = {
  HighCPUUsage: { default: 0.8, unit: "ratio", doc: "Node CPU utilisation ratio (0-1) above which HighCPUUsage fires." },
  CriticalCPUUsage: { default: 0.95, unit: "ratio", doc: "Node CPU utilisation ratio (0-1) above which CriticalCPUUsage fires; must stay above HighCPUUsage." },
  HighMemoryUsage: { default: 0.85, unit: "ratio", doc: "Node memory utilisation ratio (0-1) above which HighMemoryUsage fires." },
  HighDiskUsage: { default: 0.8, unit: "ratio", doc: "Filesystem utilisation ratio (0-1) above which HighDiskUsage fires." },
  HighResponseTime: { default: 1, unit: "seconds", doc: "p95 request latency in seconds above which HighResponseTime fires." },
  HighErrorRate: { default: 0.05, unit: "ratio", doc: "Ratio (0-1) of 5xx responses above which HighErrorRate fires." },
  VMCreationFailure: { default: 3, unit: "count", doc: "VM creation failures in 5m above which VMCreationFailure fires.", ...failureBounds(failureWindows.VMCreationFailure) },
  MigrationFailure: { default: 0, unit: "count", doc: "Migration failures in 5m above which MigrationFailure fires.", ...failureBounds(failureWindows.MigrationFailure) },
  ModelPerformanceDegradation: { default: 0.85, unit: "ratio", doc: "Model accuracy (0-1) below which ModelPerformanceDegradation fires." },
  DataDriftDetected: { default: 0.3, unit: "ratio", doc: "Drift score above which DataDriftDetected fires." },
  ModelTrainingFailure: { default: 2, unit: "count", doc: "Training failures of a model in 10m above which ModelTrainingFailure fires.", ...failureBounds(failureWindows.ModelTrainingFailure) },
  HighInferenceLatency: { default: 1, unit: "seconds", doc: "p95 inference latency in seconds above which HighInferenceLatency fires." },
  TargetDown: {
    default: 0.1, unit: "ratio", doc: "Ratio (0-1) of a job's targets down above which TargetDown fires.",
    max: 0.99, bounds: "a share of targets down can only pass a threshold below 1",
  },
  PrometheusRuleEvaluationFailures: {
    default: 0, unit: "count", doc: "Failed rule evaluations in the evaluation window above which PrometheusRuleEvaluationFailures fires.",
    min: 0, max: 10_000, bounds: "the catalog's rules evaluated every 5s for 5m are fewer evaluations than that",
  },
  PrometheusNotConnectedToAlertmanagers: {
    default: 1, unit: "count", doc: "Connected Alertmanagers below which PrometheusNotConnectedToAlertmanagers fires; at most alertmanager.replicas.",
    min: 1, bounds: "below 1 it could never fire",
  },
  PrometheusNotificationsFailing: { default: 0.01, unit: "ratio", doc: "Ratio (0-1) of failed notification sends above which PrometheusNotificationsFailing fires." },
  AlertmanagerFailingToSendNotifications: { default: 0.01, unit: "ratio", doc: "Ratio (0-1) of failed notifications above which AlertmanagerFailingToSendNotifications fires." },
  KubeContainerRestartingOften: {
    default: 3, unit: "count", doc: "Restarts of one container in 30m above which KubeContainerRestartingOften fires.",
    min: 0, max: 20, bounds: "the kubelet backs restarts off (10s doubling to 5m), so a container restarts little more than 10 times in 30m",
  },
  // A nightly batch may run for hours; half a day without finishing is stuck for most.
  KubeJobNotCompleted: {
    default: 43_200, unit: "age", doc: "Seconds a Job may stay active before KubeJobNotCompleted fires.",
    min: 300, max: 7 * 86_400, bounds: "under 5 minutes every Job would alert; beyond a week nobody waits for it",
  },
  KubeCronJobLate: {
    default: 3_600, unit: "age", doc: "Seconds past its scheduled time a CronJob may go without starting before KubeCronJobLate fires.",
    min: 60, max: 7 * 86_400, bounds: "under a minute the controller's normal delay alerts; beyond a week a weekly run is missed unseen",
  },
  CPUThrottlingHigh: {
    default: 0.25, unit: "ratio", doc: "Share (0-1) of a container's CFS periods throttled above which CPUThrottlingHigh fires.",
    max: 0.99, bounds: "a share of periods throttled can only pass a threshold below 1",
  },
  KubeQuotaAlmostFull: {
    default: 0.9, unit: "ratio", doc: "Used share (0-1) of a namespace ResourceQuota's hard limit above which KubeQuotaAlmostFull fires.",
    max: 0.99, bounds: "past 1 the quota is exceeded, which KubeQuotaExceeded reports",
  },
  LogShipperDroppingLogs: {
    default: 0.01, unit: "ratio", doc: "Ratio (0-1) of a node's log entries Alloy drops after all retries (never stored) above which LogShipperDroppingLogs fires.",
    max: 0.99, bounds: "a share of entries dropped can only pass a threshold below 1",
  },
  LogShipperRequestErrors: {
    default: 0.1, unit: "ratio", doc: "Ratio (0-1) of Alloy's pushes to Loki answered with an error (retried) above which LogShipperRequestErrors fires.",
    max: 0.99, bounds: "a share of pushes failing can only pass a threshold below 1",
  },
  LokiRequestErrors: {
    default: 0.1, unit: "ratio", doc: "Ratio (0-1) of a Loki route's requests answered 5xx above which LokiRequestErrors fires.",
    max: 0.99, bounds: "a share of requests failing can only pass a threshold below 1",
  },
  LokiIngestionRejected: {
    default: 0.01, unit: "ratio", doc: "Ratio (0-1) of received log lines Loki discards (rate or stream limits, too old, too long) above which LokiIngestionRejected fires.",
    max: 0.99, bounds: "a share of lines discarded can only pass a threshold below 1",
  },
  JaegerSpansRefused: {
    default: 0.01, unit: "ratio", doc: "Ratio (0-1) of spans a Jaeger receiver refuses (the pipeline pushed back) above which JaegerSpansRefused fires.",
    max: 0.99, bounds: "a share of spans refused can only pass a threshold below 1",
  },
  JaegerSpanExportFailing: {
    default: 0.01, unit: "ratio", doc: "Ratio (0-1) of spans Jaeger fails to write to its storage above which JaegerSpanExportFailing fires.",
    max: 0.99, bounds: "a share of spans failing can only pass a threshold below 1",
  },
  GrafanaRequestErrors: {
    default: 0.05, unit: "ratio", doc: "Ratio (0-1) of Grafana's HTTP requests answered 5xx (its API, pages and datasource proxy) above which GrafanaRequestErrors fires.",
    max: 0.99, bounds: "a share of requests failing can only pass a threshold below 1",
  },
  ElasticsearchDiskWatermarkNear: {
    default: 0.8, unit: "ratio", doc: "Used share (0-1) of an Elasticsearch node's data disk above which ElasticsearchDiskWatermarkNear fires.",
    min: 0.5, max: 0.85,
    bounds: "at Elasticsearch's default low watermark (85%) the node already takes no new shards, too late for a warning; below 50% it is not near",
  },
  // The ECK operator (rules/eck-operator.ts).
  EckOperatorReconcileErrors: {
    default: 0.1, unit: "ratio", doc: "Ratio (0-1) of an ECK operator controller's reconciles ending in an error above which EckOperatorReconcileErrors fires.", ...shareBounds,
  },
  EckOperatorWorkqueueBackingUp: {
    default: 10, unit: "count", doc: "Resources waiting in an ECK operator controller's work queue (ready, not yet taken by a worker) above which EckOperatorWorkqueueBackingUp fires.",
    min: 0, max: 10_000, bounds: "each waiting resource counts once; no ECK install watches tens of thousands of resources of one kind",
  },
  EckOperatorReconcileStuck: {
    default: 600, unit: "age", doc: "Seconds the longest-running reconcile of an ECK operator controller may run before EckOperatorReconcileStuck fires.",
    min: 300, max: 86_400,
    bounds: "under 5 minutes one or two Elasticsearch calls timing out (3 minutes each, ECK's default) would trip it; beyond a day nobody waits for it",
  },
  // Logstash, through its metrics sidecar (rules/pipeline.ts).
  LogstashLinesUnparsed: {
    default: 0.1, unit: "ratio", doc: "Share (0-1) of log lines Logstash matches to no parsing rule above which LogstashLinesUnparsed fires.",
    max: 0.99, bounds: "a share of lines can only pass a threshold below 1",
  },
  LogstashQueueFillingUp: {
    default: 0.8, unit: "ratio", doc: "Used share (0-1) of a Logstash pipeline's persisted queue (queue.max_bytes) above which LogstashQueueFillingUp fires.",
    min: 0.5, max: 0.95, bounds: "at 100% the inputs block and the shipper's pushes fail, so a warning must come before; below half the queue is absorbing a blip",
  },
  LogstashJvmHeapHigh: {
    default: 0.9, unit: "ratio", doc: "Share (0-1) of Logstash's JVM heap still in use at its lowest over 5m (after collections) above which LogstashJvmHeapHigh fires.",
    min: 0.5, max: 0.99, bounds: "below half the heap after a collection is healthy; at 100% the JVM fails with OutOfMemoryError",
  },
  // Kubernetes storage, nodes and control plane (rules/kubernetes-cluster.ts).
  KubePersistentVolumeFillingUp: {
    default: 0.03, unit: "ratio", doc: "Free share (0-1) of a PersistentVolume below which KubePersistentVolumeFillingUp fires.",
    min: 0.001, max: 0.5, bounds: "below 0.1% writes already fail; above half free a volume is not filling up",
  },
  KubePersistentVolumeFillingUpPredicted: {
    default: 0.15, unit: "ratio", doc: "Free share (0-1) of a PersistentVolume below which KubePersistentVolumeFillingUpPredicted fires when its trend fills it within 4 days.",
    min: 0.01, max: 0.5, bounds: "below 1% the volume is full already (KubePersistentVolumeFillingUp); above half free a 4-day trend is noise",
  },
  KubePersistentVolumeInodesFillingUp: {
    default: 0.03, unit: "ratio", doc: "Free inode share (0-1) of a PersistentVolume below which KubePersistentVolumeInodesFillingUp fires.",
    min: 0.001, max: 0.5, bounds: "below 0.1% file creation already fails; above half free a volume is not running out of inodes",
  },
  KubeNodeReadinessFlapping: {
    default: 2, unit: "count", doc: "Ready-condition changes of a node in 15m above which KubeNodeReadinessFlapping fires.",
    min: 0, max: 30, bounds: "a 15m window at a 15s scrape interval holds at most 59 changes; 30 keeps the cases' quiet window inside it",
  },
  NodeFilesystemSpaceFillingUp: {
    default: 0.4, unit: "ratio", doc: "Free share (0-1) of a node filesystem below which NodeFilesystemSpaceFillingUp fires when its 6h trend fills it within 24h.",
    min: 0.01, max: 0.9, bounds: "below 1% it is full already (HighDiskUsage); at nearly all free a trend says nothing",
  },
  NodeClockSkewDetected: {
    default: 0.05, unit: "seconds", doc: "Clock offset in seconds beyond which (and not shrinking) NodeClockSkewDetected fires.",
    max: 10, bounds: "an offset of more than 10s breaks TLS and tokens long before this alert would fire",
  },
  KubeletTooManyPods: {
    default: 0.95, unit: "ratio", doc: "Share (0-1) of a node's pod capacity running above which KubeletTooManyPods fires.",
    min: 0.5, max: 0.99, bounds: "at 100% there is no headroom to warn about; below half the node is not crowded",
  },
  KubeAggregatedAPIErrors: {
    default: 4, unit: "count", doc: "Times an aggregated API was marked unavailable in 10m above which KubeAggregatedAPIErrors fires.",
    ...failureBounds(failureWindows.KubeAggregatedAPIErrors),
  },
  KubeAPIErrorsHigh: {
    default: 0.03, unit: "ratio", doc: "Ratio (0-1) of API server requests answered 5xx above which KubeAPIErrorsHigh fires.",
    max: 0.99, bounds: "a share of requests failing can only pass a threshold below 1",
  },
  KubeAPILatencyHigh: { default: 1, unit: "seconds", doc: "p99 latency in seconds of API server requests (long-running verbs excluded) above which KubeAPILatencyHigh fires." },
  KubeClientCertificateExpiration: {
    default: 7, unit: "days",
    doc: "Days of validity left on client certificates presented to the API server below which KubeClientCertificateExpiration fires; read from the API server's histogram (buckets at 1, 2, 4, 7, 30, 90 days …), so a value between buckets is interpolated.",
  },
  KubeletClientCertificateExpiration: {
    default: 7, unit: "days", doc: "Days of validity left on a kubelet's client certificate below which KubeletClientCertificateExpiration fires.",
  },
  ThanosSidecarUploadsFailing: {
    default: 0, unit: "count", doc: "Failed block uploads of a Thanos sidecar in 5m above which ThanosSidecarUploadsFailing fires.", ...failureBounds(rateWindows.stack),
  },
  ThanosBucketOperationsFailing: { default: 0.05, unit: "ratio", doc: "Ratio (0-1) of a Thanos role's object storage operations that fail above which ThanosBucketOperationsFailing fires.", ...shareBounds },
  ThanosStoreGatewayGrpcErrors: { default: 0.05, unit: "ratio", doc: "Ratio (0-1) of the Store Gateway's gRPC requests (Series, LabelNames, ...) failing server-side above which ThanosStoreGatewayGrpcErrors fires.", ...shareBounds },
  ThanosQueryHttpErrors: { default: 0.05, unit: "ratio", doc: "Ratio (0-1) of Thanos Query's HTTP API requests answered 5xx above which ThanosQueryHttpErrors fires.", ...shareBounds },
  ThanosQueryStoreApiErrors: { default: 0.05, unit: "ratio", doc: "Ratio (0-1) of Thanos Query's gRPC calls to its store endpoints failing above which ThanosQueryStoreApiErrors fires.", ...shareBounds },
} as const satisfies Record<string, ThresholdSpec>;

export type ThresholdName = keyof typeof thresholdTable;
export const thresholdNames = Object.keys(thresholdTable) as ThresholdName[];

/** Every threshold, in its expression's unit (ratios 0..1, seconds, counts). */
export type AlertThresholds = Record<ThresholdName, number>;
export const defaultThresholds = Object.fromEntries(thresholdNames.map((name) => [name, thresholdTable[name].default])) as AlertThresholds;
