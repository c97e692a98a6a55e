// A platform team's own stack that takes Prometheus and two exporters from the library: node-exporter on
// every node (in a namespace that allows host access) and kube-state-metrics, scraped by a Prometheus that
// evaluates the library's alert catalog and sends to an Alertmanager the team already runs.
import * as pulumi from "@pulumi/pulumi";
import { KubeStateMetrics, NodeExporter, peerSelector, Prometheus, prometheusIdentity } from "@novacron/observability";
import { renderRuleFiles } from "@novacron/observability/alerts";

const config = new pulumi.Config();
const namespace = config.get("namespace") ?? "team-b-monitoring";
const hostNamespace = config.get("hostNamespace") ?? "team-b-monitoring-host";
// Only this team's Prometheus may scrape the exporters.
const scrapers = [peerSelector(prometheusIdentity("prometheus"), namespace)];

const nodeExporter = new NodeExporter("node-exporter", { namespace: hostNamespace });
const kubeStateMetrics = new KubeStateMetrics("kube-state-metrics", { namespace, scrapers });

const prometheus = new Prometheus("prometheus", {
  namespace,
  cluster: "team-b",
  environment: "prod",
  replicas: 2,
  retentionTime: "15d",
  retentionSize: "40GB",
  storageSize: "64Gi",
  alertmanagers: config.requireObject<string[]>("alertmanagers"),
  ruleFiles: renderRuleFiles({ runbookBaseUrl: "https://runbooks.team-b.example.com" }),
  scrape: { nodeExporter: nodeExporter.scrapeTarget, kubeStateMetrics: kubeStateMetrics.scrapeTarget },
});

export const prometheusUrl = prometheus.url;
