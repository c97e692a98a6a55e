// The names the stack will give, checked before any resource is registered: for each enabled component and
// cloud, the names are derived from the spec with the components' own functions (which the components then
// use) and judged by each API's rules (components/name-rules.ts). A name that breaks a limit, or equals
// another name of its kind, is reported on every config key it comes from.
import { awsDerivedNames } from "../../components/cloud/aws/render-resources";
import { azureDerivedNames } from "../../components/cloud/azure/render-resources";
import { gcpDerivedNames } from "../../components/cloud/gcp/render-resources";
import { elasticsearchDerivedNames } from "../../components/elasticsearch/render-cluster";
import { kibanaContract } from "../../components/kibana/contract";
import { kibanaDerivedNames } from "../../components/kibana/render-instance";
import { clusterRoleDerivedNames, namespaceDerivedNames } from "../../components/kube/names";
import { kubeStateMetricsContract } from "../../components/kube-state-metrics/contract";
import { logShipperContract } from "../../components/log-shipper/contract";
import { lokiContract } from "../../components/loki/contract";
import { lokiChunksName, lokiObjectStorageDerivedNames } from "../../components/loki/object-storage-names";
import { objectStorageDerivedNames } from "../../components/object-storage/names";
import { thanosBucketName, thanosContract } from "../../components/thanos/contract";
import { DerivedName, derivedNameProblems, NameKind } from "../../components/name-rules";
import { prometheusContract } from "../../components/prometheus/contract";
import { lokiObjectStorageTarget, prometheusServiceAccount, thanosObjectStorageTarget, tracedServices } from "../clouds";
import type { CloudsSpec } from "./clouds";
import type { ElkSpec } from "./elk";
import type { LokiSpec } from "./loki";
import type { CrossCheck, Report } from "./primitives";
import type { ScrapeTarget } from "./targets";
import type { ThanosSpec } from "./thanos";

/** The Elasticsearch cluster's name in the stack (ECK names its Services, Secrets and pods after it). */
export const ES_CLUSTER = "logs";

/** What the name checks read of the spec. */
interface NamedSpec {
  cluster: string;
  namespace: string;
  hostNamespace: string;
  targets: ScrapeTarget[];
  clouds: CloudsSpec;
  elk: ElkSpec;
  loki: LokiSpec;
  thanos: ThanosSpec;
  exporters: { kubeStateMetrics: { enabled: boolean } };
  logShipper: { enabled: boolean };
}

type Path = (string | number)[];
/** Where a component arg comes from in the config; undefined: the stack fixes it. */
type ArgKeys = (arg: Path) => Path | undefined;

const same = (a: Path, b: Path) => a.length === b.length && a.every((k, i) => k === b[i]);
const isText = (v: unknown): v is string => typeof v === "string" && v !== "";

/**
 * Reports each problem on the config keys its name comes from; a name the stack fixes (no key) is reported on
 * `fallback`, the key that switches its component on.
 */
function reportNames(names: DerivedName[], keysOf: ArgKeys, fallback: Path, report: Report) {
  for (const { name, message } of derivedNameProblems(names)) {
    const keys = name.from.map(keysOf).filter((k): k is Path => k !== undefined);
    for (const key of keys.length > 0 ? keys : [fallback]) report(key, message);
  }
}

const cloudChecks: CrossCheck<NamedSpec>[] = [
  {
    reads: ["cluster", ["clouds", "aws", "enabled"]],
    check: (spec, report) => {
      if (!spec.clouds.aws.enabled) return;
      // The services of the targets the schema accepted (it reports the others).
      const services = Array.isArray(spec.targets) ? tracedServices({ targets: spec.targets.filter((t) => isText(t?.service)) }) : [];
      const keysOf: ArgKeys = (arg) =>
        arg[0] === "cluster" ? ["cluster"]
        : arg[0] === "tracedServices" ? ["targets", spec.targets.findIndex((t) => t.service === services[arg[1] as number]), "service"]
        : undefined;
      reportNames(awsDerivedNames({ cluster: spec.cluster, tracedServices: services }), keysOf, ["clouds", "aws", "enabled"], report);
    },
  },
  {
    reads: ["cluster", ["clouds", "gcp", "enabled"]],
    check: (spec, report) => {
      if (spec.clouds.gcp.enabled) reportNames(gcpDerivedNames({ cluster: spec.cluster }), (arg) => (arg[0] === "cluster" ? ["cluster"] : undefined), ["clouds", "gcp", "enabled"], report);
    },
  },
  {
    reads: ["cluster", "namespace", ["clouds", "azure", "enabled"]],
    check: (spec, report) => {
      if (!spec.clouds.azure.enabled) return;
      const keysOf: ArgKeys = (arg) => (arg[0] === "cluster" ? ["cluster"] : same(arg, ["prometheusServiceAccount", "namespace"]) ? ["namespace"] : undefined);
      // The catalog's thresholds do not change its rule group names: the default catalog names them.
      reportNames(azureDerivedNames({ cluster: spec.cluster, prometheusServiceAccount: prometheusServiceAccount(spec) }), keysOf, ["clouds", "azure", "enabled"], report);
    },
  },
  {
    // Named in config as is: the schema's pattern admits a trailing period, which Azure refuses.
    reads: [["clouds", "azure", "enabled"], ["clouds", "azure", "resourceGroup"]],
    check: ({ clouds: { azure } }, report) => {
      if (!azure.enabled || !isText(azure.resourceGroup)) return;
      const name: DerivedName = { kind: "azureResourceGroup", name: azure.resourceGroup, names: "the resource group", from: [] };
      reportNames([name], () => undefined, ["clouds", "azure", "resourceGroup"], report);
    },
  },
  {
    reads: [["loki", "enabled"], ["loki", "storage"], ...(["aws", "gcp", "azure"] as const).map((c) => ["clouds", c, "enabled"]), ...["resourceGroup", "location", "oidcIssuerUrl"].map((k) => ["clouds", "azure", k])],
    check: (spec, report) => {
      const target = spec.loki.enabled ? lokiObjectStorageTarget(spec) : undefined;
      if (!target) return;
      const keysOf: ArgKeys = (arg) => (["resourceGroup", "location", "oidcIssuerUrl"].includes(String(arg[0])) ? ["clouds", target.cloud, String(arg[0])] : undefined);
      reportNames(lokiObjectStorageDerivedNames(lokiChunksName(lokiContract.name), target), keysOf, ["loki", "storage"], report);
    },
  },
  {
    reads: [["thanos", "enabled"], ["thanos", "storage"], ...(["aws", "gcp", "azure"] as const).map((c) => ["clouds", c, "enabled"]), ...["resourceGroup", "location", "oidcIssuerUrl"].map((k) => ["clouds", "azure", k])],
    check: (spec, report) => {
      const target = thanosObjectStorageTarget(spec);
      if (!target) return;
      const keysOf: ArgKeys = (arg) => (["resourceGroup", "location", "oidcIssuerUrl"].includes(String(arg[0])) ? ["clouds", target.cloud, String(arg[0])] : undefined);
      reportNames(objectStorageDerivedNames(thanosBucketName(thanosContract.name), target, "Thanos"), keysOf, ["thanos", "storage"], report);
    },
  },
];

