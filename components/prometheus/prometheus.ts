import * as pulumi from "@pulumi/pulumi";
import { ConfigMap, Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { images } from "../images";
import {
  anywhere, AppIdentity, clusterRoleFor, httpProbe, objectMeta, PeerSelector, renderAppNetworkPolicy, renderPodDisruptionBudget,
  renderService, renderServiceAccount, renderStatefulSet, ResourceRequirements, ServiceEndpoint, serviceEndpoint, WorkloadSpec, podPeers,
  mountByName, statefulSetWithOwnedClaims, namedConfigOptions,
} from "../kube";
import { reloaderContainer } from "../kube/reloader";
import { toYaml } from "../yaml";
import { PROMETHEUS_PORT, prometheusContract, prometheusDefaults } from "./contract";
import { AppScrapeTarget, BlackboxScrapeTarget, InClusterApp, RemoteWriteSpec, renderPrometheusConfig, ServiceTarget } from "./render-config";

const CONFIG_DIR = "/etc/prometheus/config";
const RULES_DIR = "/etc/prometheus/rules";

/** What Prometheus scrapes. Every job comes from a typed entry here. */
export interface PrometheusScrapeArgs {
  /** Alertmanager's own metrics. */
  alertmanager?: pulumi.Input<InClusterApp>;
  /** node-exporter (see NodeExporter.scrapeTarget). */
  nodeExporter?: pulumi.Input<InClusterApp>;
  /** cAdvisor (see Cadvisor.scrapeTarget). */
  cadvisor?: pulumi.Input<InClusterApp>;
  /** kube-state-metrics (see KubeStateMetrics.scrapeTarget). */
  kubeStateMetrics?: pulumi.Input<InClusterApp>;
  /** The blackbox exporter (its own metrics) and the probes it runs, one job per module. */
  blackbox?: pulumi.Input<BlackboxScrapeTarget>;
  /** Scrape the Kubernetes API server (default true). */
  apiServer?: boolean;
  /** Scrape every kubelet (default true). */
  kubelet?: boolean;
  /** Skip verifying kubelet serving certificates, which are self-signed unless serverTLSBootstrap is on. */
  kubeletInsecureSkipVerify?: boolean;
  /** Scrape pods and services annotated prometheus.io/scrape: "true" (default true). */
  annotated?: boolean;
  /** Application services, each scraped on every pod behind its Service as job `novacron-<name>`. */
  services?: pulumi.Input<pulumi.Input<ServiceTarget>[]>;
  /** Parts of the stack itself (Loki, Jaeger, the log shipper, the Elasticsearch exporter …), each under its contract's job. */
  apps?: pulumi.Input<pulumi.Input<AppScrapeTarget>[]>;
}

export interface PrometheusArgs {
  /** Namespace to deploy into (must exist). */
  namespace: pulumi.Input<string>;
  /** Cluster name, an external label on every series and alert. */
  cluster: string;
  /** Environment name, an external label on every series and alert. */
  environment: string;
  /** Replicas; each scrapes every target independently (HA pair in prod). Default 1. */
  replicas?: number;
  /** Local retention time, e.g. 30d. Default 15d. */
  retentionTime?: string;
  /** Local retention size, e.g. 50GB. */
  retentionSize?: string;
  /** Persistent volume size per replica. Default 50Gi. */
  storageSize?: string;
  /** Storage class; unset uses the cluster default. */
  storageClass?: pulumi.Input<string>;
  /** Default 15s. */
  scrapeInterval?: string;
  /** Default 10s. */
  scrapeTimeout?: string;
  /** Default 15s. */
  evaluationInterval?: string;
  /** CPU and memory requests and limits of the Prometheus container. */
  resources?: ResourceRequirements;
  /** host:port of every Alertmanager replica (see Alertmanager.peerAddresses). */
  alertmanagers: pulumi.Input<pulumi.Input<string>[]>;
  /** Long-term storage endpoints (a cloud's endpoint may be known only once its workspace exists). */
  remoteWrite?: pulumi.Input<pulumi.Input<RemoteWriteSpec>[]>;
  /** Rule files (file name → YAML), e.g. renderRuleFiles() of the alert catalog. */
  ruleFiles: Record<string, string>;
  /** What Prometheus scrapes: the stack's apps and exporters, the Kubernetes API, kubelets, services. */
  scrape: PrometheusScrapeArgs;
  /** Create a NetworkPolicy for Prometheus' pods (default true). */
  networkPolicy?: boolean;
  /** Pods allowed to query Prometheus' API (e.g. Grafana); its own namespace's Grafana by default. */
  queryClients?: PeerSelector[];
  /** Annotations on the service account, e.g. an IAM role for remote_write signing. */
  serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
  /**
   * Service-account tokens for a cloud's workload identity federation (e.g. audience
   * api://AzureADTokenExchange), projected read-only into the Prometheus container at `mountPath`/token.
   */
  projectedTokens?: ProjectedToken[];
}

/** A projected, auto-rotated service-account token for one audience. */
export interface ProjectedToken {
  /** Volume name (a DNS label). */
  name: string;
  /** The token's audience, as the cloud's token exchange expects it. */
  audience: string;
  /** Directory the token file `token` is mounted in. */
  mountPath: string;
}

/** The identity of a Prometheus component's pods, known before it is created (for scrape permissions). */
export function prometheusIdentity(name: string): AppIdentity {
  return { name: prometheusContract.name, instance: name, component: "server", image: images.prometheus };
}


/** Prometheus as a StatefulSet with persistent storage, Kubernetes service discovery and hot reload. */
export class Prometheus extends pulumi.ComponentResource {
  /** In-cluster URL of Prometheus' API and UI. */
  public readonly url: pulumi.Output<string>;
  /** Where queriers (Grafana) reach the API: URL, pods and port. */
  public readonly endpoint: ServiceEndpoint;
  public readonly serviceName: pulumi.Output<string>;
  /** The rendered prometheus.yml. */
  public readonly configYaml: pulumi.Output<string>;
  /** The rule files (file name → YAML). */
  public readonly ruleFiles: Record<string, string>;
  /** The pods' app identity, for NetworkPolicies of the targets Prometheus scrapes. */
  public readonly app: AppIdentity;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:prometheus:Prometheus", name, {}, opts);
    const app = prometheusIdentity(name);
    this.app = app;
    const ns = args.namespace;
    const replicas = args.replicas ?? prometheusDefaults.replicas;

    this.configYaml = pulumi.all([pulumi.output(args.alertmanagers), pulumi.output(args.scrape), pulumi.output(args.remoteWrite ?? [])]).apply(([alertmanagers, scrape, remoteWrite]) =>
      toYaml(renderPrometheusConfig({
        cluster: args.cluster,
        environment: args.environment,
        scrapeInterval: args.scrapeInterval ?? prometheusDefaults.scrapeInterval,
        scrapeTimeout: args.scrapeTimeout ?? prometheusDefaults.scrapeTimeout,
        evaluationInterval: args.evaluationInterval ?? prometheusDefaults.evaluationInterval,
        alertmanagers,
        remoteWrite: remoteWrite as RemoteWriteSpec[],
        rulesDir: RULES_DIR,
        alertmanager: scrape.alertmanager,
        nodeExporter: scrape.nodeExporter,
        cadvisor: scrape.cadvisor,
        kubeStateMetrics: scrape.kubeStateMetrics,
        blackbox: scrape.blackbox,
        kubernetes: {
          apiServer: scrape.apiServer ?? true,
          kubelet: scrape.kubelet ?? true,
          kubeletInsecureSkipVerify: scrape.kubeletInsecureSkipVerify ?? false,
          annotated: scrape.annotated ?? true,
        },
        services: scrape.services ?? [],
        apps: (scrape.apps ?? []) as AppScrapeTarget[],
      })),
    );
    this.ruleFiles = args.ruleFiles;

    const sa = new ServiceAccount(name, {
      ...renderServiceAccount(app, ns),
      metadata: { ...objectMeta(app, ns), annotations: args.serviceAccountAnnotations },
    }, { parent: this });
    // Read-only discovery of what Prometheus scrapes, and the kubelet/API server metrics endpoints.
    clusterRoleFor({
      name, app, namespace: ns, serviceAccountName: sa.metadata.name, parent: this,
      rules: [
        { apiGroups: [""], resources: ["nodes", "nodes/metrics", "services", "pods"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
        { nonResourceURLs: ["/metrics", "/metrics/cadvisor"], verbs: ["get"] },
      ],
    });

    // Named (not auto-named) so a change updates the ConfigMap in place and the reloader picks it up:
    // a changed threshold is a one-line diff of one object, and no pod restarts.
    const config = new ConfigMap(`${name}-config`, {
      metadata: objectMeta(app, ns, `${name}-config`),
      data: { "prometheus.yml": this.configYaml },
    }, { parent: this, ...namedConfigOptions });
    const rules = new ConfigMap(`${name}-rules`, {
      metadata: objectMeta(app, ns, `${name}-rules`),
      data: args.ruleFiles,
    }, { parent: this, ...namedConfigOptions });

    const headless = `${name}-headless`;
    new Service(headless, renderService({ app, namespace: ns, name: headless, headless: true, ports: [{ name: "web", port: PROMETHEUS_PORT }] }), { parent: this });
    const service = new Service(name, renderService({ app, namespace: ns, ports: [{ name: "web", port: PROMETHEUS_PORT }] }), { parent: this });
    this.serviceName = service.metadata.name;
    this.url = pulumi.interpolate`http://${service.metadata.name}.${ns}.svc:${PROMETHEUS_PORT}`;
    this.endpoint = serviceEndpoint(app, ns, this.url, PROMETHEUS_PORT);

    const workload: WorkloadSpec = {
      app,
      namespace: ns,
      replicas,
      serviceAccountName: name,
      // Prometheus flushes its head block on shutdown; give it time rather than replaying the WAL later.
      terminationGracePeriodSeconds: 600,
      containers: [
        {
          name: "prometheus",
          image: images.prometheus,
          args: [
            `--config.file=${CONFIG_DIR}/prometheus.yml`,
            "--storage.tsdb.path=/prometheus",
            `--storage.tsdb.retention.time=${args.retentionTime ?? prometheusDefaults.retentionTime}`,
            ...(args.retentionSize ? [`--storage.tsdb.retention.size=${args.retentionSize}`] : []),
            `--web.listen-address=:${PROMETHEUS_PORT}`,
            // POST /-/reload, used by the config reloader sidecar.
            "--web.enable-lifecycle",
            // Keep the exemplars (trace ids) services expose over OpenMetrics: Grafana links them to Jaeger.
            "--enable-feature=exemplar-storage",
          ],
          env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
          ports: [{ name: "web", containerPort: PROMETHEUS_PORT }],
          resources: args.resources ?? prometheusDefaults.resources,
          livenessProbe: httpProbe("/-/healthy", "web", { failureThreshold: 6 }),
          readinessProbe: httpProbe("/-/ready", "web"),
          // Replaying a large WAL after a restart can take minutes; don't kill it while it does.
          startupProbe: httpProbe("/-/ready", "web", { periodSeconds: 15, failureThreshold: 60 }),
          volumeMounts: [
            { name: "config", mountPath: CONFIG_DIR, readOnly: true },
            { name: "rules", mountPath: RULES_DIR, readOnly: true },
            { name: "data", mountPath: "/prometheus" },
            ...(args.projectedTokens ?? []).map((t) => ({ name: t.name, mountPath: t.mountPath, readOnly: true })),
          ],
        },
        reloaderContainer({
          reloadUrl: `http://127.0.0.1:${PROMETHEUS_PORT}/-/reload`,
          watchedDirs: [CONFIG_DIR, RULES_DIR],
          mounts: [{ name: "config", mountPath: CONFIG_DIR, readOnly: true }, { name: "rules", mountPath: RULES_DIR, readOnly: true }],
        }),
      ],
      volumes: [
        // By name, not by output: a replaced ConfigMap never replaces the StatefulSet (see mountByName).
        { name: "config", configMap: { name: mountByName(config, `${name}-config`) } },
        { name: "rules", configMap: { name: mountByName(rules, `${name}-rules`) } },
        ...(args.projectedTokens ?? []).map((t) => ({
          name: t.name,
          projected: { sources: [{ serviceAccountToken: { audience: t.audience, path: "token", expirationSeconds: 3600 } }] },
        })),
      ],
    };
    statefulSetWithOwnedClaims(name, renderStatefulSet(workload, {
      serviceName: headless,
      volumeClaims: [{ name: "data", size: args.storageSize ?? prometheusDefaults.storageSize, storageClass: args.storageClass }],
    }), { parent: this, dependsOn: [config, rules, sa] }); // the pods name their service account: it must exist first

    const pdb = renderPodDisruptionBudget(workload);
    if (pdb) new PodDisruptionBudget(name, pdb, { parent: this });

    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app,
        namespace: ns,
        ingress: [{ peers: podPeers(args.queryClients), ports: [{ port: PROMETHEUS_PORT }] }],
        // Prometheus scrapes whatever port a target exposes, wherever it runs, and writes remotely.
        egress: [{ peers: [anywhere], ports: [] }],
      }), { parent: this });
    }

    this.registerOutputs({ url: this.url, serviceName: this.serviceName, configYaml: this.configYaml });
  }
}
