import * as pulumi from "@pulumi/pulumi";
import { CustomResource, CustomResourceArgs } from "@pulumi/kubernetes/apiextensions";
import { Job } from "@pulumi/kubernetes/batch/v1";
import { ConfigMap, Secret } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { RandomPassword } from "@pulumi/random";
import { images, imageTag } from "../images";
import {
  anywhere, AppIdentity, contentHash, dependsOnWith, Flow, objectMeta, PeerSelector, peerSelector, podPeers, podsOf, renderAppNetworkPolicy,
  renderPodTemplate, ServiceEndpoint,
  namedConfigOptions,
} from "../kube";
import { indexKinds } from "../log-parsing";
import { toYaml } from "../yaml";
import { elasticsearchContract, ES_HTTP_PORT, ES_TRANSPORT_PORT } from "./contract";
import { ECK_OPERATOR_LABELS } from "./eck-operator";
import { BootstrapRequest, renderBootstrapScript } from "./render-bootstrap";
import { assertDerivedNames } from "../name-rules";
import { elasticsearchDerivedNames, ElasticsearchNodeSet, renderElasticsearchCluster } from "./render-cluster";
import { ILM_POLICY, renderIlmPolicy, renderIndexTemplates, renderSlmPolicy, renderSnapshotRepository, SLM_POLICY, SNAPSHOT_REPOSITORY } from "./render-indices";
import { esUsers, EsUser, renderRoles } from "./render-roles";

/** The seed's index lifecycle, in days since an index was created. */
export interface IndexLifecycleSpec {
  /** Days on the hot tier (fast storage, written to). */
  hotDays: number;
  /** Day until which an index stays on the warm tier. */
  warmDays: number;
  /** Day until which an index stays on the cold tier; then it is archived (with a snapshot) and deleted. */
  coldDays: number;
}

/** Size of each daily index. */
export interface IndexSettings {
  /** Primary shards. */
  shards: number;
  /** Replicas of each primary shard. */
  replicas: number;
}

/** Object storage the snapshot repository uses (an `as const` object, so component packaging sees an enum). */
export const SnapshotStorage = { S3: "s3", Gcs: "gcs", Azure: "azure" } as const;
export type SnapshotStorage = (typeof SnapshotStorage)[keyof typeof SnapshotStorage];

/**
 * Backup and archive in object storage: a daily snapshot of every NovaCron index from its first day (not only
 * of indices past the cold phase), each snapshot kept `retentionDays`. ILM deletes an index after the cold
 * phase only once a snapshot holds it. Snapshots are incremental, but the bucket holds each index until the
 * last snapshot containing it expires (about coldDays + retentionDays after its creation), including the
 * pre-force-merge segments of the hot days: up to ~2x an index's primary size.
 */
export interface SnapshotArchiveSpec {
  /** Which object storage holds the repository. */
  type: SnapshotStorage;
  /** Bucket (or container) name. */
  bucket: string;
  /** Path inside the bucket. */
  basePath: string;
  /** Days each daily snapshot is kept before the snapshot lifecycle deletes it (an index outlives its deletion by this long). */
  retentionDays: number;
  /** Existing Secret with the repository client's credentials as Elasticsearch secure settings; none with workload identity. */
  secureSettingsSecret?: string;
}

/**
 * How clients reach an Elasticsearch cluster run by ECK: everything Kibana, Logstash, Jaeger (and any other
 * writer or reader) need, as data, so a client takes it from this component, from another stack's outputs, or
 * from hand-written values alike. Clients run in the cluster's namespace: its Secrets are read there.
 */
export interface ElasticsearchConnection {
  /** The Elasticsearch resource's name (Kibana's `elasticsearchRef`; ECK names the cluster's Service and Secrets after it). */
  clusterName: pulumi.Input<string>;
  /** Namespace of the cluster, its Services and Secrets. */
  namespace: pulumi.Input<string>;
  /** In-cluster HTTPS URL of the REST API, e.g. https://logs-es-http.monitoring.svc:9200. */
  url: pulumi.Input<string>;
  /** Secret (key `ca.crt`) with the CA of the cluster's HTTP certificate. */
  caSecret: pulumi.Input<string>;
  /** Secret (keys `username`, `password`) of the log writer (Logstash): writes the log indices only. */
  logWriterSecret: pulumi.Input<string>;
  /** Secret (keys `username`, `password`) of the trace writer (Jaeger and its index cleaner): Jaeger's indices only. */
  traceWriterSecret: pulumi.Input<string>;
  /** Secret (keys `username`, `password`) of the read-only user (Grafana). */
  readerSecret: pulumi.Input<string>;
  /** Secret (keys `username`, `password`) of the monitoring user (the metrics exporter): cluster `monitor` only. */
  monitoringSecret: pulumi.Input<string>;
  /** Index name prefix: the log indices are `<prefix>-application|ml|access|errors-yyyy.MM.dd`. */
  indexPrefix: pulumi.Input<string>;
  /** The cluster's pods, for clients' NetworkPolicy egress rules. */
  pods: PeerSelector;
  /** Namespace of the ECK operator (it reconciles Kibana too, so Kibana admits it). */
  operatorNamespace: pulumi.Input<string>;
}

