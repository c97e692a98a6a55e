import type { ComponentContract } from "../contract";

/** Elasticsearch (run by ECK): the REST API over HTTPS, and the transport between its nodes. */
export const elasticsearchContract = {
  name: "elasticsearch",
  ports: { http: 9200, transport: 9300 },
} as const satisfies ComponentContract;

export const ES_HTTP_PORT = elasticsearchContract.ports.http;
export const ES_TRANSPORT_PORT = elasticsearchContract.ports.transport;

/**
 * The Elasticsearch exporter (prometheus-community/elasticsearch_exporter, Apache-2.0): cluster health, node
 * stats and disk use over the REST API, as the read-only monitoring user.
 */
export const elasticsearchExporterContract = {
  name: "elasticsearch-exporter",
  job: "elasticsearch-exporter",
  ports: { metrics: 9114 },
} as const satisfies ComponentContract;

export const ES_EXPORTER_PORT = elasticsearchExporterContract.ports.metrics;

/** What the Elasticsearch exporter falls back on when its args leave a setting out. */
export const elasticsearchExporterDefaults = {
  resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
};

/**
 * The ECK operator (Elastic's Helm chart): its controller metrics on `metrics` (the chart's config.metrics.port),
 * scraped as job `eck-operator` through a Service of ours (the chart makes none for plain-HTTP metrics).
 */
export const eckOperatorContract = {
  name: "elastic-operator",
  job: "eck-operator",
  ports: { metrics: 9090 },
} as const satisfies ComponentContract;