/** The snapshot repository's bucket is named in config as is; each object store has its own rules. */
const snapshotBucketKind: Record<ElkSpec["snapshot"]["type"], NameKind> = { s3: "awsS3BucketName", gcs: "gcsBucketName", azure: "azureBlobContainer" };

const elkChecks: CrossCheck<NamedSpec>[] = [
  {
    // Node sets are judged one by one, each only with a name and a whole count (the schema reports the rest).
    reads: [["elk", "enabled"]],
    check: ({ elk }, report) => {
      if (!elk.enabled || !Array.isArray(elk.nodeSets)) return;
      const sets = elk.nodeSets.map((set, index) => ({ set, index })).filter(({ set }) => isText(set?.name) && Number.isInteger(set?.count));
      const names = elasticsearchDerivedNames({ name: ES_CLUSTER, nodeSets: sets.map(({ set }) => set) });
      // Node set i of the judged ones is elk.nodeSets[sets[i].index]; a node set's count only sizes its limit.
      const keysOf: ArgKeys = (arg) => (arg[0] === "nodeSets" && arg[2] === "name" ? ["elk", "nodeSets", sets[arg[1] as number].index, "name"] : undefined);
      reportNames(names, keysOf, ["elk", "enabled"], report);
    },
  },
  {
    reads: [["elk", "enabled"], ["elk", "kibana", "enabled"]],
    check: ({ elk }, report) => {
      if (elk.enabled && elk.kibana.enabled) reportNames(kibanaDerivedNames(kibanaContract.name), () => undefined, ["elk", "kibana", "enabled"], report);
    },
  },
  {
    reads: [["elk", "enabled"], ["elk", "snapshot", "enabled"], ["elk", "snapshot", "type"], ["elk", "snapshot", "bucket"]],
    check: ({ elk }, report) => {
      const { enabled, type, bucket } = elk.snapshot;
      if (!elk.enabled || !enabled || !isText(bucket)) return;
      const name: DerivedName = { kind: snapshotBucketKind[type], name: bucket, names: `the ${type} snapshot bucket`, from: [["bucket"]] };
      reportNames([name], () => ["elk", "snapshot", "bucket"], ["elk", "snapshot", "bucket"], report);
    },
  },
];

const kubeChecks: CrossCheck<NamedSpec>[] = [
  {
    // Every Namespace the stack creates, and the cluster-scoped RBAC names that carry a namespace.
    reads: ["namespace", "hostNamespace", ["elk", "enabled"], ["elk", "operatorNamespace"], ["exporters", "kubeStateMetrics", "enabled"], ["logShipper", "enabled"]],
    check: (spec, report) => {
      const names: DerivedName[] = [
        ...namespaceDerivedNames(spec.namespace, "the stack's Namespace", ["namespace"]),
        ...namespaceDerivedNames(spec.hostNamespace, "the host agents' Namespace", ["hostNamespace"]),
        ...(spec.elk.enabled ? namespaceDerivedNames(spec.elk.operatorNamespace, "the ECK operator's Namespace", ["elk", "operatorNamespace"]) : []),
        ...clusterRoleDerivedNames(spec.namespace, prometheusContract.name, [["namespace"]]),
        ...(spec.exporters.kubeStateMetrics.enabled ? clusterRoleDerivedNames(spec.namespace, kubeStateMetricsContract.name, [["namespace"]]) : []),
        ...(spec.logShipper.enabled ? clusterRoleDerivedNames(spec.hostNamespace, logShipperContract.name, [["hostNamespace"]]) : []),
      ];
      // These `from` paths are config paths already.
      reportNames(names, (path) => path, ["namespace"], report);
    },
  },
];

/** Every name check, for stackSpecSchema's cross-checks (each runs when the fields it reads were not refused). */
export const derivedNameChecks: CrossCheck<NamedSpec>[] = [...cloudChecks, ...elkChecks, ...kubeChecks];
