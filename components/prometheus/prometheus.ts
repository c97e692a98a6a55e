import * as pulumi from "@pulumi/pulumi";
import { ConfigMap, Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { images } from "../images";
import {
  anywhere, AppIdentity, clusterRoleFor, httpProbe, objectMeta, PeerSelector, renderAppNetworkPolicy, renderPodDisruptionBudget,
  renderService, renderServiceAccount, renderStatefulSet, ResourceRequirements, ServiceEndpoint, serviceEndpoint, WorkloadSpec, podPeers,
  mountByName, statefulSetWithOwnedClaims, namedConfigOptions, ContainerSpec, peerSelector,
} from "../kube";
import { reloaderContainer } from "../kube/reloader";
import { THANOS_GRPC_PORT, THANOS_HTTP_PORT, thanosDefaults } from "../thanos/contract";
import { thanosSidecarArgs } from "../thanos/render-args";
import type { ThanosSecretEnv } from "../thanos/thanos";
import { toYaml } from "../yaml";
import { PROMETHEUS_PORT, prometheusContract, prometheusDefaults, prometheusShardName } from "./contract";
import { AppScrapeTarget, BlackboxScrapeTarget, InClusterApp, RemoteWriteSpec, renderPrometheusConfig, ServiceTarget, ThanosScrapeTargets } from "./render-config";

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
  /** Thanos Query, Store Gateway and Compactor (the sidecars are scraped whenever `thanos` is set). */
  thanos?: pulumi.Input<ThanosScrapeTargets>;
}

/** A plain environment variable of the Thanos sidecar. */
export interface SidecarEnvVar {
  /** The variable's name. */
  name: string;
  /** Its value. */
  value: pulumi.Input<string>;
}

/** The Thanos sidecar beside each Prometheus. */
export interface PrometheusThanosArgs {
  /** The Secret holding objstore.yml (ThanosBucket.binding.secretName); unset, the sidecar uploads nothing and only serves Query. */
  objstoreSecret?: string;
  /** Variables from that Secret (an S3-compatible store's key pair: ThanosBucket.binding.env). */
  secretEnv?: ThanosSecretEnv[];
  /** Plain variables, e.g. Azure workload identity's AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE. */
  env?: SidecarEnvVar[];
  /** CPU and memory requests and limits of the sidecar (default thanosDefaults.resources.sidecar). */
  resources?: ResourceRequirements;
  /** Thanos Query's pods: let in on the sidecar's gRPC port. */
  queriers?: PeerSelector[];
}

