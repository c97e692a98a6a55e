// The log and trace pipeline: the log shipper (Alloy) → Loki, Jaeger, Elasticsearch (through its
// exporter) and Logstash (through its json_exporter sidecar), with the pipeline alerts' thresholds as dashed lines. Every selector carries the cluster and
// environment matchers, so one Grafana reading Thanos Query can look at any cluster's pipeline.
import { eckOperatorContract, elasticsearchExporterContract } from "../../elasticsearch/contract";
import { grafanaContract } from "../contract";
import { jaegerContract } from "../../jaeger/contract";
import { lastLineRuleGrokId } from "../../log-parsing/render-logstash";
import { logShipperContract } from "../../log-shipper/contract";
import { logstashContract } from "../../logstash/contract";
import { LOGSTASH_FILTER_PLUGIN_LABELS, logstashMetrics as ls, LOGSTASH_PIPELINE_LABEL } from "../../logstash/render-exporter-config";
import { lokiContract } from "../../loki/contract";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { above, CLUSTER, dashboardBuilder, DashboardDefinition, DashboardOptions, finish, rateOf, row, SCOPE, statPanel, steps, timeseriesPanel } from "./common";

export const LOG_TRACE_PIPELINE_UID = "novacron-log-trace-pipeline";

// Every selector carries the cluster and environment matchers (common.ts SCOPE; the variables come with
// dashboardBuilder), and every grouping keeps clusters apart (CLUSTER in each `by`).
const scope = SCOPE;
const shipper = `job="${logShipperContract.job}", ${scope}`;
const loki = `job="${lokiContract.job}", ${scope}`;
const jaeger = `job="${jaegerContract.job}", ${scope}`;
const es = `job="${elasticsearchExporterContract.job}", ${scope}`;
const grafana = `job="${grafanaContract.job}", ${scope}`;
const eck = `job="${eckOperatorContract.job}", ${scope}`;
const logstash = `job="${logstashContract.job}", ${scope}`;
/** Per Logstash pod and pipeline, clusters apart. */
const lsBy = `${CLUSTER}, pod, ${LOGSTASH_PIPELINE_LABEL}`;

/** 0 green, 1 yellow, 2 red. */
const healthMappings: dashboard.ValueMapping[] = [
  { type: dashboard.MappingType.ValueToText, options: { "0": { text: "GREEN", color: "green", index: 0 }, "1": { text: "YELLOW", color: "yellow", index: 1 }, "2": { text: "RED", color: "red", index: 2 } } },
];

