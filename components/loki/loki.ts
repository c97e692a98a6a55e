import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes/types/input";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { ConfigMap, Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { images } from "../images";
import {
  AppIdentity, contentHash, Flow, httpProbe, mountByName, namedConfigOptions, objectMeta, Peer, PeerSelector, podPeers, renderAppNetworkPolicy,
  renderDeployment, renderPodDisruptionBudget, renderService, renderStatefulSet, ResourceRequirements, ServiceEndpoint,
  serviceEndpoint, statefulSetWithOwnedClaims, WorkloadSpec,
} from "../kube";
import type { AppScrapeTarget } from "../prometheus/render-config";
import { toYaml } from "../yaml";
import { createLokiObjectStorage, lokiObjectStorageEgress, LokiObjectStorageTarget } from "./object-storage";
import { lokiChunksName } from "./object-storage-names";
import {
  LOKI_GRPC_PORT, LOKI_HTTP_PORT, LOKI_MEMBERLIST_PORT, LOKI_REPLICATION_FACTOR, LOKI_TARGETS, lokiContract, lokiDefaults, LokiMode, LokiTarget,
} from "./contract";
import { LokiClusterSpec, LokiStorage, renderLokiConfig } from "./render-config";

/** The uid the Loki image runs as. */
const LOKI_UID = 10001;
const DATA_DIR = "/var/loki";
/** The schema's first day: fixed, so a later change appends a period instead of rewriting history. */
export const LOKI_SCHEMA_FROM = "2024-04-01";
/** On every pod of one scalable Loki (its value the component's name): the memberlist Service and peers select it. */
export const LOKI_CLUSTER_LABEL = "novacron.io/loki-cluster";

/** Replicas of each target of the simple scalable deployment. */
export interface LokiReplicas {
  /** Distributors and ingesters (a StatefulSet, the WAL on a volume); at least the replication factor, 3. */
  write: number;
  /** Query frontends and queriers (stateless, a Deployment). */
  read: number;
  /** Compactor, index gateway, query scheduler and ruler (a StatefulSet with a volume). */
  backend: number;
}

export interface LokiArgs {
  /** Namespace (must exist). */
  namespace: pulumi.Input<string>;
  /** Loki duration logs are kept, e.g. 7d or 31d. */
  retention: string;
  /** single: one `-target=all` replica; scalable: write, read and backend targets (needs objectStorage). Default single. */
  mode?: LokiMode;
  /** Scalable mode: replicas per target (default lokiDefaults.replicas: write 3, read 2, backend 3). */
  replicas?: LokiReplicas;
  /** Volume per stateful pod: all data with filesystem storage; the WAL (write) or index cache and compactor work (backend) with object storage. */
  storageSize: string;
  /** Storage class of the volumes (unset: the cluster default). */
  storageClass?: pulumi.Input<string>;
  /** CPU and memory requests and limits of the main container (every target's, in scalable mode). */
  resources?: ResourceRequirements;
  /** Object storage in a cloud (bucket and workload identity created here); none = the volume. */
  objectStorage?: LokiObjectStorageTarget;
  /** Create NetworkPolicies (default true). */
  networkPolicy?: boolean;
  /** Pods that push logs (the log shipper): let in to the write path. */
  writers?: PeerSelector[];
  /** Pods that query Loki (Grafana): let in to the read path. */
  queriers?: PeerSelector[];
  /** Pods that scrape Loki's own metrics (Prometheus): let in to every pod's HTTP port. */
  scrapers?: PeerSelector[];
}

export function lokiIdentity(name: string): AppIdentity {
  return { name: lokiContract.name, instance: name, component: "logs-storage", image: images.loki };
}

/** One target's pods in scalable mode, e.g. instance `loki-write`. */
export function lokiTargetIdentity(name: string, target: LokiTarget): AppIdentity {
  return { name: lokiContract.name, instance: `${name}-${target}`, component: `logs-${target}`, image: images.loki };
}

