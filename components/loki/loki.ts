import * as pulumi from "@pulumi/pulumi";
import { ConfigMap, Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { images } from "../images";
import {
  AppIdentity, CONFIG_HASH_ANNOTATION, contentHash, httpProbe, objectMeta, PeerSelector, podPeers, renderAppNetworkPolicy, renderService,
  renderStatefulSet, ResourceRequirements, ServiceEndpoint, serviceEndpoint,
  statefulSetWithOwnedClaims, namedConfigOptions,
} from "../kube";
import { toYaml } from "../yaml";
import { createLokiObjectStorage, lokiObjectStorageEgress, LokiObjectStorageTarget } from "./object-storage";
import { lokiChunksName } from "./object-storage-names";
import { LOKI_GRPC_PORT, LOKI_HTTP_PORT, lokiContract, lokiDefaults } from "./contract";
import { LokiStorage, renderLokiConfig } from "./render-config";

/** The uid the Loki image runs as. */
const LOKI_UID = 10001;
const DATA_DIR = "/var/loki";
/** The schema's first day: fixed, so a later change appends a period instead of rewriting history. */
export const LOKI_SCHEMA_FROM = "2024-04-01";

export interface LokiArgs {
  /** Namespace (must exist). */
  namespace: pulumi.Input<string>;
  /** Loki duration logs are kept, e.g. 7d or 31d. */
  retention: string;
  /** Volume: all data with filesystem storage; WAL, index cache and compactor work with object storage. */
  storageSize: string;
  /** Storage class of the volumes (unset: the cluster default). */
  storageClass?: pulumi.Input<string>;
  /** CPU and memory requests and limits of the main container. */
  resources?: ResourceRequirements;
  /** Object storage in a cloud (bucket and workload identity created here); none = the volume. */
  objectStorage?: LokiObjectStorageTarget;
  /** Create a NetworkPolicy (default true). */
  networkPolicy?: boolean;
  /** Pods that push logs (the log shipper). */
  writers?: PeerSelector[];
  /** Pods that query Loki (Grafana). */
  queriers?: PeerSelector[];
}

export function lokiIdentity(name: string): AppIdentity {
  return { name: lokiContract.name, instance: name, component: "logs-storage", image: images.loki };
}

/**
 * Loki in single-binary mode: one StatefulSet replica with a volume (the write-ahead log survives a restart),
 * filesystem storage in dev, a bucket in prod. Retention by the compactor. Loki has no auth of its own here:
 * the NetworkPolicy admits only the shipper (push) and the queriers (Grafana).
 */
export class Loki extends pulumi.ComponentResource {
  /** In-cluster URL (Grafana data source uid `loki`). */
  public readonly url: pulumi.Output<string>;
  /** Where queriers (Grafana) reach it: URL, pods and port. */
  public readonly endpoint: ServiceEndpoint;
  /** The push endpoint for shippers. */
  public readonly pushUrl: pulumi.Output<string>;
  /** The rendered loki.yaml. */
  public readonly configYaml: pulumi.Output<string>;
  public readonly app: AppIdentity;

  constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:loki:Loki", name, {}, opts);
    const app = lokiIdentity(name);
    this.app = app;
    const ns = args.namespace;

    const object = args.objectStorage ? createLokiObjectStorage(lokiChunksName(name), args.objectStorage, { namespace: ns, name }, this) : undefined;
    const storage: pulumi.Output<LokiStorage> = object?.storage ?? pulumi.output({ kind: "filesystem" as const });
    this.configYaml = storage.apply((s) => toYaml(renderLokiConfig({ storage: s, retention: args.retention, dataDir: DATA_DIR, schemaFrom: LOKI_SCHEMA_FROM })));

    const serviceAccount = new ServiceAccount(name, {
      metadata: { ...objectMeta(app, ns), annotations: object?.serviceAccountAnnotations ?? {} },
      automountServiceAccountToken: false,
    }, { parent: this });
    const config = new ConfigMap(`${name}-config`, { metadata: objectMeta(app, ns, `${name}-config`), data: { "loki.yaml": this.configYaml } }, { parent: this, ...namedConfigOptions });
    const service = new Service(name, renderService({ app, namespace: ns, ports: [{ name: "http", port: LOKI_HTTP_PORT }, { name: "grpc", port: LOKI_GRPC_PORT }] }), { parent: this });
    new Service(`${name}-headless`, renderService({ app, namespace: ns, name: `${name}-headless`, headless: true, ports: [{ name: "http", port: LOKI_HTTP_PORT }] }), { parent: this });
    this.url = pulumi.interpolate`http://${service.metadata.name}.${ns}.svc:${LOKI_HTTP_PORT}`;
    this.endpoint = serviceEndpoint(app, ns, this.url, LOKI_HTTP_PORT);
    this.pushUrl = pulumi.interpolate`${this.url}/loki/api/v1/push`;

    const sts = renderStatefulSet({
        app, namespace: ns,
        // Single binary: one replica (its ring is in memory); durability comes from the WAL on the volume.
        replicas: 1,
        runAsUser: LOKI_UID,
        serviceAccountName: name,
        terminationGracePeriodSeconds: 300, // flushes in-memory chunks on shutdown
        containers: [{
          name: "loki",
          image: images.loki,
          args: [`-config.file=/etc/loki/loki.yaml`, "-target=all"],
          ports: [{ name: "http", containerPort: LOKI_HTTP_PORT }, { name: "grpc", containerPort: LOKI_GRPC_PORT }],
          resources: args.resources ?? lokiDefaults.resources,
          livenessProbe: httpProbe("/ready", "http", { failureThreshold: 6 }),
          readinessProbe: httpProbe("/ready", "http"),
          volumeMounts: [
            { name: "config", mountPath: "/etc/loki", readOnly: true },
            { name: "data", mountPath: DATA_DIR },
            { name: "tmp", mountPath: "/tmp" },
          ],
        }],
        volumes: [{ name: "config", configMap: { name: `${name}-config` } }, { name: "tmp", emptyDir: {} }],
      }, { serviceName: `${name}-headless`, volumeClaims: [{ name: "data", size: args.storageSize, storageClass: args.storageClass }] });
    const pod = (sts.spec as any).template;
    // Loki never calls the Kubernetes API; cloud identity webhooks project their own token.
    pod.spec.automountServiceAccountToken = false;
    pod.metadata.labels = { ...pod.metadata.labels, ...(object?.podLabels ?? {}) };
    // Loki does not reload its config: a change (including a new bucket) rolls the pod.
    pod.metadata.annotations = { ...pod.metadata.annotations, [CONFIG_HASH_ANNOTATION]: this.configYaml.apply((yaml) => contentHash(yaml)) };
    statefulSetWithOwnedClaims(name, sts, { parent: this, dependsOn: [config, serviceAccount] });

    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app, namespace: ns,
        ingress: [{ peers: [...podPeers(args.writers), ...podPeers(args.queriers)], ports: [{ port: LOKI_HTTP_PORT }] }],
        // Object storage over HTTPS and the cloud's credential endpoint for the workload identity.
        egress: args.objectStorage ? lokiObjectStorageEgress(args.objectStorage.cloud) : [],
      }), { parent: this });
    }
    this.registerOutputs({ url: this.url, pushUrl: this.pushUrl });
  }
}
