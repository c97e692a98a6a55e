import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { CronJob } from "@pulumi/kubernetes/batch/v1";
import { ConfigMap, Service } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { ElasticsearchConnection, elasticsearchContract, IndexSettings } from "../elasticsearch";
import { images } from "../images";
import {
  anyPod, AppIdentity, contentHash, dependsOnWith, httpProbe, objectMeta, PeerSelector, podPeers, renderAppNetworkPolicy, renderDeployment,
  renderPodDisruptionBudget, renderPodTemplate, renderService, renderStatefulSet, ResourceRequirements, ServiceEndpoint, serviceEndpoint, WorkloadSpec,
  statefulSetWithOwnedClaims, namedConfigOptions,
} from "../kube";
import type { AppScrapeTarget } from "../prometheus/render-config";
import { toYaml } from "../yaml";
import { jaegerContract, jaegerDefaults, JaegerPortName, jaegerPorts, UDP_PORTS } from "./contract";
import { JaegerStorage, renderJaegerConfig, renderSamplingStrategies, SamplingSpec } from "./render-config";

const JAEGER_UID = 10001;
const CONFIG_DIR = "/etc/jaeger";
/** The trace writer's basic-auth Secret, mounted (keys username and password). */
const ES_USER_DIR = "/etc/es-user";

/** Where Jaeger keeps traces (an `as const` object, so component packaging sees an enum). */
export const JaegerStorageBackend = { Memory: "memory", Badger: "badger", Elasticsearch: "elasticsearch" } as const;
export type JaegerStorageBackend = (typeof JaegerStorageBackend)[keyof typeof JaegerStorageBackend];

export interface JaegerArgs {
  /** Namespace (must exist). */
  namespace: pulumi.Input<string>;
  /** memory or badger (one replica) or elasticsearch (the given cluster; any number of replicas). */
  storage: JaegerStorageBackend;
  /** Replicas (default 1; more only with elasticsearch). */
  replicas?: number;
  /** memory: traces kept (default 50000). */
  memoryMaxTraces?: number;
  /** badger: volume size (default 5Gi). */
  storageSize?: string;
  /** Storage class of the volumes (unset: the cluster default). */
  storageClass?: pulumi.Input<string>;
  /** Days of traces kept (badger TTL; Elasticsearch index cleaner). Default 7. */
  retentionDays?: number;
  /** The cluster for elasticsearch storage (`Elasticsearch.connection`); Jaeger writes as its trace writer. */
  elasticsearch?: ElasticsearchConnection;
  /** Shards and replicas of Jaeger's daily indices (default 1 and 1). */
  indices?: IndexSettings;
  /** Sampling strategies served to SDKs (default: everything). */
  sampling?: SamplingSpec;
  /** CPU and memory requests and limits of the main container. */
  resources?: ResourceRequirements;
  /** Create NetworkPolicies (default true). */
  networkPolicy?: boolean;
  /** Pods that send spans; none = any pod of the cluster (every instrumented service, whatever its namespace). */
  senders?: PeerSelector[];
  /** Pods that query traces (Grafana). */
  queriers?: PeerSelector[];
  /** Pods that scrape the collector's own metrics (Prometheus): let in to the metrics port. */
  scrapers?: PeerSelector[];
}

export function jaegerIdentity(name: string): AppIdentity {
  return { name: jaegerContract.name, instance: name, component: "tracing", image: images.jaeger };
}

export function jaegerIndexCleanerIdentity(name: string): AppIdentity {
  return { name: "jaeger-es-index-cleaner", instance: `${name}-es-index-cleaner`, component: "tracing", image: images.jaegerEsIndexCleaner };
}

/**
 * Jaeger v2 (built on the OpenTelemetry Collector): OTLP gRPC/HTTP ingest, the legacy Jaeger ports for old
 * clients, the query API and UI, remote sampling; storage in memory or Badger (dev) or Elasticsearch (prod,
 * with a daily index cleaner for retention). With Elasticsearch, pass its component in `opts.dependsOn`.
 */
export class Jaeger extends pulumi.ComponentResource {
  /** Query API and UI (Grafana data source uid `jaeger`). */
  public readonly queryUrl: pulumi.Output<string>;
  /** Where queriers (Grafana) reach the query API: URL, pods and port. */
  public readonly endpoint: ServiceEndpoint;
  /** OTLP gRPC endpoint for SDKs and collectors. */
  public readonly otlpGrpcEndpoint: pulumi.Output<string>;
  /** OTLP HTTP endpoint for SDKs and collectors. */
  public readonly otlpHttpEndpoint: pulumi.Output<string>;
  /** Rendered files: config.yaml and sampling-strategies.json. */
  public readonly files: pulumi.Output<Record<string, string>>;
  public readonly app: AppIdentity;
  /** The collector's own telemetry (otelcol_*), scraped as job `jaeger`. */
  public readonly scrapeTarget: pulumi.Output<AppScrapeTarget>;