export interface PrometheusArgs {
  /** Namespace to deploy into (must exist). */
  namespace: pulumi.Input<string>;
  /** Cluster name, an external label on every series and alert. */
  cluster: string;
  /** Environment name, an external label on every series and alert. */
  environment: string;
  /** Replicas of each shard; each scrapes its shard's targets independently (HA pair in prod). Default 1. */
  replicas?: number;
  /**
   * Scrape shards (default 1). Each is a StatefulSet of `replicas` with its own config (hashmod share of the
   * growing jobs; shard 0 also scrapes the stack's own jobs whole), volumes, PDB, NetworkPolicy and sidecars.
   * Shard 0 keeps the unsharded objects' names. Above 1, read through Thanos Query (`thanos`).
   */
  shards?: number;
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
  /** Rule files (file name → YAML), e.g. renderRuleFiles() of the alert catalog; shard 0's when sharded. */
  ruleFiles: Record<string, string>;
  /**
   * Rule files of shards 1 and up (default `ruleFiles`): e.g. without the Watchdog and the alerts that fire on
   * absent series (alertsBeyondFirstShard), whose jobs only shard 0 scrapes.
   */
  shardRuleFiles?: Record<string, string>;
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
  /**
   * A Thanos sidecar in every pod: it serves the local TSDB to Thanos Query over gRPC and uploads each block
   * Prometheus cuts to the bucket. Prometheus then cuts 2h blocks and never compacts them itself.
   */
  thanos?: PrometheusThanosArgs;
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

/** The headless Service's port name of the sidecars' metrics (job thanos-sidecar). */
export const SIDECAR_HTTP_PORT_NAME = "thanos-http";
const DATA_DIR = "/prometheus";
/** The objstore config's key in its Secret (components/thanos/thanos.ts writes it). */
const OBJSTORE_KEY = thanosDefaults.objstoreConfigFile.split("/").pop()!;

/** The Thanos sidecar container: reads the TSDB volume and Prometheus' API on localhost, uploads to the bucket. */
function thanosSidecar(thanos: PrometheusThanosArgs, tokens: ProjectedToken[]): ContainerSpec {
  const objstoreDir = thanosDefaults.objstoreConfigFile.replace(/\/[^/]+$/, "");
  return {
    name: "thanos-sidecar",
    image: images.thanos,
    args: thanosSidecarArgs({
      prometheusUrl: `http://localhost:${PROMETHEUS_PORT}`,
      tsdbPath: DATA_DIR,
      objstoreConfigFile: thanos.objstoreSecret ? thanosDefaults.objstoreConfigFile : undefined,
    }),
    env: [
      ...(thanos.env ?? []).map((e) => ({ name: e.name, value: e.value })),
      ...(thanos.secretEnv ?? []).map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secretName, key: e.key } } })),
    ],
    ports: [{ name: SIDECAR_HTTP_PORT_NAME, containerPort: THANOS_HTTP_PORT }, { name: "grpc", containerPort: THANOS_GRPC_PORT }],
    resources: thanos.resources ?? thanosDefaults.resources.sidecar,
    livenessProbe: httpProbe("/-/healthy", SIDECAR_HTTP_PORT_NAME, { failureThreshold: 6 }),
    readinessProbe: httpProbe("/-/ready", SIDECAR_HTTP_PORT_NAME),
    volumeMounts: [
      { name: "data", mountPath: DATA_DIR },
      ...(thanos.objstoreSecret ? [{ name: "thanos-objstore", mountPath: objstoreDir, readOnly: true }] : []),
      // The pod's cloud identity (Azure's federated token), which the sidecar uses for the bucket.
      ...tokens.map((t) => ({ name: t.name, mountPath: t.mountPath, readOnly: true })),
    ],
  };
}

/** Thanos Query's endpoint for a Prometheus' sidecars: DNS SRV over its headless Service's gRPC port (every replica). */
export function prometheusThanosEndpoint(name: string, namespace: string): string {
  return `dnssrv+_grpc._tcp.${name}-headless.${namespace}.svc`;
}

/** The identity of a Prometheus component's pods, known before it is created (for scrape permissions). */
export function prometheusIdentity(name: string): AppIdentity {
  return { name: prometheusContract.name, instance: name, component: "server", image: images.prometheus };
}

/** The pods of every shard of a Prometheus component (shard 0's identity is the unsharded one). */
export function prometheusShardIdentities(name: string, shards: number = prometheusDefaults.shards): AppIdentity[] {
  return Array.from({ length: shards }, (_, index) => prometheusIdentity(prometheusShardName(name, index)));
}

