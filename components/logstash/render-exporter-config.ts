// Pure: the configuration of the Logstash pod's metrics sidecar, prometheus-community/json_exporter (v0.7.0).
// Logstash exposes its stats only as JSON (the monitoring API's /_node/stats); json_exporter turns one such
// document into Prometheus series at each scrape of its /probe endpoint. Every name the alerts and the
// dashboard use is declared here once (logstashMetrics) and imported by them.
//
// Naming: `logstash_` then the part (jvm, process, pipeline), counters end in `_total`. json_exporter cannot
// scale a value, so Logstash's millisecond counters keep their unit in the name as `millis` (`milliseconds`
// would fail promtool's lint, which asks for base units; `millis` names the unit without claiming seconds).
import { toYaml } from "../yaml";
import { LOGSTASH_API_PORT } from "./contract";

/** The json_exporter module our scrape job asks for (`/probe?module=...`). */
export const LOGSTASH_EXPORTER_MODULE = "logstash";
/** The document each scrape reads: every node stat, with each pipeline's stats under `pipelines.<id>`. */
export const LOGSTASH_STATS_PATH = "/_node/stats";
/** Logstash's monitoring API as the sidecar reaches it: over the pod's loopback, never the network. */
export const LOGSTASH_STATS_URL = `http://127.0.0.1:${LOGSTASH_API_PORT}${LOGSTASH_STATS_PATH}`;

/** The series the sidecar exports that the alerts and the dashboard use. */
export const logstashMetrics = {
  heapUsedPercent: "logstash_jvm_heap_used_percent",
  heapUsedBytes: "logstash_jvm_heap_used_bytes",
  heapMaxBytes: "logstash_jvm_heap_max_bytes",
  gcCollections: "logstash_jvm_gc_collections_total",
  gcTimeMillis: "logstash_jvm_gc_collection_time_millis_total",
  uptimeMillis: "logstash_jvm_uptime_millis",
  processCpuPercent: "logstash_process_cpu_percent",
  processCpuMillis: "logstash_process_cpu_millis_total",
  openFileDescriptors: "logstash_process_open_file_descriptors",
  maxFileDescriptors: "logstash_process_max_file_descriptors",
  reloadFailures: "logstash_reloads_failures_total",
  reloadSuccesses: "logstash_reloads_successes_total",
  eventsIn: "logstash_pipeline_events_in_total",
  eventsFiltered: "logstash_pipeline_events_filtered_total",
  eventsOut: "logstash_pipeline_events_out_total",
  queueEvents: "logstash_pipeline_queue_events",
  queueSizeBytes: "logstash_pipeline_queue_size_bytes",
  queueMaxSizeBytes: "logstash_pipeline_queue_max_size_bytes",
  pipelineReloadFailures: "logstash_pipeline_reloads_failures_total",
  workerUtilizationPercent: "logstash_pipeline_worker_utilization_percent",
  queueBackpressure: "logstash_pipeline_queue_backpressure",
  filterFailures: "logstash_pipeline_filter_failures_total",
} as const;

/** The label naming a pipeline (its pipeline.id) on every per-pipeline series. */
export const LOGSTASH_PIPELINE_LABEL = "pipeline";
/** Labels of the filter-plugin series: the plugin's id (as configured, else a generated hash) and its name (grok, date …). */
export const LOGSTASH_FILTER_PLUGIN_LABELS = { id: "plugin_id", name: "plugin" } as const;

type ValueType = "counter" | "gauge";
interface NodeMetric { name: string; help: string; valueType: ValueType; path: string; labels?: Record<string, string> }
interface PipelineMetric { name: string; help: string; valueType: ValueType; path: string }

const m = logstashMetrics;
const gc = (generation: "young" | "old"): NodeMetric[] => [
  { name: m.gcCollections, help: "Garbage collections by the JVM's collector of a generation.", valueType: "counter", path: `.jvm.gc.collectors.${generation}.collection_count`, labels: { collector: generation } },
  { name: m.gcTimeMillis, help: "Milliseconds the JVM spent in garbage collection, by generation.", valueType: "counter", path: `.jvm.gc.collectors.${generation}.collection_time_in_millis`, labels: { collector: generation } },
];

/** Node-wide stats: the JVM, the process and config reloads. */
const nodeMetrics: NodeMetric[] = [
  { name: m.heapUsedPercent, help: "JVM heap in use, percent of the maximum heap.", valueType: "gauge", path: ".jvm.mem.heap_used_percent" },
  { name: m.heapUsedBytes, help: "JVM heap in use, bytes.", valueType: "gauge", path: ".jvm.mem.heap_used_in_bytes" },
  { name: m.heapMaxBytes, help: "Maximum JVM heap, bytes.", valueType: "gauge", path: ".jvm.mem.heap_max_in_bytes" },
  ...gc("young"),
  ...gc("old"),
  { name: m.uptimeMillis, help: "Milliseconds since the JVM started.", valueType: "gauge", path: ".jvm.uptime_in_millis" },
  { name: m.processCpuPercent, help: "CPU use of the Logstash process, percent of one CPU as Logstash reports it.", valueType: "gauge", path: ".process.cpu.percent" },
  { name: m.processCpuMillis, help: "CPU time of the Logstash process, milliseconds.", valueType: "counter", path: ".process.cpu.total_in_millis" },
  { name: m.openFileDescriptors, help: "File descriptors the Logstash process has open.", valueType: "gauge", path: ".process.open_file_descriptors" },
  { name: m.maxFileDescriptors, help: "File descriptors the Logstash process may open.", valueType: "gauge", path: ".process.max_file_descriptors" },
  { name: m.reloadFailures, help: "Failed pipeline configuration reloads of the node.", valueType: "counter", path: ".reloads.failures" },
  { name: m.reloadSuccesses, help: "Successful pipeline configuration reloads of the node.", valueType: "counter", path: ".reloads.successes" },
];

