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
} as const;

/** The tag of a pinned image reference, e.g. "v3.16.0". */
export function imageTag(image: string): string {
  return image.slice(image.lastIndexOf(":") + 1);
}
