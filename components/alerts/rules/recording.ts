// Recording rules: the series that alerts and dashboards share (level:metric:operations naming).
import { RecordingRule } from "../types";
import { fsSelector, jobs, rateWindows } from "./selectors";

const { cpu: cpuWindow, traffic: trafficWindow } = rateWindows;

/** Recorded series that alerts and dashboards share (level:metric:operations). */
/** The quantile the `:p95_` recording rules take of their bucket rates (dashboards recompute it across shards). */
export const RECORDED_QUANTILE = 0.95;

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
    expr: `histogram_quantile(${RECORDED_QUANTILE}, ${recordingNames.latencyBuckets})`,
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
    expr: `histogram_quantile(${RECORDED_QUANTILE}, ${recordingNames.inferenceBuckets})`,
  },
];
