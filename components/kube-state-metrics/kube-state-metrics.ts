import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { images } from "../images";
import {
  AppIdentity, clusterRoleFor, httpProbe, kubeApiFlow, renderAppNetworkPolicy, renderDeployment, renderService, renderServiceAccount, podPeers, ScrapedExporterArgs,
} from "../kube";
import type { InClusterApp } from "../prometheus/render-config";
import { KSM_PORT, KSM_TELEMETRY_PORT, kubeStateMetricsContract, kubeStateMetricsDefaults } from "./contract";

/**
 * The object kinds kube-state-metrics reports, and the RBAC that lets it list them. Secrets and
 * ConfigMaps are left out on purpose: their metadata is not worth read access to every Secret.
 */
export const ksmResources: { apiGroup: string; resource: string }[] = [
  { apiGroup: "", resource: "namespaces" },
  { apiGroup: "", resource: "nodes" },
  { apiGroup: "", resource: "persistentvolumeclaims" },
  { apiGroup: "", resource: "persistentvolumes" },
  { apiGroup: "", resource: "pods" },
  { apiGroup: "", resource: "resourcequotas" },
  { apiGroup: "", resource: "services" },
  { apiGroup: "apps", resource: "daemonsets" },
  { apiGroup: "apps", resource: "deployments" },
  { apiGroup: "apps", resource: "replicasets" },
  { apiGroup: "apps", resource: "statefulsets" },
  { apiGroup: "batch", resource: "cronjobs" },
  { apiGroup: "batch", resource: "jobs" },
  { apiGroup: "autoscaling", resource: "horizontalpodautoscalers" },
  { apiGroup: "policy", resource: "poddisruptionbudgets" },
  { apiGroup: "storage.k8s.io", resource: "storageclasses" },
];

export interface KubeStateMetricsArgs extends ScrapedExporterArgs {}

/** kube-state-metrics: the state of Kubernetes objects (deployments, pods, nodes, ...) as metrics. */
export class KubeStateMetrics extends pulumi.ComponentResource {
  public readonly scrapeTarget: pulumi.Output<InClusterApp>;
  public readonly app: AppIdentity;

  constructor(name: string, args: KubeStateMetricsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:exporters:KubeStateMetrics", name, {}, opts);
    const app: AppIdentity = { name: kubeStateMetricsContract.name, instance: name, component: "exporter", image: images.kubeStateMetrics };
    this.app = app;
    const ns = args.namespace;

    const sa = new ServiceAccount(name, renderServiceAccount(app, ns), { parent: this });
    const groups = [...new Set(ksmResources.map((r) => r.apiGroup))];
    clusterRoleFor({
      name, app, namespace: ns, serviceAccountName: sa.metadata.name, parent: this,
      rules: groups.map((group) => ({
        apiGroups: [group],
        resources: ksmResources.filter((r) => r.apiGroup === group).map((r) => r.resource),
        verbs: ["list", "watch"],
      })),
    });

    new Service(name, renderService({ app, namespace: ns, ports: [{ name: "http-metrics", port: KSM_PORT }, { name: "telemetry", port: KSM_TELEMETRY_PORT }] }), { parent: this });
    this.scrapeTarget = pulumi.output(ns).apply((namespace) => ({ namespace, app: app.name, port: "http-metrics" }));

    new Deployment(name, renderDeployment({
      app,
      namespace: ns,
      serviceAccountName: name,
      containers: [{
        name: "kube-state-metrics",
        image: images.kubeStateMetrics,
        args: [
          `--port=${KSM_PORT}`,
          `--telemetry-port=${KSM_TELEMETRY_PORT}`,
          `--resources=${ksmResources.map((r) => r.resource).join(",")}`,
        ],
        ports: [{ name: "http-metrics", containerPort: KSM_PORT }, { name: "telemetry", containerPort: KSM_TELEMETRY_PORT }],
        resources: args.resources ?? kubeStateMetricsDefaults.resources,
        livenessProbe: httpProbe("/livez", "http-metrics"),
        readinessProbe: httpProbe("/readyz", "telemetry"),
      }],
    }), { parent: this, dependsOn: [sa] }); // the pods name their service account: it must exist first

    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app,
        namespace: ns,
        ingress: [{ peers: podPeers(args.scrapers), ports: [{ port: KSM_PORT }, { port: KSM_TELEMETRY_PORT }] }],
        egress: [kubeApiFlow],
      }), { parent: this });
    }
    this.registerOutputs({ scrapeTarget: this.scrapeTarget });
  }
}
