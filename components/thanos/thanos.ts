// Thanos in the cluster: the bucket and its objstore config (ThanosBucket), Query (a Deployment that
// fans out to every StoreAPI and deduplicates HA replicas), the Store Gateway (serves the bucket's blocks) and
// the Compactor (compacts, downsamples and applies retention in the bucket). The sidecar runs in every
// Prometheus pod (components/prometheus, its `thanos` arg). Every pod is hardened by the shared workload
// builder; NetworkPolicies allow only Query → StoreAPI (gRPC), the queriers (Grafana) → Query (HTTP), the
// scrapers (Prometheus) → every role's metrics, and each bucket user → the bucket.
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { Secret, Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { images } from "../images";
import {
  AppIdentity, Flow, httpProbe, namedConfigOptions, objectMeta, PeerSelector, podPeers, renderAppNetworkPolicy, renderDeployment,
  renderPodDisruptionBudget, renderService, renderStatefulSet, ResourceRequirements, ServiceEndpoint, serviceEndpoint, statefulSetWithOwnedClaims,
  WorkloadSpec,
} from "../kube";
import { createWorkloadBucket, objectStorageEgress, ObjectStorageGrantees, ObjectStorageTarget } from "../object-storage";
import type { InClusterApp } from "../prometheus/render-config";
import { toYaml } from "../yaml";
import { THANOS_GRPC_PORT, THANOS_HTTP_PORT, thanosBucketName, thanosContract, thanosDefaults, ThanosRole } from "./contract";
import { thanosCompactArgs, thanosQueryArgs, ThanosRetention, thanosStoreArgs } from "./render-args";
import { renderThanosObjstore, S3_KEY_ENV, s3CompatibleEndpoint, ThanosObjectStorage as ThanosStorageSpec } from "./render-objstore";

/** The file name of the objstore config in its Secret (mounted at thanosDefaults.objstoreConfigFile). */
export const OBJSTORE_KEY = "objstore.yml";
/** The keys of an S3-compatible store's access key pair in the objstore Secret. */
export const S3_KEY_SECRET_KEYS = { accessKeyId: "access_key_id", secretAccessKey: "secret_access_key" } as const;
const OBJSTORE_DIR = thanosDefaults.objstoreConfigFile.replace(/\/[^/]+$/, "");
const DATA_DIR = "/var/thanos";

/** Query's endpoint for a Store Gateway: DNS SRV over its headless Service's gRPC port (every replica). */
export function thanosStoreEndpoint(name: string, namespace: string): string {
  return `dnssrv+_grpc._tcp.${name}-headless.${namespace}.svc`;
}

/** The pods of one Thanos role, e.g. instance `thanos-query`, component `query`. */
export function thanosIdentity(name: string, role: ThanosRole): AppIdentity {
  return { name: thanosContract.name, instance: name, component: thanosContract.roles[role], image: images.thanos };
}

/** An S3-compatible store (MinIO, Ceph, R2, ...): where, and the access key pair (Pulumi secrets). */
export interface ThanosS3CompatibleBucket {
  /** The endpoint's URL, `http(s)://host[:port]`, no path and no credentials. */
  url: string;
  /** The bucket (it must exist). */
  bucket: string;
  /** A region for the request signature, where the store wants one. */
  region?: string;
  /** Path-style requests (default true: most self-hosted stores need them). */
  pathStyle?: boolean;
  /** The access key id (a Pulumi secret). */
  accessKeyId: pulumi.Input<string>;
  /** The secret access key (a Pulumi secret). */
  secretAccessKey: pulumi.Input<string>;
}

export interface ThanosBucketArgs {
  /** Namespace of the service account and the objstore Secret (must exist). */
  namespace: pulumi.Input<string>;
  /** A bucket created here in this cloud, used through workload identity (no keys). Exactly one of cloud and s3Compatible. */
  cloud?: ObjectStorageTarget;
  /** An existing S3-compatible bucket, used with an access key pair. Exactly one of cloud and s3Compatible. */
  s3Compatible?: ThanosS3CompatibleBucket;
  /** A prefix inside the bucket (several clusters sharing one bucket). */
  prefix?: string;
  /** Identities in the cloud that already exist and also get read/write access (Prometheus', for the sidecars' uploads). */
  grantees?: ObjectStorageGrantees;
}

/** A port to any address: the egress a bucket user needs. */
export interface ThanosEgressRule {
  /** Destination address block, e.g. 0.0.0.0/0 or 169.254.170.23/32. */
  cidr: string;
  /** Destination TCP port. */
  port: number;
}

/** An environment variable set from a key of a Secret. */
export interface ThanosSecretEnv {
  /** The variable's name. */
  name: string;
  /** The Secret's name. */
  secretName: string;
  /** The key in the Secret. */
  key: string;
}

/** What a pod needs to use the bucket: ThanosBucket.binding. */
export interface ThanosBucketBinding {
  /** The Secret holding objstore.yml (and an S3-compatible store's key pair). */
  secretName: string;
  /** The service account bound to the bucket's workload identity (the Store Gateway's and the Compactor's). */
  serviceAccountName: string;
  /** Labels the pods need (Azure workload identity's webhook). */
  podLabels: Record<string, string>;
  /** Environment variables from the Secret (an S3-compatible store's key pair). */
  env: ThanosSecretEnv[];
  /** Egress to the bucket and the cloud's credential endpoint. */
  egress: ThanosEgressRule[];
}

/** Egress rules as NetworkPolicy flows. */
export function bucketFlows(rules: ThanosEgressRule[]): Flow[] {
  return rules.map((r) => ({ peers: [r.cidr === "0.0.0.0/0" ? { kind: "anywhere" } : { kind: "cidr", cidr: r.cidr }], ports: [{ port: r.port }] }));
}

/** Secret-backed env vars as container env entries. */
export function secretEnv(env: ThanosSecretEnv[]) {
  return env.map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secretName, key: e.key } } }));
}

