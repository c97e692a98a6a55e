// promtool cases of the log and trace pipeline's alerts (rules/pipeline.ts). The series carry the labels the
// real exporters give them (proven in components/grafana/metric-inventory.ts) plus what the scrape adds.
import { lastLineRuleGrokId, lineRuleGrokId, lineRules } from "../../log-parsing";
import { LOGSTASH_PIPELINE_ID } from "../../logstash/contract";
import { LOGSTASH_FILTER_PLUGIN_LABELS, logstashMetrics, LOGSTASH_PIPELINE_LABEL } from "../../logstash/render-exporter-config";
import { AlertTestSeries } from "../types";
import {
  aboveThresholdCases, CaseBuilder, constant, counter, failureRatioScenario, Labels, nearThreshold, pct, sampled, Scenario, SCRAPE_INTERVAL_SECONDS, sustainedCases,
  thresholdOf, zeroCases,
} from "./series";
import { elasticsearchExporter, grafana, jaeger, logShipper, logstash, loki } from "./targets";

const pushTo: Labels = { host: "loki-write.monitoring.svc:3100" };
const shipperGroup: Labels = { job: logShipper.job, node: logShipper.node, ...pushTo };

/** Alloy's entries: `dropped` of every 100 given up on (split over two reasons), the rest sent. */
const shipperEntries = (dropped: number): AlertTestSeries[] => [
  counter("loki_write_sent_entries_total", { ...logShipper, ...pushTo }, 100 - dropped),
  counter("loki_write_dropped_entries_total", { ...logShipper, ...pushTo, reason: "rate_limited" }, dropped / 2),
  counter("loki_write_dropped_entries_total", { ...logShipper, ...pushTo, reason: "ingester_error" }, dropped / 2),
  // Another node's shipper, all well: the ratio is per node.
  counter("loki_write_sent_entries_total", { ...logShipper, instance: "10.0.1.7:12345", node: "node-2", ...pushTo }, 100),
  counter("loki_write_dropped_entries_total", { ...logShipper, instance: "10.0.1.7:12345", node: "node-2", ...pushTo, reason: "rate_limited" }, 0),
];

/** Alloy's pushes: `failed` of every 100 answered 5xx or 429, the rest 204. */
const shipperPushes = (failed: number): AlertTestSeries[] => [
  counter("loki_write_request_duration_seconds_count", { ...logShipper, ...pushTo, status_code: "204" }, 100 - failed),
  counter("loki_write_request_duration_seconds_count", { ...logShipper, ...pushTo, status_code: "429" }, failed / 2),
  counter("loki_write_request_duration_seconds_count", { ...logShipper, ...pushTo, status_code: "500" }, failed / 2),
];

const pushRoute: Labels = { ...loki, method: "POST", route: "loki_api_v1_push", ws: "false" };
/** Loki's push requests: `failed` of every 100 answered 500; 5% of the rest answered 429 (a limit, not an error). */
const lokiRequests = (failed: number): AlertTestSeries[] => [
  counter("loki_request_duration_seconds_count", { ...pushRoute, status_code: "204" }, (100 - failed) * 0.95),
  counter("loki_request_duration_seconds_count", { ...pushRoute, status_code: "429" }, (100 - failed) * 0.05),
  counter("loki_request_duration_seconds_count", { ...pushRoute, status_code: "500" }, failed),
];

/** Lines pushed to Loki: `discarded` of every 100 discarded, over two limits. */
const lokiLines = (discarded: number): AlertTestSeries[] => [
  counter("loki_distributor_lines_received_total", { ...loki, tenant: "fake" }, 100),
  counter("loki_discarded_samples_total", { ...loki, tenant: "fake", reason: "rate_limited" }, discarded / 2),
  counter("loki_discarded_samples_total", { ...loki, tenant: "fake", reason: "line_too_long" }, discarded / 2),
];

const otlpReceiver: Labels = { ...jaeger, receiver: "otlp", transport: "http" };
const jaegerReceived = (refused: number): AlertTestSeries[] => [
  counter("otelcol_receiver_accepted_spans_total", otlpReceiver, 100 - refused),
  counter("otelcol_receiver_refused_spans_total", otlpReceiver, refused),
];
const storageExporter: Labels = { ...jaeger, exporter: "jaeger_storage_exporter" };
const jaegerExported = (failed: number): AlertTestSeries[] => [
  counter("otelcol_exporter_sent_spans_total", storageExporter, 100 - failed),
  counter("otelcol_exporter_send_failed_spans_total", storageExporter, failed),
];

