// Pure: the Elasticsearch custom resource ECK reconciles, and the hardened pod template of every ECK-managed
// pod (Kibana's too). The shapes follow ECK 3.5's CRDs; test/tools validates them against their openAPIV3Schema.
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { Input } from "@pulumi/pulumi";
import { AppIdentity, standardLabels } from "../kube";
import type { ResourceRequirements } from "../kube";
import { DerivedName, eckStatefulSetRule } from "../name-rules";

/** The uid the Elastic images run as. */
export const ELASTIC_UID = 1000;

export interface ElasticsearchNodeSet {
  /** Node set name (pods are <cluster>-es-<name>-N). */
  name: string;
  /** Elasticsearch node roles, e.g. ["master"] or ["data_hot", "data_content", "ingest"]. */
  roles: string[];
  /** Nodes in the set. */
  count: number;
  /** Volume per node. */
  storageSize: string;
  /** Storage class of the set's volumes (unset: the args' storageClass, else the cluster default). */
  storageClass?: string;
  /** Requests and limits (set memory request = limit: the JVM heap is sized from it). */
  resources: ResourceRequirements;
}

/** The hardened container security context ECK's pods get (ECK merges it with its own defaults). */
export const elasticContainerSecurity = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: ELASTIC_UID,
  capabilities: { drop: ["ALL"] },
};

/** Pod template for an ECK-managed pod: our labels (NetworkPolicies select them), non-root, seccomp. */
export function eckPodTemplate(app: AppIdentity, container: string, resources: ResourceRequirements, extra: Partial<k8s.core.v1.PodSpec> = {}, env: k8s.core.v1.EnvVar[] = []): k8s.core.v1.PodTemplateSpec {
  return {
    metadata: { labels: standardLabels(app) },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: ELASTIC_UID, runAsGroup: ELASTIC_UID, fsGroup: ELASTIC_UID, seccompProfile: { type: "RuntimeDefault" } },
      containers: [{ name: container, resources: { requests: { ...resources.requests }, limits: { ...resources.limits } }, securityContext: elasticContainerSecurity, ...(env.length ? { env } : {}) }],
      ...extra,
    },
  };
}

export interface ElasticsearchClusterSpec {
  name: string;
  namespace: Input<string>;
  app: AppIdentity;
  version: string;
  image: string;
  nodeSets: ElasticsearchNodeSet[];
  defaultStorageClass?: string;
  rolesSecret: string;
  fileRealmSecrets: string[];
  secureSettingsSecret?: string;
}

/** The StatefulSet ECK creates for a node set (and the pods' `statefulset-name` label). */
export function eckStatefulSetName(cluster: string, nodeSet: string): string {
  return `${cluster}-es-${nodeSet}`;
}

/**
 * The names ECK derives from an Elasticsearch resource, with the limits its admission webhook enforces: the
 * resource name, each node set's name, and each node set's StatefulSet (whose pods' names must leave room for
 * the ordinal and the revision hash).
 */
export function elasticsearchDerivedNames(args: { name: string; nodeSets: Pick<ElasticsearchNodeSet, "name" | "count">[] }): DerivedName[] {
  return [
    { kind: "eckResourceName", name: args.name, names: "the Elasticsearch resource", from: [["name"]] },
    ...args.nodeSets.flatMap((set, i): DerivedName[] => [
      { kind: "eckNodeSetName", name: set.name, names: `node set ${i}'s name`, from: [["nodeSets", i, "name"]] },
      {
        kind: "kubeDnsLabel", rule: eckStatefulSetRule(set.count), name: eckStatefulSetName(args.name, set.name), names: `node set ${set.name}'s StatefulSet`,
        from: [["nodeSets", i, "name"], ["nodeSets", i, "count"]], scope: "eck-statefulsets",
      },
    ]),
  ];
}

/** The Elasticsearch resource: one ECK node set per configured set, TLS and auth on (ECK's defaults). */
export function renderElasticsearchCluster(spec: ElasticsearchClusterSpec): Record<string, any> {
  return {
    apiVersion: "elasticsearch.k8s.elastic.co/v1",
    kind: "Elasticsearch",
    metadata: { name: spec.name, namespace: spec.namespace, labels: standardLabels(spec.app) },
    spec: {
      version: spec.version,
      image: spec.image,
      auth: { roles: [{ secretName: spec.rolesSecret }], fileRealm: spec.fileRealmSecrets.map((secretName) => ({ secretName })) },
      ...(spec.secureSettingsSecret ? { secureSettings: [{ secretName: spec.secureSettingsSecret }] } : {}),
      // One node at a time: a rolling change never takes two copies of a shard away.
      updateStrategy: { changeBudget: { maxUnavailable: 1 } },
      nodeSets: spec.nodeSets.map((set) => ({
        name: set.name,
        count: set.count,
        config: {
          "node.roles": set.roles,
          // mmap needs vm.max_map_count raised on the node, i.e. a privileged init container, which the
          // restricted namespace forbids; niofs costs some read performance instead.
          "node.store.allow_mmap": false,
        },
        podTemplate: eckPodTemplate(spec.app, "elasticsearch", set.resources, {
          // Spread each node set over nodes and zones, so one failure loses at most one copy of a shard.
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { "elasticsearch.k8s.elastic.co/cluster-name": spec.name, "elasticsearch.k8s.elastic.co/statefulset-name": eckStatefulSetName(spec.name, set.name) } } },
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { "elasticsearch.k8s.elastic.co/cluster-name": spec.name, "elasticsearch.k8s.elastic.co/statefulset-name": eckStatefulSetName(spec.name, set.name) } } },
          ],
        }),
        volumeClaimTemplates: [{
          metadata: { name: "elasticsearch-data" },
          spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: set.storageSize } },
            ...((set.storageClass ?? spec.defaultStorageClass) ? { storageClassName: set.storageClass ?? spec.defaultStorageClass } : {}),
          },
        }],
      })),
    },
  };
}