/** The egress an S3-compatible endpoint needs: its port, anywhere (it may be outside the cluster). */
export function s3CompatibleEgress(url: string): ThanosEgressRule[] {
  const { endpoint, insecure } = s3CompatibleEndpoint(url);
  const port = Number(endpoint.match(/:(\d+)$/)?.[1] ?? (insecure ? 80 : 443));
  return [{ cidr: "0.0.0.0/0", port }];
}

/**
 * Where Thanos keeps its blocks: a bucket in a cloud (created here, with workload identity for the `name`
 * service account and the grantees; no keys anywhere) or an existing S3-compatible bucket (its key pair,
 * Pulumi secrets, only in the Secret). Holds the objstore config every Thanos pod mounts, in a Secret.
 */
export class ThanosBucket extends pulumi.ComponentResource {
  /** What the Store Gateway, the Compactor and (secret and env) the sidecars need to use the bucket. */
  public readonly binding: ThanosBucketBinding;
  /** The rendered objstore.yml (no credential is ever in it). */
  public readonly objstoreYaml: pulumi.Output<string>;

  constructor(name: string, args: ThanosBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:thanos:ThanosBucket", name, {}, opts);
    if (!!args.cloud === !!args.s3Compatible) throw new Error(`ThanosBucket ${name}: set exactly one of cloud and s3Compatible`);
    const ns = args.namespace;
    const app: AppIdentity = { name: thanosContract.name, instance: name, component: "object-storage" };
    const secretName = `${name}-objstore`;
    const s3 = args.s3Compatible;
    const bucket = args.cloud ? createWorkloadBucket(thanosBucketName(name), args.cloud, { owner: "Thanos", sa: { namespace: ns, name }, grantees: args.grantees, parent: this }) : undefined;
    const storage: pulumi.Output<ThanosStorageSpec> = bucket
      ? bucket.storage
      : pulumi.output({ kind: "s3-compatible" as const, bucket: s3!.bucket, url: s3!.url, region: s3!.region, pathStyle: s3!.pathStyle, credentialsSecret: { name: secretName } });
    this.objstoreYaml = storage.apply((s) => toYaml(renderThanosObjstore({ storage: s, prefix: args.prefix })));

    new ServiceAccount(name, {
      metadata: { ...objectMeta(app, ns), annotations: bucket?.serviceAccountAnnotations ?? {} },
      automountServiceAccountToken: false,
    }, { parent: this });
    new Secret(name, {
      metadata: objectMeta(app, ns, secretName),
      type: "Opaque",
      stringData: {
        [OBJSTORE_KEY]: this.objstoreYaml,
        ...(s3 ? { [S3_KEY_SECRET_KEYS.accessKeyId]: pulumi.secret(s3.accessKeyId), [S3_KEY_SECRET_KEYS.secretAccessKey]: pulumi.secret(s3.secretAccessKey) } : {}),
      },
    }, { parent: this, ...namedConfigOptions });

    this.binding = {
      secretName,
      serviceAccountName: name,
      podLabels: bucket?.podLabels ?? {},
      env: s3
        ? [
            { name: S3_KEY_ENV.accessKeyId, secretName, key: S3_KEY_SECRET_KEYS.accessKeyId },
            { name: S3_KEY_ENV.secretAccessKey, secretName, key: S3_KEY_SECRET_KEYS.secretAccessKey },
          ]
        : [],
      egress: args.cloud
        ? objectStorageEgress(args.cloud.cloud).flatMap((f) => f.peers.flatMap((p) => f.ports.map((port) => ({ cidr: p.kind === "cidr" ? p.cidr : "0.0.0.0/0", port: port.port }))))
        : s3CompatibleEgress(s3!.url),
    };
    this.registerOutputs({ objstoreYaml: this.objstoreYaml });
  }
}

