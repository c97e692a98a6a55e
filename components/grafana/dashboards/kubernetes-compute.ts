// Kubernetes compute resources, from the cluster down to a container: CPU usage against requests and limits,
// memory working set against requests and limits, CPU throttling and restarts. cAdvisor gives usage,
// kube-state-metrics 2.16 requests, limits, allocatable, owners and restarts; kubernetes.ts joins them.
import {
  dashboardBuilder, DashboardDefinition, DashboardOptions, finish, row, statPanel, steps, tablePanel, timeseriesPanel,
} from "./common";
import {
  activePods, asPod, by, containers, ksm, Level, namespaceVariable, podVariable, resource, THROTTLING_WARNING, withWorkload, workloadVariable,
} from "./kubernetes";

export const KUBERNETES_COMPUTE_UID = "novacron-k8s-compute";


const cpu = (level: Level) => asPod(`rate(container_cpu_usage_seconds_total{${containers(level)}}[$__rate_interval])`);
const memory = (level: Level) => asPod(`container_memory_working_set_bytes{${containers(level)}}`);
const throttled = (level: Level) => asPod(`rate(container_cpu_cfs_throttled_periods_total{${containers(level)}}[$__rate_interval])`);
const periods = (level: Level) => asPod(`rate(container_cpu_cfs_periods_total{${containers(level)}}[$__rate_interval])`);
const restarts = (level: Level) => `increase(kube_pod_container_status_restarts_total{${ksm(level)}}[1h])`;
const allocatable = (name: "cpu" | "memory") => `kube_node_status_allocatable{${ksm(Level.cluster, `resource="${name}"`)}}`;

const ns = by("namespace");
const wl = by("namespace", "workload", "workload_type");
const ctr = by("namespace", "pod", "container");

