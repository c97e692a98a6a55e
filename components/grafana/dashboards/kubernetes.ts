// What the Kubernetes dashboards share: cAdvisor's and kube-state-metrics' selectors, cAdvisor's runtime labels
// renamed to Kubernetes' (namespace, pod, container) so the two join, the pod → workload mapping, and the
// namespace / workload / pod variables. Every join and grouping carries `cluster`: through Thanos Query one
// pod name can exist in several clusters, and on a single Prometheus the label is absent (and so harmless).
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { cadvisorContract, cadvisorWorkloadLabels } from "../../cadvisor/contract";
import { kubeStateMetricsContract } from "../../kube-state-metrics/contract";
import { CLUSTER, labelVariable, resultVariable, SCOPE } from "./common";

/** Share of CFS periods throttled from which a container is visibly slowed: the throttling panels' line. */
export const THROTTLING_WARNING = 0.25;

/** `by`/`on` label lists with the cluster first. */
export const by = (...labels: string[]) => [CLUSTER, ...labels].join(", ");

/** A container's namespace, pod and name on cAdvisor's series (its runtime labels: cAdvisor runs standalone). */
export const cadvisorLabels = cadvisorWorkloadLabels;

/** How far a selector is narrowed: the whole cluster, the selected namespaces, or the selected pods in them. */
export const Level = { cluster: "cluster", namespace: "namespace", pod: "pod" } as const;
export type Level = (typeof Level)[keyof typeof Level];

const join = (...parts: string[]) => parts.filter((p) => p).join(", ");

/**
 * cAdvisor's per-container series: only containers Kubernetes runs (the pod sandbox and the pod's own cgroup
 * have no container name).
 */
export const containers = (level: Level, more = "") => join(
  `job="${cadvisorContract.job}"`, `${cadvisorLabels.container}!=""`,
  level !== Level.cluster ? `${cadvisorLabels.namespace}=~"$namespace"` : "", level === Level.pod ? `${cadvisorLabels.pod}=~"$pod"` : "",
  SCOPE, more);

/**
 * cAdvisor's per-pod network series: every container of a pod shares the pod's network namespace and reports
 * the same interface counters (the sandbox too), so one pod's interface is the `max` over its containers.
 */
export const podNetwork = (level: Level) => join(
  `job="${cadvisorContract.job}"`, `${cadvisorLabels.pod}!=""`,
  level !== Level.cluster ? `${cadvisorLabels.namespace}=~"$namespace"` : "", level === Level.pod ? `${cadvisorLabels.pod}=~"$pod"` : "",
  SCOPE);

/** kube-state-metrics' series, narrowed to `level` (pods only for per-pod objects). */
export const ksm = (level: Level, more = "") => join(
  `job="${kubeStateMetricsContract.job}"`, level !== Level.cluster ? `namespace=~"$namespace"` : "", level === Level.pod ? `pod=~"$pod"` : "", SCOPE, more);

/** An instant vector of cAdvisor series with cAdvisor's runtime labels copied to namespace, pod and container. */
export function asPod(expr: string): string {
  let out = expr;
  for (const [to, from] of Object.entries(cadvisorLabels)) out = `label_replace(${out}, "${to}", "$1", "${from}", "(.*)")`;
  return out;
}

/** `expr` with `label` set to the fixed `value`. */
const setLabel = (expr: string, label: string, value: string) => `label_replace(${expr}, "${label}", "${value}", "", "")`;
/** `expr` with `label` copied from `from`. */
const copyLabel = (expr: string, label: string, from: string) => `label_replace(${expr}, "${label}", "$1", "${from}", "(.+)")`;

/**
 * One series (value 1) per pod of the selected namespaces and workloads, labelled with its `workload` and
 * `workload_type`: a Deployment's pods (through their ReplicaSet), else the pod's controller (StatefulSet,
 * DaemonSet, Job, a bare ReplicaSet, ...), else the pod itself (no owner: kube-state-metrics 2.16 reports
 * empty owner labels). The `$workload` variable filters at the source selectors, since PromQL cannot filter
 * an expression's result by label.
 */