/** The objstore Secret's config file as a volume, and its mount. */
function objstoreVolume(binding: ThanosBucketBinding) {
  return {
    volume: { name: "objstore", secret: { secretName: binding.secretName, items: [{ key: OBJSTORE_KEY, path: OBJSTORE_KEY }] } },
    mount: { name: "objstore", mountPath: OBJSTORE_DIR, readOnly: true },
  };
}

/** One Thanos container on the shared hardened builder; unless stateless, the claim `data` is mounted at DATA_DIR. */
function thanosWorkload(app: AppIdentity, args: { namespace: pulumi.Input<string>; replicas: number; thanosArgs: string[]; grpc: boolean; binding?: ThanosBucketBinding; resources: ResourceRequirements; stateless?: boolean }): WorkloadSpec {
  const objstore = args.binding ? objstoreVolume(args.binding) : undefined;
  return {
    app, namespace: args.namespace, replicas: args.replicas,
    // Store and compactor: the bucket's workload identity is bound to their service account (its token is
    // projected by the cloud's webhook or agent, never mounted for the Kubernetes API).
    serviceAccountName: args.binding?.serviceAccountName,
    containers: [{
      name: "thanos",
      image: images.thanos,
      args: args.thanosArgs,
      env: args.binding ? secretEnv(args.binding.env) : undefined,
      ports: [{ name: "http", containerPort: THANOS_HTTP_PORT }, ...(args.grpc ? [{ name: "grpc", containerPort: THANOS_GRPC_PORT }] : [])],
      resources: args.resources,
      livenessProbe: httpProbe("/-/healthy", "http", { failureThreshold: 6 }),
      readinessProbe: httpProbe("/-/ready", "http"),
      volumeMounts: [
        ...(args.stateless ? [] : [{ name: "data", mountPath: DATA_DIR }]),
        { name: "tmp", mountPath: "/tmp" },
        ...(objstore ? [objstore.mount] : []),
      ],
    }],
    volumes: [
      { name: "tmp", emptyDir: {} },
      ...(objstore ? [objstore.volume] : []),
    ],
  };
}

/** The Kubernetes API is never called: no token in the pods, only the bucket's labels. */
function finishPod(template: any, binding?: ThanosBucketBinding) {
  template.spec.automountServiceAccountToken = false;
  template.metadata.labels = { ...template.metadata.labels, ...(binding?.podLabels ?? {}) };
}

function scrapeTarget(ns: pulumi.Input<string>, service: string): pulumi.Output<InClusterApp> {
  return pulumi.output(ns).apply((namespace) => ({ namespace, app: thanosContract.name, port: "http", service }));
}

export interface ThanosQueryArgs {
  /** Namespace (must exist). */
  namespace: pulumi.Input<string>;
  /** Replicas (stateless; prod runs 2 behind a PodDisruptionBudget, spread across nodes). Default 1. */
  replicas?: number;
  /** StoreAPI endpoints: the sidecars' and Store Gateways' (ThanosStoreGateway.storeEndpoint, Prometheus' thanosEndpoint). */
  endpoints: string[];
  /** The pods serving those endpoints (Prometheus with its sidecars, Store Gateways): Query's gRPC egress goes only to them. */
  storeApis: PeerSelector[];
  /** Labels that tell HA replicas apart (default the contract's `replica`). */
  replicaLabels?: string[];
  /** CPU and memory requests and limits. */
  resources?: ResourceRequirements;
  /** Create a NetworkPolicy (default true). */
  networkPolicy?: boolean;
  /** Pods that query Thanos (Grafana): let in on HTTP. */
  queryClients?: PeerSelector[];
  /** Pods that scrape Query's metrics (Prometheus). */
  scrapers?: PeerSelector[];
}