export function kubernetesComputeDashboard(_: DashboardOptions): DashboardDefinition {
  const builder = dashboardBuilder(KUBERNETES_COMPUTE_UID, "Kubernetes / Compute resources", "CPU and memory of the cluster, its namespaces, workloads and pods against their requests, limits and the nodes' allocatable capacity (cAdvisor, kube-state-metrics).", ["kubernetes"])
    .withVariable(namespaceVariable())
    .withVariable(workloadVariable())
    .withVariable(podVariable())

    .withRow(row("Cluster"))
    .withPanel(statPanel({
      title: "CPU used", span: 4, height: 4, unit: "percentunit", min: 0,
      description: "CPU the cluster's containers use, as a share of the nodes' allocatable CPU.",
      queries: [{ expr: `sum(${cpu(Level.cluster)}) / sum(${allocatable("cpu")})` }],
      thresholds: steps([0.8, "orange"]),
    }))
    .withPanel(statPanel({
      title: "CPU requested", span: 4, height: 4, unit: "percentunit", min: 0,
      description: "CPU requested by running and pending pods, as a share of allocatable CPU; at 100% new pods stay Pending.",
      queries: [{ expr: `sum(${resource("requests", "cpu", Level.cluster)}) / sum(${allocatable("cpu")})` }],
      thresholds: steps([0.8, "orange"], [1, "red"]),
    }))
    .withPanel(statPanel({
      title: "CPU limits", span: 4, height: 4, unit: "percentunit", min: 0,
      description: "Sum of CPU limits as a share of allocatable CPU; above 100% the nodes are overcommitted and busy pods get throttled.",
      queries: [{ expr: `sum(${resource("limits", "cpu", Level.cluster)}) / sum(${allocatable("cpu")})` }],
      thresholds: steps([1, "orange"]),
    }))
    .withPanel(statPanel({
      title: "Memory used", span: 4, height: 4, unit: "percentunit", min: 0,
      description: "Working set of the cluster's containers as a share of the nodes' allocatable memory.",
      queries: [{ expr: `sum(${memory(Level.cluster)}) / sum(${allocatable("memory")})` }],
      thresholds: steps([0.8, "orange"]),
    }))
    .withPanel(statPanel({
      title: "Memory requested", span: 4, height: 4, unit: "percentunit", min: 0,
      description: "Memory requested by running and pending pods, as a share of allocatable memory.",
      queries: [{ expr: `sum(${resource("requests", "memory", Level.cluster)}) / sum(${allocatable("memory")})` }],
      thresholds: steps([0.8, "orange"], [1, "red"]),
    }))
    .withPanel(statPanel({
      title: "Memory limits", span: 4, height: 4, unit: "percentunit", min: 0,
      description: "Sum of memory limits as a share of allocatable memory; above 100% a busy node evicts or OOM-kills pods.",
      queries: [{ expr: `sum(${resource("limits", "memory", Level.cluster)}) / sum(${allocatable("memory")})` }],
      thresholds: steps([1, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "CPU usage by namespace", span: 12, height: 8, unit: "short", min: 0, stacked: true,
      description: "CPU cores used by each namespace's containers, the whole cluster.",
      queries: [{ expr: `sum by (${ns}) (${cpu(Level.cluster)})`, legend: "{{namespace}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Memory working set by namespace", span: 12, height: 8, unit: "bytes", min: 0, stacked: true,
      description: "Working set of each namespace's containers, the whole cluster.",
      queries: [{ expr: `sum by (${ns}) (${memory(Level.cluster)})`, legend: "{{namespace}}" }],
    }))

    .withRow(row("Namespaces"))
    .withPanel(timeseriesPanel({
      title: "CPU usage against requests by namespace", span: 12, height: 8, unit: "percentunit", min: 0,
      description: "Each selected namespace's CPU use divided by its pods' CPU requests: far below 100% the requests reserve idle capacity, above it pods live on spare CPU.",
      queries: [{ expr: `sum by (${ns}) (${cpu(Level.namespace)}) / sum by (${ns}) (${resource("requests", "cpu", Level.namespace)})`, legend: "{{namespace}}" }],
      thresholds: steps([1, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Memory working set against requests by namespace", span: 12, height: 8, unit: "percentunit", min: 0,
      description: "Each selected namespace's working set divided by its pods' memory requests; above 100% its pods are first in line for eviction under memory pressure.",
      queries: [{ expr: `sum by (${ns}) (${memory(Level.namespace)}) / sum by (${ns}) (${resource("requests", "memory", Level.namespace)})`, legend: "{{namespace}}" }],
      thresholds: steps([1, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "CPU throttling by namespace", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of CFS periods in which the namespace's containers were throttled at their CPU limit.",
      queries: [{ expr: `sum by (${ns}) (${throttled(Level.namespace)}) / sum by (${ns}) (${periods(Level.namespace)})`, legend: "{{namespace}}" }],
      thresholds: steps([THROTTLING_WARNING, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Container restarts by namespace", span: 12, height: 8, unit: "short", min: 0,
      description: "Container restarts in each selected namespace over the last hour.",
      queries: [{ expr: `sum by (${ns}) (${restarts(Level.namespace)}) > 0`, legend: "{{namespace}}" }],
    }))

    .withRow(row("Workloads"))
    .withPanel(timeseriesPanel({
      title: "CPU usage by workload", span: 12, height: 8, unit: "short", min: 0,
      description: "CPU cores used by each selected workload's pods (a Deployment's through its ReplicaSets).",
      queries: [{ expr: `sum by (${wl}) (${withWorkload(cpu(Level.namespace))})`, legend: "{{namespace}}/{{workload}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Memory working set by workload", span: 12, height: 8, unit: "bytes", min: 0,
      description: "Working set of each selected workload's pods.",
      queries: [{ expr: `sum by (${wl}) (${withWorkload(memory(Level.namespace))})`, legend: "{{namespace}}/{{workload}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "CPU usage against requests by workload", span: 12, height: 8, unit: "percentunit", min: 0,
      description: "Each workload's CPU use divided by its pods' CPU requests.",
      queries: [{
        expr: `sum by (${wl}) (${withWorkload(cpu(Level.namespace))}) / sum by (${wl}) (${withWorkload(resource("requests", "cpu", Level.namespace))})`,
        legend: "{{namespace}}/{{workload}}",
      }],
      thresholds: steps([1, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Memory working set against limits by workload", span: 12, height: 8, unit: "percentunit", min: 0,
      description: "Each workload's working set divided by its pods' memory limits; at 100% a container is OOM-killed.",
      queries: [{
        expr: `sum by (${wl}) (${withWorkload(memory(Level.namespace))}) / sum by (${wl}) (${withWorkload(resource("limits", "memory", Level.namespace))})`,
        legend: "{{namespace}}/{{workload}}",
      }],
      thresholds: steps([0.9, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "CPU throttling by workload", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of CFS periods in which each workload's containers were throttled at their CPU limit.",
      queries: [{ expr: `sum by (${wl}) (${withWorkload(throttled(Level.namespace))}) / sum by (${wl}) (${withWorkload(periods(Level.namespace))})`, legend: "{{namespace}}/{{workload}}" }],
      thresholds: steps([THROTTLING_WARNING, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Container restarts by workload", span: 12, height: 8, unit: "short", min: 0,
      description: "Container restarts of each workload's pods over the last hour.",
      queries: [{ expr: `sum by (${wl}) (${withWorkload(restarts(Level.pod))}) > 0`, legend: "{{namespace}}/{{workload}}" }],
    }))

    .withRow(row("Pods"))
    .withPanel(timeseriesPanel({
      title: "CPU usage, requests and limits by container", span: 12, height: 9, unit: "short", min: 0,
      description: "CPU cores each container of the selected pods uses, beside its request and limit.",
      queries: [
        { expr: `sum by (${ctr}) (${withWorkload(cpu(Level.pod))})`, legend: "{{pod}}/{{container}} used" },
        { expr: `sum by (${ctr}) (${withWorkload(resource("requests", "cpu", Level.pod))})`, legend: "{{pod}}/{{container}} requested" },
        { expr: `sum by (${ctr}) (${withWorkload(resource("limits", "cpu", Level.pod))})`, legend: "{{pod}}/{{container}} limit" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Memory working set, requests and limits by container", span: 12, height: 9, unit: "bytes", min: 0,
      description: "Working set of each container of the selected pods, beside its request and limit; the OOM killer acts at the limit.",
      queries: [
        { expr: `sum by (${ctr}) (${withWorkload(memory(Level.pod))})`, legend: "{{pod}}/{{container}} used" },
        { expr: `sum by (${ctr}) (${withWorkload(resource("requests", "memory", Level.pod))})`, legend: "{{pod}}/{{container}} requested" },
        { expr: `sum by (${ctr}) (${withWorkload(resource("limits", "memory", Level.pod))})`, legend: "{{pod}}/{{container}} limit" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "CPU throttling by container", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of CFS periods in which each container of the selected pods was throttled at its CPU limit.",
      queries: [{ expr: `sum by (${ctr}) (${withWorkload(throttled(Level.pod))}) / sum by (${ctr}) (${withWorkload(periods(Level.pod))})`, legend: "{{pod}}/{{container}}" }],
      thresholds: steps([THROTTLING_WARNING, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Container restarts by container", span: 12, height: 8, unit: "short", min: 0,
      description: "Restarts of each container of the selected pods over the last hour.",
      queries: [{ expr: `sum by (${ctr}) (${withWorkload(restarts(Level.pod))}) > 0`, legend: "{{pod}}/{{container}}" }],
    }))
    .withPanel(tablePanel({
      title: "Last termination reasons", span: 24, height: 7,
      description: "Why each container of the selected pods last terminated (OOMKilled, Error, Completed, ...), for pods still scheduled or running.",
      queries: [{
        expr: `(kube_pod_container_status_last_terminated_reason{${ksm(Level.pod)}} == 1) * on (${by("namespace", "pod")}) group_left () ${activePods(Level.pod)}`,
      }],
    }));

  return { uid: KUBERNETES_COMPUTE_UID, title: "Kubernetes / Compute resources", folder: "kubernetes", model: finish(builder) };
}
