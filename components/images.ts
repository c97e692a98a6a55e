// Every container image the stack deploys, pinned to an exact upstream release. The Prometheus,
// Alertmanager, node-exporter and blackbox-exporter versions match scripts/versions.env, the binaries
// the tests run (a test asserts it), so what is proven on loopback is what runs in the cluster.
export const images = {
  prometheus: "quay.io/prometheus/prometheus:v3.16.0",
  alertmanager: "quay.io/prometheus/alertmanager:v0.34.2",
  nodeExporter: "quay.io/prometheus/node-exporter:v1.12.1",
  blackboxExporter: "quay.io/prometheus/blackbox-exporter:v0.28.0",
  cadvisor: "gcr.io/cadvisor/cadvisor:v0.52.1",
  kubeStateMetrics: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0",
  // 12.4 is the last 12.x minor (security fixes into 2027); 13.x stores dashboards in its v2 schema, and the
  // dashboards here are the v1 JSON model file provisioning reads. 12.4.3 is a published grafana/grafana tag.
  grafana: "docker.io/grafana/grafana:12.4.3",
  // Watches mounted config and calls /-/reload, so a rule change reloads without restarting pods.
  configReloader: "quay.io/prometheus-operator/prometheus-config-reloader:v0.89.0",
  // Logs and traces. The Elastic Stack version is the one the pinned ECK operator (3.5.0) ships its samples with.
  elasticsearch: "docker.elastic.co/elasticsearch/elasticsearch:9.4.3",
  kibana: "docker.elastic.co/kibana/kibana:9.4.3",
  logstash: "docker.elastic.co/logstash/logstash:9.4.3",
  loki: "docker.io/grafana/loki:3.7.8",
  // Thanos (sidecar, query, store gateway, compactor); the same version as scripts/versions.env THANOS_VERSION,
  // the binary the loopback proof runs (scripts/install-thanos.sh).
  thanos: "quay.io/thanos/thanos:v0.42.5",
  alloy: "docker.io/grafana/alloy:v1.11.0",
  // Jaeger v2; the same version as scripts/versions.env JAEGER_VERSION, the binary the tests run.
  jaeger: "docker.io/jaegertracing/jaeger:2.13.0",
  // Jaeger's Elasticsearch index cleaner keeps the v1 numbering (released with Jaeger 2.13.0 as 1.76.0).
  jaegerEsIndexCleaner: "docker.io/jaegertracing/jaeger-es-index-cleaner:1.76.0",
  // prometheus-community/elasticsearch_exporter (Apache-2.0), released 2026-07-02; its metric names are proven
  // from the module source at this tag (test/tools/grafana-dashboards.test.ts).
  elasticsearchExporter: "quay.io/prometheuscommunity/elasticsearch-exporter:v1.11.0",
  // prometheus-community/json_exporter (Apache-2.0), the Logstash pod's metrics sidecar; the same version as
  // scripts/versions.env JSON_EXPORTER_VERSION, the binary the loopback proof runs (scripts/install-json-exporter.sh).
  jsonExporter: "quay.io/prometheuscommunity/json-exporter:v0.7.0",
  // Applies Elasticsearch lifecycle policies and index templates over the REST API.
  curl: "docker.io/curlimages/curl:8.15.0",
} as const;

/** The tag of a pinned image reference, e.g. "v3.16.0". */
export function imageTag(image: string): string {
  return image.slice(image.lastIndexOf(":") + 1);
}
