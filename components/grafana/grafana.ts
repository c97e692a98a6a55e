import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { ConfigMap, PersistentVolumeClaim, Secret, Service } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";
import { alertCatalog } from "../alerts/catalog";
import { prometheusDefaults } from "../prometheus/contract";
import type { AppScrapeTarget } from "../prometheus/render-config";
import type { AlertDefinition } from "../alerts/types";
import type { ElasticsearchEndpoint } from "../elasticsearch";
import { images, imageTag } from "../images";
import {
  anywhere, AppIdentity, contentHash, Flow, httpProbe, objectMeta, Peer, PeerSelector, podPeers, renderAppNetworkPolicy, renderDeployment,
  renderPodDisruptionBudget, renderService, ResourceRequirements, ServiceEndpoint, WorkloadSpec,
  mountByName, namedConfigOptions, SKIP_AWAIT_ANNOTATION,
} from "../kube";
import { toYaml } from "../yaml";
import { buildDashboards, folders, FolderKey } from "./dashboards";
import { ELASTICSEARCH_CA_DIR, ELASTICSEARCH_CREDENTIALS_DIR, renderDatasources } from "./render-datasources";
import { GRAFANA_PORT, grafanaContract, grafanaDefaults } from "./contract";
import { folderDir, renderDashboardProviders } from "./render-dashboard-providers";
import { GRAFANA_SECRETS_DIR, grafanaReplicas, renderGrafanaEnv } from "./render-settings";

/**
 * Not the image's `grafana` user (uid 472, a low uid a node may also use): Grafana runs under any uid, and
 * everything it writes here is a volume owned through the pod's fsGroup (data, /tmp), so nobody (65534).
 * An existing volume written as 472 is re-grouped by the kubelet on mount (group read-write), so it keeps working.
 */
const GRAFANA_UID = 65534;

/** @deprecated A system Grafana queries is a ServiceEndpoint (the queried component's `endpoint`). */
export type GrafanaBackend = ServiceEndpoint;
/** @deprecated Grafana queries Elasticsearch through an ElasticsearchEndpoint (`Elasticsearch.endpoint`). */
export type GrafanaElasticsearch = ElasticsearchEndpoint;

export interface GrafanaArgs {
  /** Namespace to deploy into (must exist). */
  namespace: pulumi.Input<string>;
  /** Prometheus, the default datasource (required: every dashboard reads it); `Prometheus.endpoint`. */
  prometheus: ServiceEndpoint;
  /**
   * The `prometheus` endpoint is Thanos Query (`ThanosQuery.endpoint`): the datasource asks it to deduplicate
   * the HA replicas and reads the bucket's history through it. Default false.
   */
  thanosQuery?: boolean;
  /** Prometheus' scrape interval, for Grafana's $__rate_interval. Default 15s. */
  scrapeInterval?: string;
  /**
   * Prometheus' scrape shards (`Prometheus` arg `shards`; read through Thanos Query): above 1, the panels on
   * recorded series add the shards' parts up. Default 1.
   */
  scrapeShards?: number;
  /** Alertmanager: its alerts and silences, viewed in Grafana; `Alertmanager.endpoint`. */
  alertmanager?: ServiceEndpoint;
  /** Loki: logs, with trace ids linked to Jaeger; `Loki.endpoint`. */
  loki?: ServiceEndpoint;
  /** Jaeger's query service: traces, linked to their logs in Loki; `Jaeger.endpoint`. */
  jaeger?: ServiceEndpoint;
  /** Elasticsearch: one datasource per index pattern; `Elasticsearch.endpoint`. */
  elasticsearch?: ElasticsearchEndpoint;
  /** Replicas; more than one only with `databaseUrl` (otherwise one, with a warning). Default 1. */
  replicas?: number;
  /** Shared database URL (a Pulumi secret), e.g. postgres://grafana:...@db:5432/grafana. */
  databaseUrl?: pulumi.Input<string>;
  /** The database's TCP port, opened for egress when `databaseUrl` is set. Default 5432. */
  databasePort?: number;
  /** Admin password (a Pulumi secret); generated when unset. */
  adminPassword?: pulumi.Input<string>;
  /** Volume for the SQLite database and plugins (only without `databaseUrl`). Default 2Gi. */
  storageSize?: string;
  /** Storage class of that volume; unset uses the cluster's default class. */
  storageClass?: pulumi.Input<string>;
  /** CPU and memory requests and limits of the Grafana container. */
  resources?: ResourceRequirements;
  /** The URL people reach Grafana at. */
  rootUrl?: string;
  /** The alerts whose thresholds the dashboards draw: the stack's catalog, built once and also given to Prometheus. Default: every default threshold. */
  alerts?: AlertDefinition[];
  /** Create a NetworkPolicy for Grafana's pods (default true). */
  networkPolicy?: boolean;
  /** Pods allowed to reach Grafana's UI on port 3000 (e.g. the ingress controller). */
  clients?: PeerSelector[];
  /** Pods allowed to scrape Grafana's own metrics (Prometheus). */
  scrapers?: PeerSelector[];
}