/** Thanos Query: the Prometheus HTTP API over every StoreAPI, deduplicating HA replicas on the replica label. */
export class ThanosQuery extends pulumi.ComponentResource {
  /** In-cluster URL of the Prometheus-compatible API (Grafana's default datasource). */
  public readonly url: pulumi.Output<string>;
  /** Where queriers (Grafana) reach it: URL, pods and port. */
  public readonly endpoint: ServiceEndpoint;
  /** Query's own metrics, for Prometheus (job thanos-query). */
  public readonly scrapeTarget: pulumi.Output<InClusterApp>;
  /** The pods' identity. */
  public readonly app: AppIdentity;

  constructor(name: string, args: ThanosQueryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:thanos:ThanosQuery", name, {}, opts);
    const app = thanosIdentity(name, "query");
    this.app = app;
    const ns = args.namespace;
    const spec = thanosWorkload(app, {
      namespace: ns, replicas: args.replicas ?? 1, grpc: true, stateless: true,
      thanosArgs: thanosQueryArgs({ endpoints: args.endpoints, replicaLabels: args.replicaLabels }),
      resources: args.resources ?? thanosDefaults.resources.query,
    });
    const deployment = renderDeployment(spec);
    finishPod((deployment.spec as any).template);
    new Deployment(name, deployment, { parent: this });
    const service = new Service(name, renderService({ app, namespace: ns, ports: [{ name: "http", port: THANOS_HTTP_PORT }, { name: "grpc", port: THANOS_GRPC_PORT }] }), { parent: this });
    this.url = pulumi.interpolate`http://${service.metadata.name}.${ns}.svc:${THANOS_HTTP_PORT}`;
    this.endpoint = serviceEndpoint(app, ns, this.url, THANOS_HTTP_PORT);
    this.scrapeTarget = scrapeTarget(ns, name);
    const pdb = renderPodDisruptionBudget(spec);
    if (pdb) new PodDisruptionBudget(name, pdb, { parent: this });
    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app, namespace: ns,
        ingress: [{ peers: [...podPeers(args.queryClients), ...podPeers(args.scrapers)], ports: [{ port: THANOS_HTTP_PORT }] }],
        egress: [{ peers: podPeers(args.storeApis), ports: [{ port: THANOS_GRPC_PORT }] }],
      }), { parent: this });
    }
    this.registerOutputs({ url: this.url, scrapeTarget: this.scrapeTarget });
  }
}

export interface ThanosStoreGatewayArgs {
  /** Namespace (must exist). */
  namespace: pulumi.Input<string>;
  /** The bucket (ThanosBucket.binding). */
  bucket: ThanosBucketBinding;
  /** Replicas (each serves every block). Default 1. */
  replicas?: number;
  /** The volume of its index-header cache (rebuilt from the bucket). */
  storageSize: string;
  /** Storage class of the volume (unset: the cluster default). */
  storageClass?: pulumi.Input<string>;
  /** CPU and memory requests and limits. */
  resources?: ResourceRequirements;
  /** Create a NetworkPolicy (default true). */
  networkPolicy?: boolean;
  /** Query's pods: let in on gRPC. */
  queriers?: PeerSelector[];
  /** Pods that scrape its metrics (Prometheus). */
  scrapers?: PeerSelector[];
}

/** The Thanos Store Gateway: the bucket's blocks (the long-term history) as a StoreAPI for Query. */
export class ThanosStoreGateway extends pulumi.ComponentResource {
  /** Query's endpoint for it: DNS SRV over its headless Service's gRPC port (every replica). */
  public readonly storeEndpoint: pulumi.Output<string>;
  /** Its metrics, for Prometheus (job thanos-store-gateway). */
  public readonly scrapeTarget: pulumi.Output<InClusterApp>;
  /** The pods' identity. */
  public readonly app: AppIdentity;