  constructor(name: string, args: JaegerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:jaeger:Jaeger", name, {}, opts);
    const app = jaegerIdentity(name);
    this.app = app;
    const ns = args.namespace;
    const replicas = args.replicas ?? jaegerDefaults.replicas;
    if (args.storage !== "elasticsearch" && replicas > 1) throw new Error(`Jaeger ${name}: ${args.storage} storage holds one replica's traces only; use replicas: 1`);
    const es = args.elasticsearch;
    if (args.storage === "elasticsearch" && !es) throw new Error(`Jaeger ${name}: elasticsearch storage needs args.elasticsearch`);
    const retentionDays = args.retentionDays ?? jaegerDefaults.retentionDays;

    const storageOf = (esUrl: string | undefined): JaegerStorage =>
      args.storage === "memory" ? { kind: "memory", maxTraces: args.memoryMaxTraces ?? jaegerDefaults.memoryMaxTraces }
        : args.storage === "badger" ? { kind: "badger", directory: "/badger", retentionDays }
          : {
              kind: "elasticsearch",
              urls: [esUrl!],
              userFile: `${ES_USER_DIR}/username`, passwordFile: `${ES_USER_DIR}/password`, caFile: "/etc/es-ca/ca.crt",
              shards: args.indices?.shards ?? 1, replicas: args.indices?.replicas ?? 1,
            };
    this.files = pulumi.output(es?.url).apply((esUrl): Record<string, string> => ({
      "config.yaml": toYaml(renderJaegerConfig({ storage: storageOf(esUrl), samplingFile: `${CONFIG_DIR}/sampling-strategies.json`, listenHost: "0.0.0.0" })),
      "sampling-strategies.json": JSON.stringify(renderSamplingStrategies(args.sampling ?? jaegerDefaults.sampling), null, 2) + "\n",
    }));
    const config = new ConfigMap(`${name}-config`, { metadata: objectMeta(app, ns, `${name}-config`), data: this.files }, { parent: this, ...namedConfigOptions });

    const servicePorts = (Object.keys(jaegerPorts) as JaegerPortName[]).map((p) => ({
      name: p.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), port: jaegerPorts[p], protocol: UDP_PORTS.includes(p) ? ("UDP" as const) : ("TCP" as const),
    }));
    const service = new Service(name, renderService({ app, namespace: ns, ports: servicePorts }), { parent: this });
    const host = pulumi.interpolate`${service.metadata.name}.${ns}.svc`;
    this.queryUrl = pulumi.interpolate`http://${host}:${jaegerPorts.query}`;
    this.endpoint = serviceEndpoint(app, ns, this.queryUrl, jaegerPorts.query);
    this.otlpGrpcEndpoint = pulumi.interpolate`http://${host}:${jaegerPorts.otlpGrpc}`;
    this.otlpHttpEndpoint = pulumi.interpolate`http://${host}:${jaegerPorts.otlpHttp}`;
    this.scrapeTarget = pulumi.all([pulumi.output(ns), service.metadata.name]).apply(([namespace, svc]) => ({
      namespace, app: app.name, port: "metrics", service: svc, job: jaegerContract.job,
    }));