/** Replicas a scalable Loki cannot run with: fewer ingesters than the replication factor, or a target with none. */
export function lokiReplicaProblems(replicas: LokiReplicas): string[] {
  const problems = LOKI_TARGETS.filter((t) => !Number.isInteger(replicas[t]) || replicas[t] < 1).map((t) => `${t} must be a whole number of at least 1`);
  if (replicas.write < LOKI_REPLICATION_FACTOR) problems.push(`write (${replicas.write}) must be at least the replication factor (${LOKI_REPLICATION_FACTOR}): every stream is written to ${LOKI_REPLICATION_FACTOR} ingesters`);
  return problems;
}

/**
 * Loki, in one of two modes (docs/logs-and-traces.md says why these two):
 * - single: one `-target=all` StatefulSet replica with a volume (the write-ahead log survives a restart),
 *   filesystem storage in dev, its rings in memory.
 * - scalable (Loki's simple scalable deployment): write (StatefulSet, WAL on a volume), read (Deployment) and
 *   backend (StatefulSet) targets on one config, their rings over memberlist (joined through a headless
 *   Service of every Loki pod), each stream on 3 ingesters, chunks and index in the bucket. The shipper pushes
 *   to the write Service; Grafana queries the read Service.
 * Retention by the compactor. Loki has no auth of its own here: NetworkPolicies admit only the shipper (push),
 * the queriers (Grafana) and Loki's own pods to each other.
 */
export class Loki extends pulumi.ComponentResource {
  /** In-cluster URL of the query path (Grafana data source uid `loki`). */
  public readonly url: pulumi.Output<string>;
  /** Where queriers (Grafana) reach it: URL, pods and port of the query path. */
  public readonly endpoint: ServiceEndpoint;
  /** The push endpoint for shippers. */
  public readonly pushUrl: pulumi.Output<string>;
  /** Where shippers push: URL, pods and port of the write path. */
  public readonly pushEndpoint: ServiceEndpoint;
  /** The rendered loki.yaml. */
  public readonly configYaml: pulumi.Output<string>;
  /** The single binary's identity; in scalable mode the one its targets' identities derive from. */
  public readonly app: AppIdentity;
  /** Every Loki pod's own metrics, through its workload's Service (not the headless ones: one target per pod). */
  public readonly scrapeTarget: pulumi.Output<AppScrapeTarget>;

  constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:loki:Loki", name, {}, opts);
    const app = lokiIdentity(name);
    this.app = app;
    const ns = args.namespace;
    const scalable = (args.mode ?? lokiDefaults.mode) === LokiMode.Scalable;
    const replicas = args.replicas ?? lokiDefaults.replicas;
    if (scalable) {
      if (!args.objectStorage) throw new Error(`Loki ${name}: scalable mode needs objectStorage (its targets share chunks and index through a bucket)`);
      const problems = lokiReplicaProblems(replicas);
      if (problems.length) throw new Error(`Loki ${name}: replicas: ${problems.join("; ")}`);
    }

    const object = args.objectStorage ? createLokiObjectStorage(lokiChunksName(name), args.objectStorage, { namespace: ns, name }, this) : undefined;
    const storage: pulumi.Output<LokiStorage> = object?.storage ?? pulumi.output({ kind: "filesystem" as const });
    const cluster = (namespace: string): LokiClusterSpec => ({
      memberlistService: `${name}-memberlist.${namespace}.svc`,
      clusterLabel: `${namespace}.${name}`,
      backendService: `${name}-backend.${namespace}.svc`,
    });
    this.configYaml = pulumi.all([storage, ns]).apply(([s, namespace]) => toYaml(renderLokiConfig({
      storage: s, retention: args.retention, dataDir: DATA_DIR, schemaFrom: LOKI_SCHEMA_FROM, cluster: scalable ? cluster(namespace) : undefined,
    })));
    const configHash = this.configYaml.apply((yaml) => contentHash(yaml));

