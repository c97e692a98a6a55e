// Labels of the test series' scrape targets, as the scrape configuration attaches them (each component's
// contract gives its job and port).
import { alertmanagerContract } from "../../alertmanager/contract";
import { cadvisorContract } from "../../cadvisor/contract";
import { eckOperatorContract, elasticsearchExporterContract } from "../../elasticsearch/contract";
import { grafanaContract } from "../../grafana/contract";
import { jaegerContract } from "../../jaeger/contract";
import { logShipperContract } from "../../log-shipper/contract";
import { logstashContract } from "../../logstash/contract";
import { lokiContract } from "../../loki/contract";
import { kubeStateMetricsContract } from "../../kube-state-metrics/contract";
import { mlModelExporterContract } from "../../ml-model-exporter/contract";
import { nodeExporterContract } from "../../node-exporter/contract";
import { prometheusContract } from "../../prometheus/contract";
import { THANOS_HTTP_PORT, thanosContract, ThanosRole } from "../../thanos/contract";
import { Labels } from "./series";

export const node: Labels = { instance: `node-1:${nodeExporterContract.ports.metrics}`, job: nodeExporterContract.job, node: "node-1" };
export const prometheus: Labels = { instance: `prometheus-0:${prometheusContract.ports.web}`, job: prometheusContract.job };
export const alertmanager = (peer: number): Labels => ({ instance: `alertmanager-${peer}:${alertmanagerContract.ports.web}`, job: alertmanagerContract.job });
export const mlExporter: Labels = { instance: `${mlModelExporterContract.name}:${mlModelExporterContract.ports.metrics}`, job: mlModelExporterContract.job };
export const kubeStateMetrics: Labels = { instance: `${kubeStateMetricsContract.name}:${kubeStateMetricsContract.ports.httpMetrics}`, job: kubeStateMetricsContract.job };
/** cAdvisor on one node (a DaemonSet pod, scraped per node). */
export const cadvisor: Labels = { instance: `node-1:${cadvisorContract.ports.http}`, job: cadvisorContract.job };
/** A kubelet target, scraped by the Prometheus job that discovers nodes. */
export const kubelet = (index: number): Labels => ({ instance: `node-${index}:10250`, job: prometheusContract.kubernetesJobs.kubelet });
/** One node's log shipper (a DaemonSet pod, discovered through its headless Service). */
export const logShipper: Labels = { instance: `10.0.0.5:${logShipperContract.ports.http}`, job: logShipperContract.job, namespace: "monitoring-host", node: "node-1", pod: "log-shipper-x7k2p" };
export const loki: Labels = { instance: `10.0.0.9:${lokiContract.ports.http}`, job: lokiContract.job, namespace: "monitoring", pod: "loki-write-0" };
export const jaeger: Labels = { instance: `10.0.0.11:${jaegerContract.ports.metrics}`, job: jaegerContract.job, namespace: "monitoring", pod: "jaeger-5d9f7-abcde" };
/** The Elasticsearch exporter's target; its `cluster` label arrives renamed to es_cluster. */
export const elasticsearchExporter: Labels = {
  instance: `10.0.0.13:${elasticsearchExporterContract.ports.metrics}`, job: elasticsearchExporterContract.job, es_cluster: "logs",
};
/** A Logstash pod's metrics sidecar, discovered through the headless Service. */
export const logstash: Labels = { instance: `10.0.0.17:${logstashContract.ports.metrics}`, job: logstashContract.job, namespace: "monitoring", pod: "logstash-0" };
export const grafana: Labels = { instance: `10.0.0.15:${grafanaContract.ports.http}`, job: grafanaContract.job, namespace: "monitoring", pod: "grafana-6c8d9-fghij" };
/** A Thanos role's pod, scraped on its HTTP port under the role's job (a sidecar's pod is Prometheus'). */
export const thanos = (role: ThanosRole, index = 0): Labels => ({
  instance: `${role === "sidecar" ? "prometheus" : `thanos-${thanosContract.roles[role]}`}-${index}:${THANOS_HTTP_PORT}`,
  job: thanosContract.jobs[role],
});
/** The ECK operator's pod (a StatefulSet of the chart, in the operator's namespace), discovered through our metrics Service. */
export const eckOperator: Labels = { instance: `10.0.0.19:${eckOperatorContract.ports.metrics}`, job: eckOperatorContract.job, namespace: "elastic-system", pod: "elastic-operator-0" };