    const workload: WorkloadSpec = {
      app, namespace: ns, replicas,
      runAsUser: JAEGER_UID,
      // The sampling file reloads by itself; the collector config does not.
      configHash: this.files.apply((files) => contentHash(files["config.yaml"])),
      containers: [{
        name: "jaeger",
        image: images.jaeger,
        args: [`--config=file:${CONFIG_DIR}/config.yaml`],
        ports: servicePorts.map((p) => ({ name: p.name.slice(0, 15), containerPort: p.port, protocol: p.protocol })),
        resources: args.resources ?? jaegerDefaults.resources,
        livenessProbe: httpProbe("/status", jaegerPorts.health),
        readinessProbe: httpProbe("/status", jaegerPorts.health),
        volumeMounts: [
          { name: "config", mountPath: CONFIG_DIR, readOnly: true },
          { name: "tmp", mountPath: "/tmp" },
          ...(args.storage === "badger" ? [{ name: "data", mountPath: "/badger" }] : []),
          // The trace writer's credentials as files (not environment variables): Jaeger reads them itself.
          ...(args.storage === "elasticsearch" ? [{ name: "es-ca", mountPath: "/etc/es-ca", readOnly: true }, { name: "es-user", mountPath: ES_USER_DIR, readOnly: true }] : []),
        ],
      }],
      volumes: [
        { name: "config", configMap: { name: `${name}-config` } },
        { name: "tmp", emptyDir: {} },
        ...(es && args.storage === "elasticsearch"
          ? [{ name: "es-ca", secret: { secretName: es.caSecret } }, { name: "es-user", secret: { secretName: es.traceWriterSecret, defaultMode: 0o440 } }]
          : []),
      ],
    };
    if (args.storage === "badger") {
      statefulSetWithOwnedClaims(name, renderStatefulSet(workload, { serviceName: name, volumeClaims: [{ name: "data", size: args.storageSize ?? jaegerDefaults.storageSize, storageClass: args.storageClass }] }), { parent: this, dependsOn: dependsOnWith(opts, config) });
    } else {
      new Deployment(name, renderDeployment(workload), { parent: this, dependsOn: dependsOnWith(opts, config) });
    }
    const pdb = renderPodDisruptionBudget(workload);
    if (pdb) new PodDisruptionBudget(name, pdb, { parent: this });

    // Retention in Elasticsearch: Jaeger writes daily indices; its cleaner deletes those past retention.
    const cleaner = jaegerIndexCleanerIdentity(name);
    if (es && args.storage === "elasticsearch") {
      const pod = renderPodTemplate({
        app: cleaner, namespace: ns, runToCompletion: true, runAsUser: JAEGER_UID,
        containers: [{
          name: "index-cleaner",
          image: images.jaegerEsIndexCleaner,
          args: [String(retentionDays), es.url],
          env: [
            { name: "ES_USERNAME", valueFrom: { secretKeyRef: { name: es.traceWriterSecret, key: "username" } } },
            { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: es.traceWriterSecret, key: "password" } } },
            { name: "ES_TLS_ENABLED", value: "true" },
            { name: "ES_TLS_CA", value: "/etc/es-ca/ca.crt" },
          ],
          resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
          volumeMounts: [{ name: "es-ca", mountPath: "/etc/es-ca", readOnly: true }],
        }],
        volumes: [{ name: "es-ca", secret: { secretName: es.caSecret } }],
      });
      new CronJob(`${name}-es-index-cleaner`, {
        metadata: objectMeta(cleaner, ns),
        spec: {
          schedule: "55 23 * * *",
          concurrencyPolicy: "Forbid",
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { spec: { backoffLimit: 3, template: pod } },
        },
      }, { parent: this, dependsOn: dependsOnWith(opts) });
    }

    if (args.networkPolicy ?? true) {
      const ingestPorts = (["otlpGrpc", "otlpHttp", "jaegerGrpc", "thriftHttp", "thriftCompact", "thriftBinary", "samplingHttp", "samplingGrpc"] as JaegerPortName[])
        .map((p) => ({ port: jaegerPorts[p], protocol: UDP_PORTS.includes(p) ? ("UDP" as const) : ("TCP" as const) }));
      const toEs = es && args.storage === "elasticsearch" ? [{ peers: podPeers([es.pods]), ports: [{ port: elasticsearchContract.ports.http }] }] : [];
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app, namespace: ns,
        ingress: [
          // Unnamed senders are any pod of the cluster, not any address: nodes and outside hosts (on CNIs
          // where pod IPs are routable from the network) do not reach the ingest ports.
          { peers: args.senders?.length ? podPeers(args.senders) : [anyPod], ports: ingestPorts },
          { peers: podPeers(args.queriers), ports: [{ port: jaegerPorts.query }, { port: jaegerPorts.queryGrpc }] },
          ...(args.scrapers?.length ? [{ peers: podPeers(args.scrapers), ports: [{ port: jaegerPorts.metrics }] }] : []),
        ],
        egress: toEs,
      }), { parent: this });
      if (toEs.length) new NetworkPolicy(`${name}-es-index-cleaner`, renderAppNetworkPolicy({ app: cleaner, namespace: ns, ingress: [], egress: toEs }), { parent: this });
    }
    this.registerOutputs({ scrapeTarget: this.scrapeTarget, queryUrl: this.queryUrl, otlpGrpcEndpoint: this.otlpGrpcEndpoint, otlpHttpEndpoint: this.otlpHttpEndpoint });
  }
}