  constructor(name: string, args: ThanosStoreGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:thanos:ThanosStoreGateway", name, {}, opts);
    const app = thanosIdentity(name, "store");
    this.app = app;
    const ns = args.namespace;
    const spec = thanosWorkload(app, {
      namespace: ns, replicas: args.replicas ?? 1, grpc: true, binding: args.bucket,
      thanosArgs: thanosStoreArgs({ dataDir: DATA_DIR, objstoreConfigFile: thanosDefaults.objstoreConfigFile }),
      resources: args.resources ?? thanosDefaults.resources.store,
    });
    const headless = `${name}-headless`;
    const ports = [{ name: "http", port: THANOS_HTTP_PORT }, { name: "grpc", port: THANOS_GRPC_PORT }];
    new Service(name, renderService({ app, namespace: ns, ports }), { parent: this });
    new Service(headless, renderService({ app, namespace: ns, name: headless, headless: true, ports }), { parent: this });
    const sts = renderStatefulSet(spec, { serviceName: headless, volumeClaims: [{ name: "data", size: args.storageSize, storageClass: args.storageClass }] });
    finishPod((sts.spec as any).template, args.bucket);
    statefulSetWithOwnedClaims(name, sts, { parent: this });
    const pdb = renderPodDisruptionBudget(spec);
    if (pdb) new PodDisruptionBudget(name, pdb, { parent: this });
    this.storeEndpoint = pulumi.output(ns).apply((namespace) => thanosStoreEndpoint(name, namespace));
    this.scrapeTarget = scrapeTarget(ns, name);
    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app, namespace: ns,
        ingress: [{ peers: podPeers(args.queriers), ports: [{ port: THANOS_GRPC_PORT }] }, { peers: podPeers(args.scrapers), ports: [{ port: THANOS_HTTP_PORT }] }],
        egress: bucketFlows(args.bucket.egress),
      }), { parent: this });
    }
    this.registerOutputs({ storeEndpoint: this.storeEndpoint, scrapeTarget: this.scrapeTarget });
  }
}

export interface ThanosCompactorArgs {
  /** Namespace (must exist). */
  namespace: pulumi.Input<string>;
  /** The bucket (ThanosBucket.binding). */
  bucket: ThanosBucketBinding;
  /** Retention per resolution (default thanosDefaults.retention: raw 30d, 5m and 1h 365d). */
  retention?: ThanosRetention;
  /** Write 5m and 1h downsampled blocks (default true). */
  downsampling?: boolean;
  /** The scratch volume (room for the largest compaction: a few times the biggest 2-week block). */
  storageSize: string;
  /** Storage class of the volume (unset: the cluster default). */
  storageClass?: pulumi.Input<string>;
  /** CPU and memory requests and limits. */
  resources?: ResourceRequirements;
  /** Create a NetworkPolicy (default true). */
  networkPolicy?: boolean;
  /** Pods that scrape its metrics (Prometheus). */
  scrapers?: PeerSelector[];
}

/**
 * The Thanos Compactor: exactly one replica per bucket (two would compact the same blocks), a StatefulSet with
 * a scratch volume, compacting, downsampling and deleting by retention per resolution.
 */
export class ThanosCompactor extends pulumi.ComponentResource {
  /** Its metrics, for Prometheus (job thanos-compactor). */
  public readonly scrapeTarget: pulumi.Output<InClusterApp>;
  /** The pods' identity. */
  public readonly app: AppIdentity;

  constructor(name: string, args: ThanosCompactorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:thanos:ThanosCompactor", name, {}, opts);
    const app = thanosIdentity(name, "compact");
    this.app = app;
    const ns = args.namespace;
    const spec = thanosWorkload(app, {
      namespace: ns, replicas: 1, grpc: false, binding: args.bucket,
      thanosArgs: thanosCompactArgs({ dataDir: DATA_DIR, objstoreConfigFile: thanosDefaults.objstoreConfigFile, retention: args.retention, downsampling: args.downsampling }),
      resources: args.resources ?? thanosDefaults.resources.compact,
    });
    const headless = `${name}-headless`;
    const ports = [{ name: "http", port: THANOS_HTTP_PORT }];
    new Service(name, renderService({ app, namespace: ns, ports }), { parent: this });
    new Service(headless, renderService({ app, namespace: ns, name: headless, headless: true, ports }), { parent: this });
    const sts = renderStatefulSet(spec, { serviceName: headless, volumeClaims: [{ name: "data", size: args.storageSize, storageClass: args.storageClass }] });
    finishPod((sts.spec as any).template, args.bucket);
    statefulSetWithOwnedClaims(name, sts, { parent: this });
    this.scrapeTarget = scrapeTarget(ns, name);
    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app, namespace: ns,
        ingress: [{ peers: podPeers(args.scrapers), ports: [{ port: THANOS_HTTP_PORT }] }],
        egress: bucketFlows(args.bucket.egress),
      }), { parent: this });
    }
    this.registerOutputs({ scrapeTarget: this.scrapeTarget });
  }
}