export function podWorkload(): string {
  const keep = `max by (${by("namespace", "pod", "workload", "workload_type")})`;
  const deploymentOfReplicaSet = `max by (${by("namespace", "replicaset", "workload", "workload_type")}) (${copyLabel(copyLabel(
    `kube_replicaset_owner{${ksm(Level.namespace, `owner_kind="Deployment", owner_name=~"$workload"`)}}`, "workload", "owner_name"), "workload_type", "owner_kind")})`;
  const deploymentPods = `${keep} (${copyLabel(`kube_pod_owner{${ksm(Level.pod, `owner_kind="ReplicaSet"`)}}`, "replicaset", "owner_name")} * on (${by("namespace", "replicaset")}) group_left (workload, workload_type) ${deploymentOfReplicaSet})`;
  const controllerPods = `${keep} (${copyLabel(copyLabel(`kube_pod_owner{${ksm(Level.pod, `owner_kind!="", owner_is_controller="true", owner_name=~"$workload"`)}}`, "workload", "owner_name"), "workload_type", "owner_kind")})`;
  const barePods = `${keep} (${setLabel(copyLabel(`kube_pod_owner{${ksm(Level.pod, `owner_kind="", pod=~"$workload"`)}}`, "workload", "pod"), "workload_type", "Pod")})`;
  return `(${deploymentPods} or on (${by("namespace", "pod")}) ${controllerPods} or on (${by("namespace", "pod")}) ${barePods})`;
}

/** `expr` (per pod or container, with namespace and pod labels) labelled with its pod's workload; pods of unselected workloads drop out. */
export const withWorkload = (expr: string) => `(${expr} * on (${by("namespace", "pod")}) group_left (workload, workload_type) ${podWorkload()})`;

/** Only pods that are scheduled to run or running: kube-state-metrics keeps requests and limits of finished pods too. */
export const activePods = (level: Level) => `max by (${by("namespace", "pod")}) (kube_pod_status_phase{${ksm(level, `phase=~"Pending|Running"`)}} == 1)`;

/** A resource's requests or limits per container of active pods (kube-state-metrics). */
export const resource = (kind: "requests" | "limits", name: "cpu" | "memory", level: Level) =>
  `(kube_pod_container_resource_${kind}{${ksm(level, `resource="${name}"`)}} * on (${by("namespace", "pod")}) group_left () ${activePods(level)})`;

export function namespaceVariable(): dashboard.QueryVariableBuilder {
  return labelVariable("namespace", "Namespace", `label_values(kube_namespace_status_phase{${ksm(Level.cluster)}}, namespace)`, "Kubernetes namespaces (kube-state-metrics).");
}

export function workloadVariable(): dashboard.QueryVariableBuilder {
  // The variable lists every workload of the selected namespaces: its own query must not filter by itself.
  const all = podWorkload().replaceAll(`"$workload"`, `".*"`).replaceAll(`pod=~"$pod", `, "");
  return resultVariable("workload", "Workload", all, "workload", "Deployments, StatefulSets, DaemonSets, Jobs and other pod owners in the selected namespaces (kube-state-metrics).");
}

export function podVariable(): dashboard.QueryVariableBuilder {
  return resultVariable("pod", "Pod", podWorkload().replaceAll(`pod=~"$pod", `, ""), "pod", "Pods of the selected workloads.");
}

/** Pods of the selected namespaces, for dashboards without a workload variable. */
export function podInfoVariable(): dashboard.QueryVariableBuilder {
  return labelVariable("pod", "Pod", `label_values(kube_pod_info{${ksm(Level.namespace)}}, pod)`, "Pods in the selected namespaces (kube-state-metrics).");
}