/** How a reader (Grafana) queries the cluster: its endpoint, the read-only user, the CA and the log index patterns. */
export interface ElasticsearchEndpoint extends ServiceEndpoint {
  /** Secret (same namespace) with keys `username` and `password` of a read-only user. */
  credentialsSecret: pulumi.Input<string>;
  /** Secret (same namespace) with key `ca.crt`: the CA of the cluster's HTTP certificate. */
  caSecret: pulumi.Input<string>;
  /** Index patterns; one datasource each (uid elasticsearch-<name>). */
  indexPatterns: string[];
}

export interface ElasticsearchArgs {
  /** Namespace of the cluster (must exist). */
  namespace: pulumi.Input<string>;
  /** Node sets: one with every role (dev), or dedicated masters and hot / warm / cold tiers (prod). */
  nodeSets: ElasticsearchNodeSet[];
  /** Default storage class for node sets that name none. */
  storageClass?: string;
  /** Days an index stays in hot, warm (until) and cold (until); then archived (if a snapshot is set) and deleted. */
  lifecycle: IndexLifecycleSpec;
  /** Primary shards and replicas of each daily index. */
  indices: IndexSettings;
  /** Archive to object storage before deletion; none = delete after cold. */
  snapshot?: SnapshotArchiveSpec;
  /** Index name prefix; the families are <prefix>-application|ml|access|errors-*. Default novacron. */
  indexPrefix?: string;
  /**
   * Namespace of the ECK operator, admitted to the REST API. Default elastic-system. (To wait for the
   * operator's CRDs, pass the operator in `opts.dependsOn`: the cluster resource is given it.)
   */
  operatorNamespace?: pulumi.Input<string>;
  /** Create NetworkPolicies (default true). */
  networkPolicy?: boolean;
  /** Pods that write logs (Logstash). */
  writers?: PeerSelector[];
  /** Pods that read through the read-only Grafana user, or Kibana. */
  queriers?: PeerSelector[];
  /** Pods that store traces (Jaeger and its index cleaner). */
  traceWriters?: PeerSelector[];
  /** Pods that read cluster health and node stats (the metrics exporter). */
  monitors?: PeerSelector[];
}

/** The Elasticsearch identity (labels on its pods) for NetworkPolicy peers. */
export function elasticsearchIdentity(name: string): AppIdentity {
  return { name: elasticsearchContract.name, instance: name, component: "logs-storage", image: images.elasticsearch };
}

/**
 * An Elasticsearch cluster run by ECK: TLS and authentication on (ECK generates the CA and the `elastic`
 * password into Secrets), users for Logstash, Grafana (read-only), Jaeger and the bootstrap Job with their
 * own roles and generated passwords, and the ILM policy, index templates and archive applied by a Job that
 * is replaced whenever their content changes.
 */
export class Elasticsearch extends pulumi.ComponentResource {
  /** In-cluster HTTPS URL. */
  public readonly url: pulumi.Output<string>;
  /** Secret (keys username, password) of the read-only user for Grafana. */
  public readonly grafanaCredentialsSecret: pulumi.Output<string>;
  /** Secret (key ca.crt) with the HTTP CA certificate. */
  public readonly caSecret: pulumi.Output<string>;
  /** The seed's four index patterns. */
  public readonly indexPatterns: string[];
  /** Rendered documents: ilm/<name>.json, index-templates/<name>.json, snapshot/*.json, roles.yml. */
  public readonly files: Record<string, string>;
  public readonly app: AppIdentity;
  /** The Elasticsearch resource's name (Kibana's elasticsearchRef). */
  public readonly clusterName: string;
  /** Namespace of the ECK operator. */
  public readonly operatorNamespace: pulumi.Input<string>;
  /** How clients (Kibana, Logstash, Jaeger) reach and authenticate to the cluster. */
  public readonly connection: ElasticsearchConnection;
  /** How a reader (Grafana) queries it, as its read-only user. */
  public readonly endpoint: ElasticsearchEndpoint;