    const serviceAccount = new ServiceAccount(name, {
      metadata: { ...objectMeta(app, ns), annotations: object?.serviceAccountAnnotations ?? {} },
      automountServiceAccountToken: false,
    }, { parent: this });
    const config = new ConfigMap(`${name}-config`, { metadata: objectMeta(app, ns, `${name}-config`), data: { "loki.yaml": this.configYaml } }, { parent: this, ...namedConfigOptions });
    const dependsOn = [config, serviceAccount];
    const memberLabels = { "app.kubernetes.io/name": lokiContract.name, [LOKI_CLUSTER_LABEL]: name };
    const podLabels = { ...(object?.podLabels ?? {}), ...(scalable ? memberLabels : {}) };

    /** One workload of Loki: `target` the `-target` it runs; its data directory on a claim or (stateless) an emptyDir. */
    const workload = (identity: AppIdentity, target: LokiTarget | "all", count: number, data: "claim" | "emptyDir", grace?: number): WorkloadSpec => ({
      app: identity, namespace: ns, replicas: count,
      runAsUser: LOKI_UID,
      serviceAccountName: name,
      configHash,
      terminationGracePeriodSeconds: grace,
      containers: [{
        name: "loki",
        image: images.loki,
        args: [`-config.file=/etc/loki/loki.yaml`, `-target=${target}`],
        ports: [
          { name: "http", containerPort: LOKI_HTTP_PORT }, { name: "grpc", containerPort: LOKI_GRPC_PORT },
          ...(scalable ? [{ name: "memberlist", containerPort: LOKI_MEMBERLIST_PORT }] : []),
        ],
        resources: args.resources ?? lokiDefaults.resources,
        livenessProbe: httpProbe("/ready", "http", { failureThreshold: 6 }),
        readinessProbe: httpProbe("/ready", "http"),
        volumeMounts: [
          { name: "config", mountPath: "/etc/loki", readOnly: true },
          { name: "data", mountPath: DATA_DIR },
          { name: "tmp", mountPath: "/tmp" },
        ],
      }],
      volumes: [
        { name: "config", configMap: { name: mountByName(config, `${name}-config`) } },
        { name: "tmp", emptyDir: {} },
        ...(data === "emptyDir" ? [{ name: "data", emptyDir: {} }] : []),
      ],
    });
    /** Loki never calls the Kubernetes API (cloud identity webhooks project their own token); identity and ring labels. */
    const finishPod = (template: k8s.core.v1.PodTemplateSpec) => {
      const pod = template as any;
      pod.spec.automountServiceAccountToken = false;
      pod.metadata.labels = { ...pod.metadata.labels, ...podLabels };
    };
    const statefulSet = (spec: WorkloadSpec, headless: string) => {
      const sts = renderStatefulSet(spec, { serviceName: headless, volumeClaims: [{ name: "data", size: args.storageSize, storageClass: args.storageClass }] });
      finishPod((sts.spec as any).template);
      statefulSetWithOwnedClaims(spec.app.instance!, sts, { parent: this, dependsOn });
    };
    const scraped: pulumi.Output<string>[] = [];
    /** A workload's Service (and the headless one a StatefulSet names); returns the Service's URL. */
    const services = (identity: AppIdentity, headless?: string) => {
      const ports = [{ name: "http", port: LOKI_HTTP_PORT }, { name: "grpc", port: LOKI_GRPC_PORT }];
      const service = new Service(identity.instance!, renderService({ app: identity, namespace: ns, ports }), { parent: this });
      scraped.push(service.metadata.name);
      if (headless) new Service(headless, renderService({ app: identity, namespace: ns, name: headless, headless: true, ports }), { parent: this });
      return pulumi.interpolate`http://${service.metadata.name}.${ns}.svc:${LOKI_HTTP_PORT}`;
    };
    const policy = (identity: AppIdentity, ingress: Flow[], egress: Flow[]) => {
      if (!(args.networkPolicy ?? true)) return;
      // Object storage over HTTPS and the cloud's credential endpoint for the workload identity.
      const storageEgress = args.objectStorage ? lokiObjectStorageEgress(args.objectStorage.cloud) : [];
      const scrapes: Flow[] = args.scrapers?.length ? [{ peers: podPeers(args.scrapers), ports: [{ port: LOKI_HTTP_PORT }] }] : [];
      new NetworkPolicy(identity.instance!, renderAppNetworkPolicy({ app: identity, namespace: ns, ingress: [...ingress, ...scrapes], egress: [...egress, ...storageEgress] }), { parent: this });
    };
    const pdb = (spec: WorkloadSpec) => {
      const budget = renderPodDisruptionBudget(spec);
      if (budget) new PodDisruptionBudget(spec.app.instance!, budget, { parent: this });
    };