export function logTracePipelineDashboard({ catalog }: DashboardOptions): DashboardDefinition {
  const builder = dashboardBuilder(LOG_TRACE_PIPELINE_UID, "Log and trace pipeline", "The stack's own logs and traces: the log shipper, Loki, Jaeger, Elasticsearch, Logstash and the ECK operator.", ["stack", "logs", "traces"])

    .withRow(row("Log shipper (Alloy)"))
    .withPanel(timeseriesPanel({
      title: "Log entries shipped", span: 12, height: 8, unit: "short", min: 0,
      description: "Entries each node's Alloy sends to Loki per second, and those it gives up on after all retries (lost).",
      queries: [
        { expr: `sum by (${CLUSTER}, node) (${rateOf("loki_write_sent_entries_total", shipper)})`, legend: "{{node}} sent" },
        { expr: `sum by (${CLUSTER}, node, reason) (${rateOf("loki_write_dropped_entries_total", shipper)})`, legend: "{{node}} dropped ({{reason}})" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Entries dropped", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each node's entries dropped; above the dashed line (LogShipperDroppingLogs' threshold) for 10m, the alert fires.",
      queries: [{
        expr: `sum by (${CLUSTER}, node) (${rateOf("loki_write_dropped_entries_total", shipper)}) / clamp_min(sum by (${CLUSTER}, node) (${rateOf("loki_write_sent_entries_total", shipper)}) + sum by (${CLUSTER}, node) (${rateOf("loki_write_dropped_entries_total", shipper)}), 1e-9)`,
        legend: "{{node}}",
      }],
      thresholds: above(catalog, ["LogShipperDroppingLogs", "red"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Pushes failing", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each node's pushes to Loki answered with anything but 2xx (retried); above the dashed line (LogShipperRequestErrors' threshold) for 15m, the alert fires.",
      queries: [{
        expr: `sum by (${CLUSTER}, node) (${rateOf("loki_write_request_duration_seconds_count", `${shipper}, status_code!~"2.."`)}) / clamp_min(sum by (${CLUSTER}, node) (${rateOf("loki_write_request_duration_seconds_count", shipper)}), 1e-9)`,
        legend: "{{node}}",
      }],
      thresholds: above(catalog, ["LogShipperRequestErrors", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Push latency (p99) and retries", span: 12, height: 8, unit: "s", min: 0,
      description: "The 99th percentile of each node's push to Loki, and batches retried per second.",
      queries: [
        { expr: `histogram_quantile(0.99, sum by (${CLUSTER}, node, le) (${rateOf("loki_write_request_duration_seconds_bucket", shipper)}))`, legend: "{{node}} p99" },
        { expr: `sum by (${CLUSTER}, node) (${rateOf("loki_write_batch_retries_total", shipper)})`, legend: "{{node}} retries/s" },
      ],
    }))

    .withRow(row("Loki"))
    .withPanel(timeseriesPanel({
      title: "Lines received and discarded", span: 12, height: 8, unit: "short", min: 0,
      description: "Log lines pushed to Loki per second, and those it discards by reason (limits, too old, too long).",
      queries: [
        { expr: `sum by (${CLUSTER}) (${rateOf("loki_distributor_lines_received_total", loki)})`, legend: "received" },
        { expr: `sum by (${CLUSTER}, reason) (${rateOf("loki_discarded_samples_total", loki)})`, legend: "discarded ({{reason}})" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Lines discarded", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of received lines Loki discards; above the dashed line (LokiIngestionRejected's threshold) for 15m, the alert fires.",
      queries: [{ expr: `sum by (${CLUSTER}) (${rateOf("loki_discarded_samples_total", loki)}) / clamp_min(sum by (${CLUSTER}) (${rateOf("loki_distributor_lines_received_total", loki)}), 1e-9)`, legend: "discarded" }],
      thresholds: above(catalog, ["LokiIngestionRejected", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Request errors by route", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each route's requests answered 5xx (pushes and queries); above the dashed line (LokiRequestErrors' threshold) for 15m, the alert fires.",
      queries: [{
        expr: `sum by (${CLUSTER}, route) (${rateOf("loki_request_duration_seconds_count", `${loki}, status_code=~"5.."`)}) / clamp_min(sum by (${CLUSTER}, route) (${rateOf("loki_request_duration_seconds_count", loki)}), 1e-9)`,
        legend: "{{route}}",
      }],
      thresholds: above(catalog, ["LokiRequestErrors", "red"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Request latency (p99) by route", span: 12, height: 8, unit: "s", min: 0,
      description: "The 99th percentile of each route's requests: pushes (the shippers wait on it) and queries (Grafana waits on it).",
      queries: [{ expr: `histogram_quantile(0.99, sum by (${CLUSTER}, route, le) (${rateOf("loki_request_duration_seconds_bucket", loki)}))`, legend: "{{route}}" }],
    }))

    .withRow(row("Jaeger"))
    .withPanel(timeseriesPanel({
      title: "Spans received", span: 12, height: 8, unit: "short", min: 0,
      description: "Spans each receiver accepts and refuses per second (refused spans are dropped by the senders).",
      queries: [
        { expr: `sum by (${CLUSTER}, receiver) (${rateOf("otelcol_receiver_accepted_spans_total", jaeger)})`, legend: "{{receiver}} accepted" },
        { expr: `sum by (${CLUSTER}, receiver) (${rateOf("otelcol_receiver_refused_spans_total", jaeger)})`, legend: "{{receiver}} refused" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Spans refused and failing to store", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of spans refused by the receivers, and of spans the storage exporter fails to write; above the dashed lines (JaegerSpansRefused, JaegerSpanExportFailing) for 10m, the alerts fire.",
      queries: [
        {
          expr: `sum by (${CLUSTER}, receiver) (${rateOf("otelcol_receiver_refused_spans_total", jaeger)}) / clamp_min(sum by (${CLUSTER}, receiver) (${rateOf("otelcol_receiver_accepted_spans_total", jaeger)}) + sum by (${CLUSTER}, receiver) (${rateOf("otelcol_receiver_refused_spans_total", jaeger)}), 1e-9)`,
          legend: "{{receiver}} refused",
        },
        {
          expr: `sum by (${CLUSTER}, exporter) (${rateOf("otelcol_exporter_send_failed_spans_total", jaeger)}) / clamp_min(sum by (${CLUSTER}, exporter) (${rateOf("otelcol_exporter_sent_spans_total", jaeger)}) + sum by (${CLUSTER}, exporter) (${rateOf("otelcol_exporter_send_failed_spans_total", jaeger)}), 1e-9)`,
          legend: "{{exporter}} failed",
        },
      ],
      thresholds: above(catalog, ["JaegerSpansRefused", "orange"], ["JaegerSpanExportFailing", "red"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Jaeger memory", span: 24, height: 6, unit: "bytes", min: 0,
      description: "Resident memory of each Jaeger pod; in-memory storage holds the traces here.",
      queries: [{ expr: `otelcol_process_memory_rss_bytes{${jaeger}}`, legend: "{{pod}}" }],
    }))

    .withRow(row("Elasticsearch"))
    .withPanel(statPanel({
      title: "Cluster health", span: 6, height: 5,
      description: "Green: every shard assigned. Yellow: replicas unassigned (ElasticsearchClusterYellow). Red: a primary unassigned, writes fail (ElasticsearchClusterRed).",
      queries: [{
        expr: `max by (${CLUSTER}, es_cluster) (elasticsearch_cluster_health_status{${es}, color="red"}) * 2 + max by (${CLUSTER}, es_cluster) (elasticsearch_cluster_health_status{${es}, color="yellow"})`,
        legend: "{{es_cluster}}",
      }],
      thresholds: steps([1, "yellow"], [2, "red"]),
      mappings: healthMappings,
    }))
    .withPanel(statPanel({
      title: "Nodes (data nodes)", span: 6, height: 5,
      description: "Nodes in the cluster, and how many of them hold data.",
      queries: [
        { expr: `max by (${CLUSTER}, es_cluster) (elasticsearch_cluster_health_number_of_nodes{${es}})`, legend: "nodes" },
        { expr: `max by (${CLUSTER}, es_cluster) (elasticsearch_cluster_health_number_of_data_nodes{${es}})`, legend: "data nodes" },
      ],
      thresholds: steps(),
    }))
    .withPanel(statPanel({
      title: "Unassigned shards", span: 12, height: 5,
      description: "Shards with no node: replicas make the cluster yellow, primaries red.",
      queries: [{ expr: `max by (${CLUSTER}, es_cluster) (elasticsearch_cluster_health_unassigned_shards{${es}})`, legend: "{{es_cluster}}" }],
      thresholds: steps([1, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Data disk used by node", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Each node's data disk use, beside the cluster's low, high and flood-stage watermarks; above the dashed line (ElasticsearchDiskWatermarkNear's threshold) for 15m, the alert fires.",
      queries: [
        { expr: `1 - elasticsearch_filesystem_data_available_bytes{${es}} / elasticsearch_filesystem_data_size_bytes{${es}}`, legend: "{{name}}" },
        { expr: `max by (${CLUSTER}, es_cluster) (elasticsearch_clustersettings_allocation_watermark_low_ratio{${es}})`, legend: "low watermark" },
        { expr: `max by (${CLUSTER}, es_cluster) (elasticsearch_clustersettings_allocation_watermark_high_ratio{${es}})`, legend: "high watermark" },
        { expr: `max by (${CLUSTER}, es_cluster) (elasticsearch_clustersettings_allocation_watermark_flood_stage_ratio{${es}})`, legend: "flood stage" },
      ],
      thresholds: above(catalog, ["ElasticsearchDiskWatermarkNear", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "JVM heap used by node", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each node's heap in use; a node near its maximum collects garbage most of the time and slows the cluster.",
      queries: [{ expr: `elasticsearch_jvm_memory_used_bytes{${es}, area="heap"} / elasticsearch_jvm_memory_max_bytes{${es}, area="heap"}`, legend: "{{name}}" }],
      thresholds: steps([0.85, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Documents indexed per second", span: 24, height: 6, unit: "short", min: 0,
      description: "Documents each node indexes per second (Logstash's logs, Jaeger's spans).",
      queries: [{ expr: `sum by (${CLUSTER}, name) (${rateOf("elasticsearch_indices_indexing_index_total", es)})`, legend: "{{name}}" }],
    }))

    .withRow(row("Logstash"))
    .withPanel(statPanel({
      title: "Logstash pods answering", span: 6, height: 8,
      description: "Logstash pods whose metrics sidecar gets their stats; a pod missing here for 5m fires LogstashDown.",
      queries: [{ expr: `sum by (${CLUSTER}) (up{${logstash}})`, legend: "up" }],
      thresholds: steps(),
    }))
    .withPanel(timeseriesPanel({
      title: "Events through Logstash", span: 18, height: 8, unit: "short", min: 0,
      description: "Per second: the shipper's requests in (each carries many log records), and the records filtered and delivered out. Requests in with nothing out for 15m fire LogstashPipelineStalled.",
      queries: [
        { expr: `sum by (${lsBy}) (${rateOf(ls.eventsIn, logstash)})`, legend: "{{pod}} {{pipeline}} requests in" },
        { expr: `sum by (${lsBy}) (${rateOf(ls.eventsFiltered, logstash)})`, legend: "{{pod}} {{pipeline}} records filtered" },
        { expr: `sum by (${lsBy}) (${rateOf(ls.eventsOut, logstash)})`, legend: "{{pod}} {{pipeline}} records out" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Lines matching no parsing rule", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of log records no parsing rule matches (indexed whole, tagged unparsed); above the dashed line (LogstashLinesUnparsed's threshold) for 30m, the alert fires.",
      queries: [{
        expr: `sum by (${lsBy}) (${rateOf(ls.filterFailures, `${logstash}, ${LOGSTASH_FILTER_PLUGIN_LABELS.id}="${lastLineRuleGrokId()}"`)}) / clamp_min(sum by (${lsBy}) (${rateOf(ls.eventsFiltered, logstash)}), 1e-9)`,
        legend: "{{pod}} {{pipeline}}",
      }],
      thresholds: above(catalog, ["LogstashLinesUnparsed", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Persisted queue used", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each pipeline's persisted queue (queue.max_bytes) in use: outputs falling behind inputs. At 100% the inputs block; above the dashed line (LogstashQueueFillingUp's threshold) for 15m, the alert fires.",
      queries: [{ expr: `max by (${lsBy}) (${ls.queueSizeBytes}{${logstash}} / (${ls.queueMaxSizeBytes}{${logstash}} > 0))`, legend: "{{pod}} {{pipeline}}" }],
      thresholds: above(catalog, ["LogstashQueueFillingUp", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Worker utilisation and queue backpressure", span: 12, height: 8, unit: "percent", min: 0,
      description: "Share of each pipeline's worker time in use (100: every worker always busy, the pipeline is saturated or its output blocks), and the time its inputs spend blocked on a full queue, per unit of time (x100, so 100 is one input always blocked).",
      queries: [
        { expr: `max by (${lsBy}) (${ls.workerUtilizationPercent}{${logstash}})`, legend: "{{pod}} {{pipeline}} workers" },
        { expr: `max by (${lsBy}) (${ls.queueBackpressure}{${logstash}}) * 100`, legend: "{{pod}} {{pipeline}} backpressure" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "JVM heap and garbage collection", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each pod's heap in use, and of its time spent collecting garbage. A heap still above the dashed line (LogstashJvmHeapHigh's threshold) at its lowest over 5m, for 10m, fires the alert.",
      queries: [
        { expr: `max by (${CLUSTER}, pod) (${ls.heapUsedPercent}{${logstash}}) / 100`, legend: "{{pod}} heap" },
        { expr: `sum by (${CLUSTER}, pod) (${rateOf(ls.gcTimeMillis, logstash)}) / 1000`, legend: "{{pod}} time in GC" },
      ],
      thresholds: above(catalog, ["LogstashJvmHeapHigh", "orange"]),
    }))

    .withRow(row("ECK operator"))
    .withPanel(timeseriesPanel({
      title: "Reconciles failing by controller", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each ECK controller's reconciles that end in an error; above the dashed line (EckOperatorReconcileErrors' threshold) for 15m, the alert fires.",
      queries: [{
        expr: `sum by (${CLUSTER}, controller) (${rateOf("controller_runtime_reconcile_errors_total", eck)}) / clamp_min(sum by (${CLUSTER}, controller) (${rateOf("controller_runtime_reconcile_total", eck)}), 1e-9)`,
        legend: "{{controller}}",
      }],
      thresholds: above(catalog, ["EckOperatorReconcileErrors", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Reconcile time (p99) by controller", span: 12, height: 8, unit: "s", min: 0,
      description: "The 99th percentile of each controller's reconcile duration; slow ones follow a slow Elasticsearch API.",
      queries: [{ expr: `histogram_quantile(0.99, sum by (${CLUSTER}, controller, le) (${rateOf("controller_runtime_reconcile_time_seconds_bucket", eck)}))`, legend: "{{controller}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Work queue depth by controller", span: 8, height: 8, unit: "short", min: 0,
      description: "Resources ready to reconcile that no worker has taken yet; above the dashed line (EckOperatorWorkqueueBackingUp's threshold) for 15m, the alert fires.",
      queries: [{ expr: `sum by (${CLUSTER}, controller) (workqueue_depth{${eck}})`, legend: "{{controller}}" }],
      thresholds: above(catalog, ["EckOperatorWorkqueueBackingUp", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Time waiting in the queue (p99)", span: 8, height: 8, unit: "s", min: 0,
      description: "How long resources wait in each controller's queue before a worker takes them (decade buckets: a rough figure).",
      queries: [{ expr: `histogram_quantile(0.99, sum by (${CLUSTER}, controller, le) (${rateOf("workqueue_queue_duration_seconds_bucket", eck)}))`, legend: "{{controller}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Longest-running reconcile", span: 8, height: 8, unit: "s", min: 0,
      description: "Age of each controller's oldest reconcile in progress; above the dashed line (EckOperatorReconcileStuck's threshold) for 5m, the alert fires.",
      queries: [{ expr: `max by (${CLUSTER}, controller) (workqueue_longest_running_processor_seconds{${eck}})`, legend: "{{controller}}" }],
      thresholds: above(catalog, ["EckOperatorReconcileStuck", "red"]),
    }))

    .withRow(row("Grafana"))
    .withPanel(timeseriesPanel({
      title: "Grafana requests failing", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of Grafana's requests answered 5xx (its API, pages and datasource proxy); above the dashed line (GrafanaRequestErrors' threshold) for 15m, the alert fires.",
      queries: [{
        expr: `sum by (${CLUSTER}) (${rateOf("grafana_http_request_duration_seconds_count", `${grafana}, status_code=~"5.."`)}) / clamp_min(sum by (${CLUSTER}) (${rateOf("grafana_http_request_duration_seconds_count", grafana)}), 1e-9)`,
        legend: "5xx",
      }],
      thresholds: above(catalog, ["GrafanaRequestErrors", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Grafana request latency (p99) by handler", span: 12, height: 8, unit: "s", min: 0,
      description: "The 99th percentile of Grafana's requests by handler; the datasource proxy's follow the datasources behind it.",
      queries: [{ expr: `histogram_quantile(0.99, sum by (${CLUSTER}, handler, le) (${rateOf("grafana_http_request_duration_seconds_bucket", grafana)}))`, legend: "{{handler}}" }],
    }));

  return { uid: LOG_TRACE_PIPELINE_UID, title: "Log and trace pipeline", folder: "stack", model: finish(builder) };
}