/** The identity of a Grafana component's pods, known before it is created (for NetworkPolicy peers). */
/**
 * Where Prometheus scrapes a Grafana component's own metrics: its Service (named after the component), known
 * before Grafana exists, since Grafana itself is created after the Prometheus it queries.
 */
export function grafanaScrapeTarget(name: string, namespace: string): AppScrapeTarget {
  return { namespace, app: grafanaContract.name, port: "http", service: name, job: grafanaContract.job };
}

export function grafanaIdentity(name: string): AppIdentity {
  return { name: grafanaContract.name, instance: name, component: "visualization", image: images.grafana };
}


const egressTo = (backend: ServiceEndpoint): Flow => ({ peers: [backend.pods ? { kind: "pods", selector: backend.pods } as Peer : anywhere], ports: [{ port: backend.port }] });

/**
 * Grafana with every datasource the stack has and the dashboards as code, provisioned read-only. The admin
 * password, the secret key and the database URL live in one Secret, read through `__FILE` variables.
 */
export class Grafana extends pulumi.ComponentResource {
  /** In-cluster URL of Grafana's UI and API. */
  public readonly url: pulumi.Output<string>;
  /** The admin password (a secret output): the given one, or the generated one. */
  public readonly adminPassword: pulumi.Output<string>;
  /** The rendered datasource provisioning file (no credentials in it). */
  public readonly datasourcesYaml: pulumi.Output<string>;
  /** Dashboard uid → JSON, as provisioned. */
  public readonly dashboards: Record<string, string>;
  /** Replicas actually run (see GrafanaArgs.replicas). */
  public readonly replicas: number;
  public readonly app: AppIdentity;

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:grafana:Grafana", name, {}, opts);
    const app = grafanaIdentity(name);
    this.app = app;
    const ns = args.namespace;
    const hasDatabase = args.databaseUrl !== undefined;
    const decision = grafanaReplicas(args.replicas ?? grafanaDefaults.replicas, hasDatabase);
    if (decision.reason) pulumi.log.warn(`Grafana ${name}: ${decision.reason}`, this);
    this.replicas = decision.replicas;

