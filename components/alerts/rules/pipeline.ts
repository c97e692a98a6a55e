// The stack watching its own log and trace pipeline: the log shipper (Alloy's loki.write), Loki, Jaeger (an
// OpenTelemetry Collector), Elasticsearch (through the Elasticsearch exporter), Logstash (through its
// json_exporter sidecar), and Grafana, which reads
// them. Domain `stack`: the team
// that runs the monitoring stack owns them. Each group is in the catalog only when the stack runs its part.
//
// Ratios divide by everything attempted, so a quiet pipeline (0/0) is no alert, and one lost batch among
// millions is none either. Every counter used here is initialised to 0 by its exporter (Alloy per reason,
// the collector per receiver and exporter), so increase() sees the first failure.
import { lastLineRuleGrokId } from "../../log-parsing/render-logstash";
import { LOGSTASH_FILTER_PLUGIN_LABELS, logstashMetrics, LOGSTASH_PIPELINE_LABEL } from "../../logstash/render-exporter-config";
import { CatalogScope } from "../scope";
import { AlertThresholds } from "../thresholds";
import { AlertRule } from "../types";
import { jobs, rateWindows } from "./selectors";

const w = rateWindows.stack;
/** `sum by (by) (rate(metric{selector}[w]))`. */
const rate = (metric: string, selector: string, by: string) => `sum by (${by}) (rate(${metric}{${selector}}[${w}]))`;