/** The exporter's health series: one per colour, 1 on the current one. */
const health = (color: "green" | "yellow" | "red"): Scenario => ({
  what: `the cluster is ${color}`,
  series: (["green", "yellow", "red"] as const).map((c) => constant("elasticsearch_cluster_health_status", { ...elasticsearchExporter, color: c }, c === color ? 1 : 0)),
});
const healthCases = (color: "yellow" | "red", forDuration: string) =>
  sustainedCases({
    for: forDuration,
    activeFrom: 0,
    breach: health(color),
    normal: [health("green"), health(color === "red" ? "yellow" : "red")],
    labels: { ...elasticsearchExporter, color },
  });

const dataPath: Labels = { ...elasticsearchExporter, name: "logs-es-hot-0", path: "/usr/share/elasticsearch/data" };
const esDisk = (used: number): Scenario => {
  const size = 100e9;
  return {
    what: `the node's data disk is ${pct(used)} used`,
    series: [
      constant("elasticsearch_filesystem_data_available_bytes", dataPath, Math.round(size * (1 - used))),
      constant("elasticsearch_filesystem_data_size_bytes", dataPath, size),
    ],
  };
};

/** Grafana's requests: `failed` of every 100 answered 502 (a datasource behind its proxy); of the rest a tenth 404. */
const grafanaRequests = (failed: number): AlertTestSeries[] => [
  counter("grafana_http_request_duration_seconds_count", { ...grafana, handler: "/api/dashboards/uid/:uid", method: "GET", status_code: "200" }, (100 - failed) * 0.9),
  counter("grafana_http_request_duration_seconds_count", { ...grafana, handler: "/api/dashboards/uid/:uid", method: "GET", status_code: "404" }, (100 - failed) * 0.1),
  counter("grafana_http_request_duration_seconds_count", { ...grafana, handler: "/api/datasources/proxy/uid/:uid/*", method: "GET", status_code: "502" }, failed),
];

const rateBased = { activeFrom: SCRAPE_INTERVAL_SECONDS };

// Logstash, through its json_exporter sidecar (names and labels from components/logstash/render-exporter-config.ts).
const lsPipeline: Labels = { ...logstash, [LOGSTASH_PIPELINE_LABEL]: LOGSTASH_PIPELINE_ID };
/** What the per-pipeline alerts keep: `sum by (job, namespace, pod, pipeline)`. */
const lsGroup: Labels = { job: logstash.job, namespace: logstash.namespace, pod: logstash.pod, [LOGSTASH_PIPELINE_LABEL]: LOGSTASH_PIPELINE_ID };

/** The shipper's requests in (10 a scrape) and the log records delivered out of them. */
const lsThroughput = (outPerScrape: number, inPerScrape = 10): Scenario => ({
  what: `${inPerScrape} requests and ${outPerScrape} records delivered a scrape`,
  series: [counter(logstashMetrics.eventsIn, lsPipeline, inPerScrape), counter(logstashMetrics.eventsOut, lsPipeline, outPerScrape)],
});

const grokOf = (pluginId: string): Labels => ({ ...lsPipeline, [LOGSTASH_FILTER_PLUGIN_LABELS.id]: pluginId, [LOGSTASH_FILTER_PLUGIN_LABELS.name]: "grok" });
/** 100 log records a scrape, `unparsed` of them matching no rule; the first rule's grok fails on most lines by design. */
const lsUnparsed = (unparsed: number): Scenario => ({
  what: `${pct(unparsed)} of log lines match no rule`,
  series: [
    counter(logstashMetrics.eventsFiltered, lsPipeline, 100),
    counter(logstashMetrics.filterFailures, grokOf(lastLineRuleGrokId()), unparsed * 100),
    counter(logstashMetrics.filterFailures, grokOf(lineRuleGrokId(lineRules[0].name)), 90),
  ],
});

/** queue.max_bytes the component sets on the default 2Gi volume (80% of it: 1638mb). */
const QUEUE_CAPACITY = 1638 * 2 ** 20;
const lsQueue = (used: number): Scenario => ({
  what: `the persisted queue is ${pct(used)} full`,
  series: [constant(logstashMetrics.queueSizeBytes, lsPipeline, Math.round(QUEUE_CAPACITY * used)), constant(logstashMetrics.queueMaxSizeBytes, lsPipeline, QUEUE_CAPACITY)],
});