    if (!scalable) {
      // Single binary: one replica (its ring is in memory); durability comes from the WAL on the volume.
      this.url = services(app, `${name}-headless`);
      this.endpoint = serviceEndpoint(app, ns, this.url, LOKI_HTTP_PORT);
      this.pushEndpoint = this.endpoint;
      statefulSet(workload(app, "all", 1, "claim", 300), `${name}-headless`); // flushes in-memory chunks on shutdown
      policy(app, [{ peers: [...podPeers(args.writers), ...podPeers(args.queriers)], ports: [{ port: LOKI_HTTP_PORT }] }], []);
    } else {
      const [write, read, backend] = LOKI_TARGETS.map((t) => lokiTargetIdentity(name, t));
      // Every Loki pod gossips the rings over memberlist, and calls the others over gRPC (distributor to
      // ingester, querier to ingester, index gateway and scheduler) and HTTP (queriers to the compactor).
      const members: Peer = { kind: "pods", selector: { namespace: ns, podLabels: memberLabels } };
      const amongMembers: Flow = { peers: [members], ports: [{ port: LOKI_HTTP_PORT }, { port: LOKI_GRPC_PORT }, { port: LOKI_MEMBERLIST_PORT }] };
      // Every Loki pod behind one name (the join address); peers must find each other before they are ready
      // (an ingester is ready once it is in the ring).
      const memberlist = renderService({ app, namespace: ns, name: `${name}-memberlist`, headless: true, publishNotReadyAddresses: true, ports: [{ name: "memberlist", port: LOKI_MEMBERLIST_PORT }] });
      new Service(`${name}-memberlist`, { ...memberlist, spec: { ...memberlist.spec, selector: memberLabels } }, { parent: this });

      const writeSpec = workload(write, "write", replicas.write, "claim", 300); // flushes in-memory chunks on shutdown
      statefulSet(writeSpec, `${name}-write-headless`);
      const writeUrl = services(write, `${name}-write-headless`);
      this.pushEndpoint = serviceEndpoint(write, ns, writeUrl, LOKI_HTTP_PORT);

      const readSpec = workload(read, "read", replicas.read, "emptyDir");
      const readDeployment = renderDeployment(readSpec);
      finishPod((readDeployment.spec as any).template);
      new Deployment(read.instance!, readDeployment, { parent: this, dependsOn });
      this.url = services(read);
      this.endpoint = serviceEndpoint(read, ns, this.url, LOKI_HTTP_PORT);

      const backendSpec = workload(backend, "backend", replicas.backend, "claim");
      statefulSet(backendSpec, `${name}-backend-headless`);
      services(backend, `${name}-backend-headless`);

      for (const spec of [writeSpec, readSpec, backendSpec]) pdb(spec);
      policy(write, [{ peers: podPeers(args.writers), ports: [{ port: LOKI_HTTP_PORT }] }, amongMembers], [amongMembers]);
      policy(read, [{ peers: podPeers(args.queriers), ports: [{ port: LOKI_HTTP_PORT }] }, amongMembers], [amongMembers]);
      policy(backend, [amongMembers], [amongMembers]);
    }
    this.pushUrl = pulumi.interpolate`${this.pushEndpoint.url}/loki/api/v1/push`;
    this.scrapeTarget = pulumi.all([pulumi.output(ns), ...scraped]).apply(([namespace, ...names]) => ({
      namespace, app: lokiContract.name, port: "http", service: names.join("|"), job: lokiContract.job,
    }));
    this.registerOutputs({ url: this.url, pushUrl: this.pushUrl, scrapeTarget: this.scrapeTarget });
  }
}