/** Each pipeline's stats, under `pipelines.<id>`. */
const pipelineMetrics: PipelineMetric[] = [
  { name: m.eventsIn, help: "Events the pipeline's inputs pushed into its queue.", valueType: "counter", path: ".events.in" },
  { name: m.eventsFiltered, help: "Events that went through the pipeline's filters.", valueType: "counter", path: ".events.filtered" },
  { name: m.eventsOut, help: "Events the pipeline's outputs completed.", valueType: "counter", path: ".events.out" },
  { name: m.queueEvents, help: "Events waiting in the pipeline's queue (unacknowledged, for a persisted queue).", valueType: "gauge", path: ".queue.events_count" },
  { name: m.queueSizeBytes, help: "Size of the pipeline's persisted queue on disk, bytes (0 for a memory queue).", valueType: "gauge", path: ".queue.queue_size_in_bytes" },
  { name: m.queueMaxSizeBytes, help: "Capacity of the pipeline's persisted queue (queue.max_bytes), bytes (0 for a memory queue).", valueType: "gauge", path: ".queue.max_queue_size_in_bytes" },
  { name: m.pipelineReloadFailures, help: "Failed configuration reloads of the pipeline.", valueType: "counter", path: ".reloads.failures" },
  // Flow metrics (Logstash 8.5+): a percentage (100 = every worker always busy) and a unitless ratio.
  { name: m.workerUtilizationPercent, help: "Share of the pipeline's worker time in use, percent, over Logstash's most recent flow window.", valueType: "gauge", path: ".flow.worker_utilization.current" },
  { name: m.queueBackpressure, help: "Time inputs spent blocked pushing into the pipeline's queue, per unit of wall-clock time, over Logstash's most recent flow window.", valueType: "gauge", path: ".flow.queue_backpressure.current" },
];

/** A pipeline id as Logstash's pipelines.yml allows it and a JSONPath field and label value can carry verbatim. */
const PIPELINE_ID = /^[A-Za-z0-9_-]+$/;

export interface LogstashExporterConfigSpec {
  /** The ids of the pipelines whose stats are exported (pipelines.yml `pipeline.id`). */
  pipelines: string[];
}

/**
 * json_exporter's config.yml: one module reading /_node/stats. A pipeline's series carry `pipeline="<id>"`;
 * Logstash keys its pipelines by id in an object, which JSONPath cannot turn into a label, so each pipeline
 * is spelled out (same names, help and label names: json_exporter then exports them as one family).
 */
export function renderLogstashExporterConfig(spec: LogstashExporterConfigSpec): string {
  const bad = spec.pipelines.filter((id) => !PIPELINE_ID.test(id));
  if (bad.length) throw new Error(`Logstash pipeline ids must match ${PIPELINE_ID}: ${bad.join(", ")}`);
  if (spec.pipelines.length === 0) throw new Error("the Logstash metrics sidecar needs at least one pipeline id");
  const metrics: Record<string, unknown>[] = nodeMetrics.map((n) => ({
    name: n.name, help: n.help, valuetype: n.valueType, path: `{${n.path}}`, ...(n.labels ? { labels: n.labels } : {}),
  }));
  for (const id of [...new Set(spec.pipelines)]) {
    const root = `.pipelines.${id}`;
    for (const p of pipelineMetrics) {
      metrics.push({ name: p.name, help: p.help, valuetype: p.valueType, path: `{${root}${p.path}}`, labels: { [LOGSTASH_PIPELINE_LABEL]: id } });
    }
    // One series per filter plugin that counts failures (grok, date, …: those that can fail to match);
    // json_exporter skips the plugins without a `failures` field.
    metrics.push({
      name: m.filterFailures.replace(/_failures_total$/, ""),
      type: "object",
      help: "Events a filter plugin failed to process (a grok or date pattern that did not match), by plugin.",
      valuetype: "counter",
      path: `{${root}.plugins.filters[*]}`,
      labels: { [LOGSTASH_PIPELINE_LABEL]: id, [LOGSTASH_FILTER_PLUGIN_LABELS.id]: "{.id}", [LOGSTASH_FILTER_PLUGIN_LABELS.name]: "{.name}" },
      values: { failures_total: "{.failures}" },
    });
  }
  return toYaml({ modules: { [LOGSTASH_EXPORTER_MODULE]: { metrics } } });
}