  constructor(name: string, args: ElasticsearchArgs, opts?: pulumi.ComponentResourceOptions) {
    // ECK's admission webhook would refuse these names only after the rest was created: check them first.
    assertDerivedNames(`Elasticsearch ${name}`, elasticsearchDerivedNames({ name, nodeSets: args.nodeSets }));
    super("novacron:elasticsearch:Elasticsearch", name, {}, opts);
    const app = elasticsearchIdentity(name);
    this.app = app;
    this.clusterName = name;
    this.operatorNamespace = args.operatorNamespace ?? "elastic-system";
    const ns = args.namespace;
    const prefix = args.indexPrefix ?? "novacron";
    this.indexPatterns = indexKinds.map((k) => `${prefix}-${k}-*`);
    const httpService = `${name}-es-http`;
    this.url = pulumi.interpolate`https://${httpService}.${ns}.svc:${ES_HTTP_PORT}`;
    this.caSecret = pulumi.output(`${name}-es-http-certs-public`);

    // Users: a generated password each, in a basic-auth Secret ECK loads into the file realm.
    const secrets = {} as Record<EsUser, Secret>;
    for (const user of Object.keys(esUsers) as EsUser[]) {
      const password = new RandomPassword(`${name}-${user}`, { length: 32, special: false }, { parent: this });
      secrets[user] = new Secret(`${name}-${user}`, {
        metadata: objectMeta(app, ns, `${name}-es-user-${user}`),
        type: "kubernetes.io/basic-auth",
        stringData: { username: esUsers[user].username, password: pulumi.secret(password.result), roles: esUsers[user].role },
      }, { parent: this, ...namedConfigOptions });
    }
    this.grafanaCredentialsSecret = secrets.grafana.metadata.name;

    // ECK reads file-realm roles from a Secret; they hold no credential.
    const rolesYaml = toYaml(renderRoles(prefix));
    const roles = new Secret(`${name}-roles`, { metadata: objectMeta(app, ns, `${name}-es-roles`), stringData: { "roles.yml": rolesYaml } }, { parent: this, ...namedConfigOptions });

    const cluster = new CustomResource(name, renderElasticsearchCluster({
      name, namespace: ns, app,
      version: imageTag(images.elasticsearch),
      image: images.elasticsearch,
      nodeSets: args.nodeSets,
      defaultStorageClass: args.storageClass,
      rolesSecret: `${name}-es-roles`,
      fileRealmSecrets: (Object.keys(esUsers) as EsUser[]).map((u) => `${name}-es-user-${u}`),
      secureSettingsSecret: args.snapshot?.secureSettingsSecret,
    }) as CustomResourceArgs, { parent: this, dependsOn: dependsOnWith(opts, roles, ...Object.values(secrets)) });

    // Lifecycle, templates and archive, applied by a Job named after their content: a change makes a new Job.
    const files: Record<string, string> = {};
    const requests: BootstrapRequest[] = [];
    const configDir = "/etc/novacron-bootstrap";
    // ConfigMap keys cannot hold "/": ilm/x.json is mounted as ilm_x.json.
    const data: Record<string, string> = {};
    const add = (file: string, path: string, doc: unknown) => {
      files[file] = JSON.stringify(doc, null, 2) + "\n";
      const key = file.replaceAll("/", "_");
      data[key] = files[file];
      requests.push({ method: "PUT", path, file: key });
    };
    if (args.snapshot) {
      add(`snapshot/repository-${SNAPSHOT_REPOSITORY}.json`, `_snapshot/${SNAPSHOT_REPOSITORY}`, renderSnapshotRepository(args.snapshot));
      add(`snapshot/slm-${SLM_POLICY}.json`, `_slm/policy/${SLM_POLICY}`, renderSlmPolicy(args.snapshot, prefix));
    }
    add(`ilm/${ILM_POLICY}.json`, `_ilm/policy/${ILM_POLICY}`, renderIlmPolicy(args.lifecycle, !!args.snapshot));
    for (const [template, doc] of Object.entries(renderIndexTemplates({ prefix, shards: args.indices.shards, replicas: args.indices.replicas }))) {
      add(`index-templates/${template}.json`, `_index_template/${template}`, doc);
    }
    files["roles.yml"] = rolesYaml;
    this.files = files;

    const credentialsDir = "/etc/es-user";
    data["bootstrap.sh"] = renderBootstrapScript({ url: `https://${httpService}:${ES_HTTP_PORT}`, caFile: "/etc/es-ca/ca.crt", configDir, credentialsDir, requests });
    const hash = contentHash(...Object.entries(data).sort().flat());
    const bootstrapApp: AppIdentity = { name: "elasticsearch-bootstrap", instance: `${name}-bootstrap`, component: "logs-storage", image: images.curl };
    const bootstrapConfig = new ConfigMap(`${name}-bootstrap`, { metadata: objectMeta(bootstrapApp, ns, `${name}-bootstrap-${hash}`), data }, { parent: this });
    const pod = renderPodTemplate({
      app: bootstrapApp,
      namespace: ns,
      runToCompletion: true,
      // The builder's default uid (nobody, 65534), not the image's curl_user (100, a low uid a node may
      // use): the script only reads its mounted files and runs the image's world-executable sh and curl.
      containers: [{
        name: "bootstrap",
        image: images.curl,
        args: ["sh", `${configDir}/bootstrap.sh`],
        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
        volumeMounts: [
          { name: "config", mountPath: configDir, readOnly: true },
          { name: "ca", mountPath: "/etc/es-ca", readOnly: true },
          // Credentials as files, read by the script (not environment variables, which child processes inherit).
          { name: "credentials", mountPath: credentialsDir, readOnly: true },
        ],
      }],
      volumes: [
        { name: "config", configMap: { name: bootstrapConfig.metadata.name } },
        { name: "ca", secret: { secretName: `${name}-es-http-certs-public` } },
        // Group-readable only: the pod's fsGroup reads it.
        { name: "credentials", secret: { secretName: `${name}-es-user-bootstrap`, defaultMode: 0o440 } },
      ],
    });
    // The curl image's entrypoint is curl itself: run the script with sh instead.
    (pod.spec as any).containers[0].command = ["/bin/sh", "-c", 'exec "$@"', "--"];
    new Job(`${name}-bootstrap`, {
      metadata: objectMeta(bootstrapApp, ns, `${name}-bootstrap-${hash}`),
      spec: { backoffLimit: 6, activeDeadlineSeconds: 1800, template: pod },
    }, { parent: this, dependsOn: [cluster, bootstrapConfig] });

    this.connection = {
      // From the resources themselves, so what a client builds from them waits for the cluster and its users.
      // (Writers should also wait for the index templates: pass this component in their opts.dependsOn.)
      clusterName: cluster.metadata.name,
      namespace: ns,
      url: this.url,
      caSecret: this.caSecret,
      logWriterSecret: secrets.logstash.metadata.name,
      traceWriterSecret: secrets.jaeger.metadata.name,
      readerSecret: secrets.grafana.metadata.name,
      monitoringSecret: secrets.monitoring.metadata.name,
      indexPrefix: prefix,
      pods: peerSelector(app, ns),
      operatorNamespace: this.operatorNamespace,
    };
    this.endpoint = {
      url: this.url, pods: this.connection.pods, port: ES_HTTP_PORT,
      credentialsSecret: this.grafanaCredentialsSecret, caSecret: this.caSecret, indexPatterns: this.indexPatterns,
    };

    if (args.networkPolicy ?? true) {
      const self = podsOf(app, ns);
      const operator: import("../kube").Peer = { kind: "pods", selector: { namespace: this.operatorNamespace, podLabels: ECK_OPERATOR_LABELS } };
      const bootstrap = podsOf(bootstrapApp, ns);
      const transport: Flow = { peers: [self], ports: [{ port: ES_TRANSPORT_PORT }] };
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app, namespace: ns,
        ingress: [
          { peers: [self, operator, bootstrap, ...podPeers(args.writers), ...podPeers(args.queriers), ...podPeers(args.traceWriters), ...podPeers(args.monitors)], ports: [{ port: ES_HTTP_PORT }] },
          transport,
        ],
        egress: [
          transport,
          // The archive: the object storage API (and its token endpoints) over HTTPS.
          ...(args.snapshot ? [{ peers: [anywhere], ports: [{ port: 443 }] }] : []),
        ],
      }), { parent: this });
      new NetworkPolicy(`${name}-bootstrap`, renderAppNetworkPolicy({
        app: bootstrapApp, namespace: ns, ingress: [],
        egress: [{ peers: [self], ports: [{ port: ES_HTTP_PORT }] }],
      }), { parent: this });
    }
    this.registerOutputs({ url: this.url, grafanaCredentialsSecret: this.grafanaCredentialsSecret, caSecret: this.caSecret, indexPatterns: this.indexPatterns });
  }
}