/** Thanos Query's endpoints for every shard's sidecars (one DNS SRV name per shard's headless Service). */
export function prometheusThanosEndpoints(name: string, namespace: string, shards: number = prometheusDefaults.shards): string[] {
  return Array.from({ length: shards }, (_, index) => prometheusThanosEndpoint(prometheusShardName(name, index), namespace));
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
  /** With `thanos`: Thanos Query's endpoint for shard 0's sidecars (DNS SRV over the headless Service's gRPC port, every replica). */
  public readonly thanosEndpoint?: pulumi.Output<string>;
  /** With `thanos`: Query's endpoints for every shard's sidecars, shard 0 first. */
  public readonly thanosEndpoints?: pulumi.Output<string>[];
  /** Every shard's rendered prometheus.yml, shard 0 (`configYaml`) first. */
  public readonly shardConfigYamls: pulumi.Output<string>[];
  /** Every shard's pod identity, shard 0 (`app`) first: scraped targets let them all in. */
  public readonly shardApps: AppIdentity[];

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:prometheus:Prometheus", name, {}, opts);
    const shards = args.shards ?? prometheusDefaults.shards;
    if (!Number.isInteger(shards) || shards < 1) throw new Error(`Prometheus ${name}: shards must be a whole number of at least 1, not ${shards}`);
    const shardApps = prometheusShardIdentities(name, shards);
    const app = shardApps[0];
    this.app = app;
    this.shardApps = shardApps;
    const ns = args.namespace;
    const replicas = args.replicas ?? prometheusDefaults.replicas;
    const thanos = args.thanos;
    const headlessOf = (index: number) => `${prometheusShardName(name, index)}-headless`;
    // The sidecars are scraped on every Prometheus pod of every shard (by shard 0: the job is one of the stack's
    // own), through the headless Services' port; the Service keep is a regex, so one job covers every shard.
    const sidecarServices = Array.from({ length: shards }, (_, index) => headlessOf(index)).join("|");
    const sidecarTarget = pulumi.output(ns).apply((namespace) => ({ namespace, app: app.name, port: SIDECAR_HTTP_PORT_NAME, service: sidecarServices }));

    const renderShard = (index: number) => pulumi.all([pulumi.output(args.alertmanagers), pulumi.output(args.scrape), pulumi.output(args.remoteWrite ?? []), sidecarTarget]).apply(([alertmanagers, scrape, remoteWrite, sidecar]) =>
      toYaml(renderPrometheusConfig({
        // One shard renders exactly the unsharded config.
        shard: shards > 1 ? { count: shards, index } : undefined,
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
        thanos: thanos ? { ...(scrape.thanos ?? {}), sidecar } : scrape.thanos,
      })),
    );
    this.shardConfigYamls = Array.from({ length: shards }, (_, index) => renderShard(index));
    this.configYaml = this.shardConfigYamls[0];
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

    if (thanos) {
      this.thanosEndpoints = Array.from({ length: shards }, (_, index) => pulumi.output(ns).apply((namespace) => prometheusThanosEndpoint(prometheusShardName(name, index), namespace)));
      this.thanosEndpoint = this.thanosEndpoints[0];
    }
    // Shard 0's pods: with Thanos nothing queries Prometheus' API directly (Query reads every shard's sidecars).
    const service = new Service(name, renderService({ app, namespace: ns, ports: [{ name: "web", port: PROMETHEUS_PORT }] }), { parent: this });
    this.serviceName = service.metadata.name;
    this.url = pulumi.interpolate`http://${service.metadata.name}.${ns}.svc:${PROMETHEUS_PORT}`;
    this.endpoint = serviceEndpoint(app, ns, this.url, PROMETHEUS_PORT);

    shardApps.forEach((shardApp, index) => this.shard({
      name: prometheusShardName(name, index), app: shardApp, headless: headlessOf(index), configYaml: this.shardConfigYamls[index],
      ruleFiles: index === 0 ? args.ruleFiles : args.shardRuleFiles ?? args.ruleFiles, serviceAccountName: name, serviceAccount: sa, peers: shardApps, replicas,
    }, args));

    this.registerOutputs({ url: this.url, serviceName: this.serviceName, configYaml: this.configYaml });
  }

  /** One shard: its config and rules, headless Service, StatefulSet with owned claims, PDB and NetworkPolicy. */
  private shard(shard: ShardObjects, args: PrometheusArgs): void {
    const { name, app, headless } = shard;
    const ns = args.namespace;
    const thanos = args.thanos;
    // Named (not auto-named) so a change updates the ConfigMap in place and the reloader picks it up:
    // a changed threshold is a one-line diff of one object, and no pod restarts.
    const config = new ConfigMap(`${name}-config`, {
      metadata: objectMeta(app, ns, `${name}-config`),
      data: { "prometheus.yml": shard.configYaml },
    }, { parent: this, ...namedConfigOptions });
    const rules = new ConfigMap(`${name}-rules`, {
      metadata: objectMeta(app, ns, `${name}-rules`),
      data: shard.ruleFiles,
    }, { parent: this, ...namedConfigOptions });

    const sidecarPorts = [{ name: SIDECAR_HTTP_PORT_NAME, port: THANOS_HTTP_PORT }, { name: "grpc", port: THANOS_GRPC_PORT }];
    new Service(headless, renderService({ app, namespace: ns, name: headless, headless: true, ports: [{ name: "web", port: PROMETHEUS_PORT }, ...(thanos ? sidecarPorts : [])] }), { parent: this });

    const workload: WorkloadSpec = {
      app,
      namespace: ns,
      replicas: shard.replicas,
      serviceAccountName: shard.serviceAccountName,
      // Prometheus flushes its head block on shutdown; give it time rather than replaying the WAL later.
      terminationGracePeriodSeconds: 600,
      containers: [
        {
          name: "prometheus",
          image: images.prometheus,
          args: [
            `--config.file=${CONFIG_DIR}/prometheus.yml`,
            `--storage.tsdb.path=${DATA_DIR}`,
            `--storage.tsdb.retention.time=${args.retentionTime ?? prometheusDefaults.retentionTime}`,
            ...(args.retentionSize ? [`--storage.tsdb.retention.size=${args.retentionSize}`] : []),
            `--web.listen-address=:${PROMETHEUS_PORT}`,
            // POST /-/reload, used by the config reloader sidecar.
            "--web.enable-lifecycle",
            // Keep the exemplars (trace ids) services expose over OpenMetrics: Grafana links them to Jaeger.
            "--enable-feature=exemplar-storage",
            // With Thanos: 2h blocks, never compacted locally (the sidecar uploads each; the compactor compacts
            // across replicas in the bucket). Local retention still applies.
            ...(thanos ? ["--storage.tsdb.min-block-duration=2h", "--storage.tsdb.max-block-duration=2h"] : []),
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
            { name: "data", mountPath: DATA_DIR },
            ...(args.projectedTokens ?? []).map((t) => ({ name: t.name, mountPath: t.mountPath, readOnly: true })),
          ],
        },
        reloaderContainer({
          reloadUrl: `http://127.0.0.1:${PROMETHEUS_PORT}/-/reload`,
          watchedDirs: [CONFIG_DIR, RULES_DIR],
          mounts: [{ name: "config", mountPath: CONFIG_DIR, readOnly: true }, { name: "rules", mountPath: RULES_DIR, readOnly: true }],
        }),
        ...(thanos ? [thanosSidecar(thanos, args.projectedTokens ?? [])] : []),
      ],
      volumes: [
        // By name, not by output: a replaced ConfigMap never replaces the StatefulSet (see mountByName).
        { name: "config", configMap: { name: mountByName(config, `${name}-config`) } },
        { name: "rules", configMap: { name: mountByName(rules, `${name}-rules`) } },
        ...(thanos?.objstoreSecret ? [{ name: "thanos-objstore", secret: { secretName: thanos.objstoreSecret, items: [{ key: OBJSTORE_KEY, path: OBJSTORE_KEY }] } }] : []),
        ...(args.projectedTokens ?? []).map((t) => ({
          name: t.name,
          projected: { sources: [{ serviceAccountToken: { audience: t.audience, path: "token", expirationSeconds: 3600 } }] },
        })),
      ],
    };
    statefulSetWithOwnedClaims(name, renderStatefulSet(workload, {
      serviceName: headless,
      volumeClaims: [{ name: "data", size: args.storageSize ?? prometheusDefaults.storageSize, storageClass: args.storageClass }],
    }), { parent: this, dependsOn: [config, rules, shard.serviceAccount] }); // the pods name their service account: it must exist first

    const pdb = renderPodDisruptionBudget(workload);
    if (pdb) new PodDisruptionBudget(name, pdb, { parent: this });

    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app,
        namespace: ns,
        ingress: [
          { peers: podPeers(args.queryClients), ports: [{ port: PROMETHEUS_PORT }] },
          // Thanos Query reads the sidecars over gRPC; shard 0 scrapes every shard's sidecars (and each replica its peers').
          ...(thanos ? [
            { peers: podPeers(thanos.queriers), ports: [{ port: THANOS_GRPC_PORT }] },
            { peers: podPeers(shard.peers.map((peer) => peerSelector(peer, ns))), ports: [{ port: THANOS_HTTP_PORT }] },
          ] : []),
        ],
        // Prometheus scrapes whatever port a target exposes, wherever it runs, and writes remotely.
        egress: [{ peers: [anywhere], ports: [] }],
      }), { parent: this });
    }
  }
}

/** What one shard's objects are built from (internal to the component). */
interface ShardObjects {
  /** The shard's object names' stem (shard 0: the component's name). */
  name: string;
  app: AppIdentity;
  headless: string;
  configYaml: pulumi.Output<string>;
  ruleFiles: Record<string, string>;
  serviceAccountName: string;
  serviceAccount: ServiceAccount;
  /** Every shard's pods. */
  peers: AppIdentity[];
  replicas: number;
}