const lsHeap = (percent: (seconds: number) => number, what: string): Scenario => ({ what, series: [sampled(logstashMetrics.heapUsedPercent, logstash, percent)] });

export const logstashCases: Record<string, CaseBuilder> = {
  LogstashDown: (alert) => zeroCases("up", logstash, alert.for, "the Logstash sidecar's scrape"),
  LogstashPipelineStalled: (alert) =>
    sustainedCases({
      for: alert.for,
      ...rateBased,
      breach: lsThroughput(0),
      normal: [
        lsThroughput(1),
        { what: "the pipeline is idle (nothing in, nothing out)", series: lsThroughput(0, 0).series },
      ],
      labels: lsGroup,
    }),
  LogstashLinesUnparsed: (alert) => aboveThresholdCases(alert, lsUnparsed, { ...rateBased, labels: lsGroup }),
  LogstashQueueFillingUp: (alert) => {
    const { above, below } = nearThreshold(thresholdOf(alert));
    return sustainedCases({
      for: alert.for,
      activeFrom: 0,
      breach: lsQueue(above),
      normal: [
        lsQueue(below),
        {
          what: "the pipeline has a memory queue (capacity 0)",
          series: [constant(logstashMetrics.queueSizeBytes, lsPipeline, 0), constant(logstashMetrics.queueMaxSizeBytes, lsPipeline, 0)],
        },
      ],
      labels: lsPipeline,
    });
  },
  LogstashJvmHeapHigh: (alert) => {
    const { above, below } = nearThreshold(thresholdOf(alert));
    return sustainedCases({
      for: alert.for,
      activeFrom: 0,
      breach: lsHeap(() => above * 100, `the heap stays ${pct(above)} used`),
      normal: [
        lsHeap(() => below * 100, `the heap stays ${pct(below)} used`),
        // Full between collections, half empty after each (a collection every minute): healthy.
        lsHeap((s) => (s % 60 === 0 ? 50 : 98), "the heap fills to 98% and drops to 50% at each collection"),
      ],
      labels: logstash,
    });
  },
};

export const pipelineCases: Record<string, CaseBuilder> = {
  LogShipperDroppingLogs: (alert) => aboveThresholdCases(alert, (r) => failureRatioScenario(r, shipperEntries), { ...rateBased, labels: shipperGroup }),
  LogShipperRequestErrors: (alert) => aboveThresholdCases(alert, (r) => failureRatioScenario(r, shipperPushes), { ...rateBased, labels: shipperGroup }),
  LokiRequestErrors: (alert) => aboveThresholdCases(alert, (r) => failureRatioScenario(r, lokiRequests), { ...rateBased, labels: { job: loki.job, route: pushRoute.route } }),
  LokiIngestionRejected: (alert) => aboveThresholdCases(alert, (r) => failureRatioScenario(r, lokiLines), { ...rateBased, labels: { job: loki.job } }),
  JaegerSpansRefused: (alert) =>
    aboveThresholdCases(alert, (r) => failureRatioScenario(r, jaegerReceived), { ...rateBased, labels: { job: jaeger.job, instance: jaeger.instance, receiver: "otlp" } }),
  JaegerSpanExportFailing: (alert) =>
    aboveThresholdCases(alert, (r) => failureRatioScenario(r, jaegerExported), { ...rateBased, labels: { job: jaeger.job, instance: jaeger.instance, exporter: storageExporter.exporter } }),
  ElasticsearchClusterRed: (alert) => healthCases("red", alert.for),
  ElasticsearchClusterYellow: (alert) => healthCases("yellow", alert.for),
  ElasticsearchDiskWatermarkNear: (alert) => aboveThresholdCases(alert, esDisk, { activeFrom: 0, labels: dataPath }),
  GrafanaDown: (alert) => [
    ...sustainedCases({
      for: alert.for,
      activeFrom: 0,
      breach: { what: "Grafana's only target is down", series: [constant("up", grafana, 0)] },
      normal: [{ what: "Grafana is up (and another job is down)", series: [constant("up", grafana, 1), constant("up", { ...loki }, 0)] }],
      // absent() of a comparison carries no labels.
      labels: {},
    }),
    { description: `fires when no Grafana target is discovered at all for ${alert.for}`, series: [constant("up", loki, 1)], evalTime: alert.for, fires: true, expectedLabels: {} },
  ],
  GrafanaRequestErrors: (alert) => aboveThresholdCases(alert, (r) => failureRatioScenario(r, grafanaRequests), { ...rateBased, labels: { job: grafana.job } }),
  ...logstashCases,
};
