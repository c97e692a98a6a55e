// The Elastic operator (ECK): Elastic's recommended way to run Elasticsearch and Kibana on Kubernetes
// (TLS, certificates, users, ordered upgrades), installed from its pinned Helm chart with its CRDs.
import * as pulumi from "@pulumi/pulumi";
import { Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { Chart } from "@pulumi/kubernetes/helm/v4";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { anywhere, AppIdentity, kubeApiFlow, Namespace, PeerSelector, podPeers, renderAppNetworkPolicy } from "../kube";
import { kibanaContract } from "../kibana/contract";
import type { AppScrapeTarget } from "../prometheus/render-config";
import { eckOperatorContract, ES_HTTP_PORT } from "./contract";

/** The ECK operator's Helm chart, pinned. Its CRDs are the ones test/tools validates our resources against. */
export const ECK_CHART = { repo: "https://helm.elastic.co", chart: "eck-operator", version: "3.5.0" } as const;
/** The operator's service account (ours, so it exists before the chart's pods: see EckOperator). */
const ECK_OPERATOR_SERVICE_ACCOUNT = "elastic-operator";
/** The ECK operator pods (for NetworkPolicies: it reconciles the cluster over the REST API). */
export const ECK_OPERATOR_LABELS = { "app.kubernetes.io/name": eckOperatorContract.name };

/** The port of the operator's validating webhook (the chart's default), called by the API server. */
export const ECK_WEBHOOK_PORT = 9443;

export interface EckOperatorArgs {
  /** Namespace for the operator (created; PSS restricted; default-deny NetworkPolicies). */
  namespace: pulumi.Input<string>;
  /** Create NetworkPolicies: default-deny in the namespace, and the operator's own flows (default true). */
  networkPolicy?: boolean;
  /** The Helm repository serving the pinned chart (default Elastic's; a mirror for clusters without internet access). */
  chartRepository?: string;
  /** Elasticsearch pods the operator reconciles over their REST API (egress to 9200). */
  elasticsearch?: PeerSelector[];
  /** Kibana pods the operator reconciles (egress to 5601). */
  kibana?: PeerSelector[];
  /** Pods that scrape the operator's metrics (Prometheus): let in to its metrics port. */
  scrapers?: PeerSelector[];
}

/**
 * The Elastic operator (ECK), from Elastic's pinned Helm chart, with its CRDs. Under Pulumi's mocks and in
 * `npm run render` the chart is recorded, not expanded (expanding needs the chart repository).
 */
export class EckOperator extends pulumi.ComponentResource {
  /** The operator's namespace. */
  public readonly namespace: pulumi.Output<string>;
  /** The chart: custom resources depend on it (their CRDs come with it). */
  public readonly chart: Chart;
  /** The operator's controller metrics, scraped as job `eck-operator`. */
  public readonly scrapeTarget: pulumi.Output<AppScrapeTarget>;

  constructor(name: string, args: EckOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:elasticsearch:EckOperator", name, {}, opts);
    const networkPolicy = args.networkPolicy ?? true;
    const ns = new Namespace(`${name}-namespace`, { name: args.namespace, podSecurity: "restricted", networkPolicies: networkPolicy }, { parent: this });
    this.namespace = ns.name;
    if (networkPolicy) {
      // The operator's flows on top of the namespace's default-deny (and DNS): the API server (watches,
      // writes), the clusters' REST API and Kibana, and the API server calling its validating webhook. The
      // API server is not a pod and its address depends on the distribution, so both API flows name any
      // address, on those ports only (security/network-policy-exceptions.yaml has the review).
      const operator: AppIdentity = { name: "elastic-operator", instance: name, component: "operator" };
      const policy = renderAppNetworkPolicy({
        app: operator, namespace: ns.name,
        ingress: [
          { peers: [anywhere], ports: [{ port: ECK_WEBHOOK_PORT }] },
          ...(args.scrapers?.length ? [{ peers: podPeers(args.scrapers), ports: [{ port: eckOperatorContract.ports.metrics }] }] : []),
        ],
        egress: [
          kubeApiFlow,
          { peers: podPeers(args.elasticsearch), ports: [{ port: ES_HTTP_PORT }] },
          { peers: podPeers(args.kibana), ports: [{ port: kibanaContract.ports.http }] },
        ],
      });
      // The chart's pods carry its selector labels, not ours.
      new NetworkPolicy(name, { ...policy, metadata: { ...policy.metadata, name: "elastic-operator" }, spec: { ...policy.spec, podSelector: { matchLabels: ECK_OPERATOR_LABELS } } }, { parent: this });
    }
    // The operator's service account exists before the chart's StatefulSet: Pulumi creates a chart's objects
    // in parallel, and a pod naming a missing account is refused (seen with the real engine, test/deploy).
    const serviceAccount = new ServiceAccount(`${name}-service-account`, {
      metadata: { name: ECK_OPERATOR_SERVICE_ACCOUNT, namespace: ns.name, labels: ECK_OPERATOR_LABELS },
    }, { parent: this });
    this.chart = new Chart(name, {
      chart: ECK_CHART.chart,
      version: ECK_CHART.version,
      repositoryOpts: { repo: args.chartRepository ?? ECK_CHART.repo },
      namespace: ns.name,
      values: {
        installCRDs: true,
        serviceAccount: { create: false, name: ECK_OPERATOR_SERVICE_ACCOUNT },
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        resources: { requests: { cpu: "100m", memory: "150Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        // No usage telemetry leaves the cluster.
        telemetry: { disabled: true },
        config: { metrics: { port: eckOperatorContract.ports.metrics } },
      },
    }, { parent: this, dependsOn: [serviceAccount] });
    // Endpoint discovery for Prometheus: the chart's pods carry its labels, so the Service selects on them.
    const metricsService = new Service(`${name}-metrics`, {
      metadata: { name: `${eckOperatorContract.name}-metrics`, namespace: ns.name, labels: ECK_OPERATOR_LABELS },
      spec: { type: "ClusterIP", selector: ECK_OPERATOR_LABELS, ports: [{ name: "metrics", port: eckOperatorContract.ports.metrics, targetPort: eckOperatorContract.ports.metrics, protocol: "TCP" }] },
    }, { parent: this });
    this.scrapeTarget = pulumi.all([this.namespace, metricsService.metadata.name]).apply(([namespace, service]) => ({
      namespace, app: eckOperatorContract.name, port: "metrics", service, job: eckOperatorContract.job,
    }));
    this.registerOutputs({ namespace: this.namespace, scrapeTarget: this.scrapeTarget });
  }
}