export function pipelineRules(t: AlertThresholds, scope: CatalogScope): AlertRule[] {
  const stack = { domain: "stack" as const };
  const rules: AlertRule[] = [];

  if (scope.logShipper) {
    const shipper = `job="${jobs.logShipper}"`;
    // Per node and Loki endpoint (`host`): one node's shipper failing is a blind spot on that node.
    const by = "job, node, host";
    rules.push(
      {
        ...stack,
        name: "LogShipperDroppingLogs",
        severity: "warning",
        threshold: t.LogShipperDroppingLogs,
        expr: `${rate("loki_write_dropped_entries_total", shipper, by)} / (${rate("loki_write_sent_entries_total", shipper, by)} + ${rate("loki_write_dropped_entries_total", shipper, by)}) > ${t.LogShipperDroppingLogs}`,
        for: "10m",
        summary: "The log shipper on {{ $labels.node }} drops log entries for {{ $labels.host }}",
        description:
          "Alloy on node {{ $labels.node }} gives up on more of its log entries for {{ $labels.host }} than the threshold allows, after all retries: those logs are lost. The `reason` label of loki_write_dropped_entries_total says why (rate_limited, stream_limited, line_too_long, ingester_error).",
      },
      {
        ...stack,
        name: "LogShipperRequestErrors",
        severity: "warning",
        threshold: t.LogShipperRequestErrors,
        expr: `${rate("loki_write_request_duration_seconds_count", `${shipper}, status_code!~"2.."`, by)} / ${rate("loki_write_request_duration_seconds_count", shipper, by)} > ${t.LogShipperRequestErrors}`,
        // As the Promtail mixin: retries absorb short bursts; a quarter of an hour of failing pushes is not one.
        for: "15m",
        summary: "The log shipper on {{ $labels.node }} fails to push to {{ $labels.host }}",
        description:
          "More of Alloy's pushes from node {{ $labels.node }} to {{ $labels.host }} fail than the threshold allows. Entries are retried and wait in memory; once retries run out they are dropped (LogShipperDroppingLogs).",
      },
    );
  }

  if (scope.loki) {
    const loki = `job="${jobs.loki}"`;
    rules.push(
      {
        ...stack,
        name: "LokiRequestErrors",
        severity: "critical",
        threshold: t.LokiRequestErrors,
        expr: `${rate("loki_request_duration_seconds_count", `${loki}, status_code=~"5.."`, "job, route")} / ${rate("loki_request_duration_seconds_count", loki, "job, route")} > ${t.LokiRequestErrors}`,
        // As the Loki mixin: 15m rides over a rollout of the write or read path.
        for: "15m",
        summary: "Loki fails requests on {{ $labels.route }}",
        description:
          "More of Loki's {{ $labels.route }} requests end in a 5xx than the threshold allows: pushes (logs lost once the shippers' retries run out) or queries (Grafana's log panels) are failing.",
      },
      {
        ...stack,
        name: "LokiIngestionRejected",
        severity: "warning",
        threshold: t.LokiIngestionRejected,
        expr: `${rate("loki_discarded_samples_total", loki, "job")} / ${rate("loki_distributor_lines_received_total", loki, "job")} > ${t.LokiIngestionRejected}`,
        for: "15m",
        summary: "Loki discards log lines it receives",
        description:
          "Loki rejects more of the log lines pushed to it than the threshold allows (rate or stream limits, lines too old or too long); they are not stored. The `reason` label of loki_discarded_samples_total names the limit.",
      },
    );
  }

  if (scope.jaeger) {
    const jaeger = `job="${jobs.jaeger}"`;
    rules.push(
      {
        ...stack,
        name: "JaegerSpansRefused",
        severity: "warning",
        threshold: t.JaegerSpansRefused,
        expr: `${rate("otelcol_receiver_refused_spans_total", jaeger, "job, instance, receiver")} / (${rate("otelcol_receiver_accepted_spans_total", jaeger, "job, instance, receiver")} + ${rate("otelcol_receiver_refused_spans_total", jaeger, "job, instance, receiver")}) > ${t.JaegerSpansRefused}`,
        for: "10m",
        summary: "Jaeger {{ $labels.instance }} refuses spans on {{ $labels.receiver }}",
        description:
          "Jaeger's {{ $labels.receiver }} receiver on {{ $labels.instance }} refuses more spans than the threshold allows: its pipeline pushes back (memory limits, storage too slow) and the senders drop those traces.",
      },
      {
        ...stack,
        name: "JaegerSpanExportFailing",
        severity: "warning",
        threshold: t.JaegerSpanExportFailing,
        expr: `${rate("otelcol_exporter_send_failed_spans_total", jaeger, "job, instance, exporter")} / (${rate("otelcol_exporter_sent_spans_total", jaeger, "job, instance, exporter")} + ${rate("otelcol_exporter_send_failed_spans_total", jaeger, "job, instance, exporter")}) > ${t.JaegerSpanExportFailing}`,
        for: "10m",
        summary: "Jaeger {{ $labels.instance }} fails to store spans",
        description:
          "Jaeger's {{ $labels.exporter }} on {{ $labels.instance }} fails to write more spans to its storage than the threshold allows: those traces are lost. Check the storage backend (Elasticsearch health, the volume).",
      },
    );
  }

  if (scope.elasticsearch) {
    const exporter = `job="${jobs.elasticsearchExporter}"`;
    rules.push(
      {
        ...stack,
        name: "ElasticsearchClusterRed",
        severity: "critical",
        expr: `elasticsearch_cluster_health_status{${exporter}, color="red"} == 1`,
        // As the Elasticsearch mixin: a primary shard unassigned for 5 minutes is not a node restarting.
        for: "5m",
        summary: "Elasticsearch cluster {{ $labels.es_cluster }} is red",
        description:
          "A primary shard of Elasticsearch cluster {{ $labels.es_cluster }} is unassigned: writes to its index fail (Logstash and Jaeger queue or drop) and searches return partial results.",
        inhibits: ["ElasticsearchClusterYellow"],
        inhibitEqual: ["es_cluster"],
      },
      {
        ...stack,
        name: "ElasticsearchClusterYellow",
        severity: "warning",
        expr: `elasticsearch_cluster_health_status{${exporter}, color="yellow"} == 1`,
        // Replicas are reallocated after a node restart; 20 minutes (the mixin's) is longer than that.
        for: "20m",
        summary: "Elasticsearch cluster {{ $labels.es_cluster }} is yellow",
        description:
          "Replica shards of Elasticsearch cluster {{ $labels.es_cluster }} are unassigned: data is on one copy only, and one more node lost makes the cluster red.",
      },
      {
        ...stack,
        name: "ElasticsearchDiskWatermarkNear",
        severity: "warning",
        threshold: t.ElasticsearchDiskWatermarkNear,
        expr: `1 - elasticsearch_filesystem_data_available_bytes{${exporter}} / elasticsearch_filesystem_data_size_bytes{${exporter}} > ${t.ElasticsearchDiskWatermarkNear}`,
        for: "15m",
        summary: "Elasticsearch node {{ $labels.name }} is near its disk watermarks",
        description:
          "The data disk of Elasticsearch node {{ $labels.name }} in {{ $labels.es_cluster }} is fuller than the threshold. At the low watermark (85% by default) it takes no new shards, at the high one (90%) shards move away, at the flood stage (95%) its indices turn read-only. Grow the volume, add a node or shorten the lifecycle.",
      },
    );
  }
  if (scope.logstash) {
    const ls = `job="${jobs.logstash}"`;
    const by = `job, namespace, pod, ${LOGSTASH_PIPELINE_LABEL}`;
    const events = (metric: string) => rate(metric, ls, by);
    rules.push(
      {
        ...stack,
        name: "LogstashDown",
        severity: "warning",
        // The sidecar answers 503 when Logstash's API does not: `up` is 0 whether Logstash or its sidecar is gone.
        expr: `up{${ls}} == 0`,
        // A restart (JVM start, pipeline compile) takes a minute or two; the persisted queue holds what was accepted.
        for: "5m",
        summary: "Logstash {{ $labels.pod }} cannot be scraped",
        description:
          "Prometheus gets no stats from Logstash {{ $labels.pod }}: Logstash's monitoring API does not answer its metrics sidecar, or the sidecar is gone. Logs the shipper sends to Logstash are retried and then dropped, and nothing reaches Elasticsearch from this pod; Loki still receives every log.",
        inhibits: ["TargetDown"],
        inhibitEqual: ["job"],
      },
      {
        ...stack,
        name: "LogstashPipelineStalled",
        severity: "warning",
        // `in` counts the shipper's requests, `out` the log records they carry (split apart), so the two are
        // not comparable as a ratio: a stall is requests still arriving while nothing at all is delivered.
        expr: `${events(logstashMetrics.eventsOut)} == 0 and ${events(logstashMetrics.eventsIn)} > 0`,
        for: "15m",
        summary: "Logstash pipeline {{ $labels.pipeline }} on {{ $labels.pod }} takes events in but delivers none",
        description:
          "Pipeline {{ $labels.pipeline }} on {{ $labels.pod }} keeps accepting the shipper's requests but its outputs have completed no event for a quarter of an hour: Elasticsearch refuses or does not answer, or a filter is stuck. Accepted events wait in the persisted queue (LogstashQueueFillingUp follows); once it is full the shipper's pushes to Logstash fail.",
      },
      {
        ...stack,
        name: "LogstashLinesUnparsed",
        severity: "warning",
        threshold: t.LogstashLinesUnparsed,
        // The last line rule's grok sees only lines no earlier rule matched, so its failures are the lines that
        // matched none; `filtered` counts log records (after the OTLP request is split).
        expr: `${rate(logstashMetrics.filterFailures, `${ls}, ${LOGSTASH_FILTER_PLUGIN_LABELS.id}="${lastLineRuleGrokId()}"`, by)} / ${events(logstashMetrics.eventsFiltered)} > ${t.LogstashLinesUnparsed}`,
        for: "30m",
        summary: "Logstash pipeline {{ $labels.pipeline }} on {{ $labels.pod }} matches no parsing rule for many log lines",
        description:
          "More log lines than the threshold's share match none of the parsing rules in Logstash {{ $labels.pod }}: they are indexed whole, tagged as unparsed, and missing from every panel and alert that reads their fields (level, latency, model). A service changed its log format, or a new one logs in a format the rules do not know (components/log-parsing/rules.ts).",
      },
      {
        ...stack,
        name: "LogstashQueueFillingUp",
        severity: "warning",
        threshold: t.LogstashQueueFillingUp,
        // Only persisted queues have a capacity (a memory queue reports 0 for both).
        expr: `${logstashMetrics.queueSizeBytes}{${ls}} / (${logstashMetrics.queueMaxSizeBytes}{${ls}} > 0) > ${t.LogstashQueueFillingUp}`,
        for: "15m",
        summary: "Logstash pipeline {{ $labels.pipeline }} on {{ $labels.pod }} has filled its persisted queue past the threshold",
        description:
          "The persisted queue of pipeline {{ $labels.pipeline }} on {{ $labels.pod }} uses more of its queue.max_bytes than the threshold: its outputs fall behind its inputs (Elasticsearch slow or refusing). When it is full Logstash's inputs block and the shipper's pushes fail, then its retries run out and those logs are lost to Elasticsearch.",
      },
      {
        ...stack,
        name: "LogstashJvmHeapHigh",
        severity: "warning",
        threshold: t.LogstashJvmHeapHigh,
        // The lowest point over 5m is the heap after collections: a full heap between collections is normal.
        expr: `min_over_time(${logstashMetrics.heapUsedPercent}{${ls}}[5m]) / 100 > ${t.LogstashJvmHeapHigh}`,
        for: "10m",
        summary: "Logstash {{ $labels.pod }} keeps its JVM heap nearly full",
        description:
          "Even right after garbage collections, Logstash {{ $labels.pod }} uses more of its JVM heap than the threshold: it spends its time collecting garbage (throughput drops) and is close to an OutOfMemoryError. Raise elk.logstash.resources.limits.memory (the heap is half of it) or lower the pipeline's batch size.",
      },
    );
  }

  if (scope.grafana) {
    const grafana = `job="${jobs.grafana}"`;
    rules.push(
      {
        ...stack,
        name: "GrafanaDown",
        severity: "warning",
        // No Grafana target up, including none discovered at all (every pod gone).
        expr: `absent(up{${grafana}} == 1)`,
        // Alerting does not go through Grafana; dashboards are down, not notifications: warning, and 5m
        // rides over a rollout (Recreate with a volume).
        for: "5m",
        summary: "Grafana is down",
        description:
          "No Grafana pod answers Prometheus' scrapes: dashboards and Explore are unavailable. Alerts still reach their receivers through Alertmanager.",
      },
      {
        ...stack,
        name: "GrafanaRequestErrors",
        severity: "warning",
        threshold: t.GrafanaRequestErrors,
        expr: `${rate("grafana_http_request_duration_seconds_count", `${grafana}, status_code=~"5.."`, "job")} / ${rate("grafana_http_request_duration_seconds_count", grafana, "job")} > ${t.GrafanaRequestErrors}`,
        for: "15m",
        summary: "Grafana answers requests with errors",
        description:
          "More of Grafana's requests end in a 5xx than the threshold allows: its database, or a datasource behind its proxy (Prometheus, Loki, Jaeger, Elasticsearch), is failing.",
      },
    );
  }
  return rules;
}