    // Stable in the stack's state: generated once, kept across updates.
    const password = args.adminPassword !== undefined
      ? pulumi.secret(args.adminPassword)
      : new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this }).result;
    this.adminPassword = pulumi.secret(password);
    const secretKey = new random.RandomPassword(`${name}-secret-key`, { length: 40, special: false }, { parent: this }).result;

    const es = args.elasticsearch;
    this.datasourcesYaml = pulumi
      .all([args.prometheus.url, args.alertmanager?.url, args.loki?.url, args.jaeger?.url, es?.url])
      .apply(([prometheusUrl, alertmanagerUrl, lokiUrl, jaegerUrl, esUrl]) => toYaml(renderDatasources({
        prometheusUrl,
        scrapeInterval: args.scrapeInterval ?? prometheusDefaults.scrapeInterval,
        prometheusVersion: imageTag(images.prometheus).replace(/^v/, ""),
        thanos: args.thanosQuery ? { version: imageTag(images.thanos).replace(/^v/, "") } : undefined,
        alertmanagerUrl,
        lokiUrl,
        jaegerUrl,
        elasticsearch: es && esUrl ? { url: esUrl, indexPatterns: es.indexPatterns } : undefined,
      })));

    const dashboards = buildDashboards(args.alerts ?? alertCatalog, args.scrapeShards);
    this.dashboards = Object.fromEntries(dashboards.map((d) => [d.uid, JSON.stringify(d.model, null, 2)]));
    const providersYaml = toYaml(renderDashboardProviders(dashboards));

    const meta = (suffix: string) => objectMeta(app, ns, `${name}-${suffix}`);
    const datasources = new ConfigMap(`${name}-datasources`, { metadata: meta("datasources"), data: { "datasources.yaml": this.datasourcesYaml } }, { parent: this, ...namedConfigOptions });
    const providers = new ConfigMap(`${name}-dashboard-providers`, { metadata: meta("dashboard-providers"), data: { "dashboards.yaml": providersYaml } }, { parent: this, ...namedConfigOptions });
    const usedFolders = [...new Set(dashboards.map((d) => d.folder))].sort() as FolderKey[];
    const folderMaps = usedFolders.map((folder) => new ConfigMap(`${name}-dashboards-${folders[folder].uid}`, {
      metadata: meta(`dashboards-${folders[folder].uid}`),
      data: Object.fromEntries(dashboards.filter((d) => d.folder === folder).map((d) => [`${d.uid}.json`, this.dashboards[d.uid]])),
    }, { parent: this, ...namedConfigOptions }));

    // stringData from Pulumi secrets: encrypted in state, masked in previews, never in a ConfigMap.
    const secret = new Secret(`${name}-secrets`, {
      metadata: meta("secrets"),
      type: "Opaque",
      stringData: {
        "admin-password": this.adminPassword,
        "secret-key": pulumi.secret(secretKey),
        ...(hasDatabase ? { "database-url": pulumi.secret(args.databaseUrl!) } : {}),
      },
    }, { parent: this, ...namedConfigOptions });

    const service = new Service(name, renderService({ app, namespace: ns, ports: [{ name: "http", port: GRAFANA_PORT }] }), { parent: this });
    this.url = pulumi.interpolate`http://${service.metadata.name}.${ns}.svc:${GRAFANA_PORT}`;

    const persistent = !hasDatabase;
    const claim = persistent
      ? new PersistentVolumeClaim(`${name}-data`, {
          metadata: { ...meta("data"), annotations: SKIP_AWAIT_ANNOTATION },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
            resources: { requests: { storage: args.storageSize ?? grafanaDefaults.storageSize } },
          },
        }, { parent: this })
      : undefined;

    const volumes: k8s.core.v1.Volume[] = [
      { name: "datasources", configMap: { name: mountByName(datasources, `${name}-datasources`) } },
      { name: "dashboard-providers", configMap: { name: mountByName(providers, `${name}-dashboard-providers`) } },
      ...folderMaps.map((cm, i) => ({ name: `dashboards-${usedFolders[i]}`, configMap: { name: mountByName(cm, `${name}-dashboards-${folders[usedFolders[i]].uid}`) } })),
      // Group-readable only: the pod's fsGroup reads it, nothing else does.
      { name: "secrets", secret: { secretName: mountByName(secret, `${name}-secrets`), defaultMode: 0o440 } },
      claim ? { name: "data", persistentVolumeClaim: { claimName: mountByName(claim, `${name}-data`) } } : { name: "data", emptyDir: {} },
      { name: "tmp", emptyDir: {} },
      ...(es
        ? [
            { name: "elasticsearch-credentials", secret: { secretName: es.credentialsSecret, defaultMode: 0o440 } },
            { name: "elasticsearch-ca", secret: { secretName: es.caSecret, items: [{ key: "ca.crt", path: "ca.crt" }], defaultMode: 0o440 } },
          ]
        : []),
    ];
    const mounts: k8s.core.v1.VolumeMount[] = [
      { name: "datasources", mountPath: "/etc/grafana/provisioning/datasources", readOnly: true },
      { name: "dashboard-providers", mountPath: "/etc/grafana/provisioning/dashboards", readOnly: true },
      ...usedFolders.map((folder) => ({ name: `dashboards-${folder}`, mountPath: folderDir(folder), readOnly: true })),
      { name: "secrets", mountPath: GRAFANA_SECRETS_DIR, readOnly: true },
      { name: "data", mountPath: "/var/lib/grafana" },
      { name: "tmp", mountPath: "/tmp" },
      ...(es
        ? [
            { name: "elasticsearch-credentials", mountPath: ELASTICSEARCH_CREDENTIALS_DIR, readOnly: true },
            { name: "elasticsearch-ca", mountPath: ELASTICSEARCH_CA_DIR, readOnly: true },
          ]
        : []),
    ];

    const env = renderGrafanaEnv({ rootUrl: args.rootUrl, database: hasDatabase });
    const workload: WorkloadSpec = {
      app,
      namespace: ns,
      replicas: this.replicas,
      runAsUser: GRAFANA_UID,
      // Providers are read at start: a changed provider rolls the pods. Dashboards are not hashed: the
      // providers rescan their files (updateIntervalSeconds), so a changed dashboard needs no restart.
      configHash: contentHash(providersYaml),
      terminationGracePeriodSeconds: 30,
      containers: [{
        name: "grafana",
        image: images.grafana,
        env: Object.entries(env).map(([key, value]) => ({ name: key, value })),
        ports: [{ name: "http", containerPort: GRAFANA_PORT }],
        resources: args.resources ?? grafanaDefaults.resources,
        livenessProbe: httpProbe("/api/health", "http", { failureThreshold: 6 }),
        readinessProbe: httpProbe("/api/health", "http"),
        // The first start migrates the database schema, which can take minutes.
        startupProbe: httpProbe("/api/health", "http", { periodSeconds: 10, failureThreshold: 30 }),
        volumeMounts: mounts,
      }],
      volumes,
    };
    const deployment = renderDeployment(workload);
    const spec = deployment.spec as k8s.apps.v1.DeploymentSpec;
    const pod = spec.template as k8s.core.v1.PodTemplateSpec;
    const podMeta = pod.metadata as k8s.meta.v1.ObjectMeta;
    // The datasource file's hash too, once its URLs are known.
    const template = this.datasourcesYaml.apply((yaml) => ({
      ...pod,
      metadata: { ...podMeta, annotations: { ...(podMeta.annotations as Record<string, string>), "checksum/datasources": contentHash(yaml) } },
    }));
    new Deployment(name, {
      ...deployment,
      spec: {
        ...spec,
        template,
        // A ReadWriteOnce volume attaches to one node: the old pod must let go of it before the new one starts.
        ...(persistent ? { strategy: { type: "Recreate" } } : {}),
      },
    }, { parent: this, dependsOn: [datasources, providers, secret, ...folderMaps, ...(claim ? [claim] : [])] });

    const pdb = renderPodDisruptionBudget(workload);
    if (pdb) new PodDisruptionBudget(name, pdb, { parent: this });

    if (args.networkPolicy ?? true) {
      const backends = [args.prometheus, args.alertmanager, args.loki, args.jaeger, es].filter((b): b is ServiceEndpoint => b !== undefined);
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app,
        namespace: ns,
        ingress: [
          { peers: podPeers(args.clients), ports: [{ port: GRAFANA_PORT }] },
          { peers: podPeers(args.scrapers), ports: [{ port: GRAFANA_PORT }] },
        ],
        egress: [
          ...backends.map(egressTo),
          // The database may live outside the cluster (a managed Postgres or MySQL).
          ...(hasDatabase ? [{ peers: [anywhere], ports: [{ port: args.databasePort ?? grafanaDefaults.databasePort }] }] : []),
        ],
      }), { parent: this });
    }

    this.registerOutputs({ url: this.url, adminPassword: this.adminPassword, datasourcesYaml: this.datasourcesYaml });
  }
}
