// The seed's Infrastructure dashboard: system overview, CPU & memory with the alert thresholds drawn as
// lines, disk usage by filesystem, network I/O, and container resources.
import { recordingNames } from "../../alerts/catalog";
import { cadvisorContract } from "../../cadvisor/contract";
import { nodeExporterContract } from "../../node-exporter/contract";
import {
  above, barGaugePanel, dashboardBuilder, DashboardDefinition, DashboardOptions, finish, labelVariable, row, statPanel,
  steps, tablePanel, timeseriesPanel, upDownMappings,
  CLUSTER, SCOPE,
} from "./common";
import { cadvisorLabels, THROTTLING_WARNING } from "./kubernetes";

export const INFRASTRUCTURE_UID = "novacron-infrastructure";

/** node-exporter's series on the selected nodes. */
const node = (more = "") => `job="${nodeExporterContract.job}", instance=~"$instance", ${SCOPE}${more ? `, ${more}` : ""}`;
/** The recorded series the alerts read (their labels come from node-exporter's). */
const recorded = `instance=~"$instance", ${SCOPE}`;
/** cAdvisor's per-container series in the selected namespaces (runtime labels: see cadvisorLabels). */
const containers = `job="${cadvisorContract.job}", ${cadvisorLabels.container}!="", ${cadvisorLabels.namespace}=~"$namespace", ${SCOPE}`;
const byPod = `${cadvisorLabels.namespace}, ${cadvisorLabels.pod}`;
const podLegend = `{{${cadvisorLabels.namespace}}}/{{${cadvisorLabels.pod}}}`;

export function infrastructureDashboard({ catalog }: DashboardOptions): DashboardDefinition {
  const cpuSteps = above(catalog, ["HighCPUUsage", "orange"], ["CriticalCPUUsage", "red"]);
  const memorySteps = above(catalog, ["HighMemoryUsage", "orange"]);
  const diskSteps = above(catalog, ["HighDiskUsage", "orange"]);

  const builder = dashboardBuilder(INFRASTRUCTURE_UID, "Infrastructure", "Nodes (node-exporter) and containers (cAdvisor, kube-state-metrics): utilisation against the alert thresholds.", ["infrastructure"])
    .withVariable(labelVariable("instance", "Node", `label_values(node_uname_info{job="${nodeExporterContract.job}", ${SCOPE}}, instance)`, "Nodes, named after the Kubernetes node node-exporter runs on."))
    .withVariable(labelVariable("namespace", "Namespace", `label_values(kube_namespace_status_phase{${SCOPE}}, namespace)`, "Kubernetes namespaces, for the container panels."))

    .withRow(row("System overview"))
    .withPanel(statPanel({
      title: "Nodes up", span: 4, height: 4,
      description: "Nodes whose node-exporter Prometheus scrapes successfully.",
      queries: [{ expr: `sum(up{${node()}})` }],
      thresholds: steps(),
    }))
    .withPanel(statPanel({
      title: "Nodes down", span: 4, height: 4,
      description: "Nodes whose node-exporter cannot be scraped (NodeDown fires after 30s).",
      queries: [{ expr: `count(up{${node()}} == 0) or vector(0)` }],
      thresholds: steps([1, "red"]),
    }))
    .withPanel(statPanel({
      title: "CPU (busiest node)", span: 4, height: 4, unit: "percentunit", min: 0, max: 1,
      description: "The highest average CPU utilisation of any node, coloured at the HighCPUUsage and CriticalCPUUsage thresholds.",
      queries: [{ expr: `max(${recordingNames.cpu}{${recorded}})` }],
      thresholds: cpuSteps,
    }))
    .withPanel(statPanel({
      title: "Memory (fullest node)", span: 4, height: 4, unit: "percentunit", min: 0, max: 1,
      description: "The highest memory utilisation of any node, coloured at the HighMemoryUsage threshold.",
      queries: [{ expr: `max(${recordingNames.memory}{${recorded}})` }],
      thresholds: memorySteps,
    }))
    .withPanel(statPanel({
      title: "Disk (fullest filesystem)", span: 4, height: 4, unit: "percentunit", min: 0, max: 1,
      description: "The fullest writable filesystem on any node, coloured at the HighDiskUsage threshold.",
      queries: [{ expr: `max(${recordingNames.filesystem}{${recorded}})` }],
      thresholds: diskSteps,
    }))
    .withPanel(statPanel({
      title: "Uptime (shortest)", span: 4, height: 4, unit: "s",
      description: "Time since the most recently booted node started.",
      queries: [{ expr: `min(time() - node_boot_time_seconds{${node()}})` }],
      thresholds: steps(),
    }))
    .withPanel(tablePanel({
      title: "Nodes", span: 24, height: 6,
      description: "Every node-exporter target: up or down, kernel and CPU count.",
      queries: [{ expr: `up{${node()}} * on (${CLUSTER}, instance) group_left (release, machine) node_uname_info{${node()}}` }],
    }).mappings(upDownMappings))

    .withRow(row("CPU & memory"))
    .withPanel(timeseriesPanel({
      title: "CPU utilisation", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Average utilisation of each node's CPUs (iowait and steal count as idle) over 1m, the series HighCPUUsage and CriticalCPUUsage evaluate; the dashed lines are their thresholds.",
      queries: [{ expr: `${recordingNames.cpu}{${recorded}}`, legend: "{{instance}}" }],
      thresholds: cpuSteps,
    }))
    .withPanel(timeseriesPanel({
      title: "Memory utilisation", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each node's memory not available to new work (1 - MemAvailable/MemTotal), the series HighMemoryUsage evaluates; the dashed line is its threshold.",
      queries: [{ expr: `${recordingNames.memory}{${recorded}}`, legend: "{{instance}}" }],
      thresholds: memorySteps,
    }))
    .withPanel(timeseriesPanel({
      title: "CPU by mode", span: 12, height: 8, unit: "percentunit", min: 0, stacked: true,
      description: "Where the selected nodes' CPU time goes, as a share of all their CPUs.",
      queries: [{
        expr: `sum by (${CLUSTER}, mode) (rate(node_cpu_seconds_total{${node(`mode!="idle"`)}}[$__rate_interval])) / on (${CLUSTER}) group_left count by (${CLUSTER}) (node_cpu_seconds_total{${node(`mode="idle"`)}})`,
        legend: "{{mode}}",
      }],
    }))
    .withPanel(timeseriesPanel({
      title: "Load per CPU", span: 12, height: 8, min: 0,
      description: "The 5-minute load average divided by the node's CPU count; above 1, runnable work is queueing.",
      queries: [{
        expr: `node_load5{${node()}} / on (${CLUSTER}, instance) count by (${CLUSTER}, instance) (node_cpu_seconds_total{${node(`mode="idle"`)}})`,
        legend: "{{instance}}",
      }],
      thresholds: steps([1, "orange"]),
    }))

    .withRow(row("Disk"))
    .withPanel(barGaugePanel({
      title: "Disk usage by filesystem", span: 12, height: 9, unit: "percentunit", min: 0, max: 1,
      description: "Fullness of every writable filesystem (pseudo and read-only filesystems excluded), the series HighDiskUsage evaluates, coloured at its threshold.",
      queries: [{ expr: `${recordingNames.filesystem}{${recorded}}`, legend: "{{instance}} {{mountpoint}}" }],
      thresholds: diskSteps,
    }))
    .withPanel(timeseriesPanel({
      title: "Disk usage over time", span: 12, height: 9, unit: "percentunit", min: 0, max: 1,
      description: "Fullness of each writable filesystem over time; the dashed line is HighDiskUsage's threshold.",
      queries: [{ expr: `${recordingNames.filesystem}{${recorded}}`, legend: "{{instance}} {{mountpoint}}" }],
      thresholds: diskSteps,
    }))
    .withPanel(timeseriesPanel({
      title: "Disk throughput", span: 12, height: 8, unit: "Bps",
      description: "Bytes read (negative) and written per second, by node and device.",
      queries: [
        { expr: `-sum by (${CLUSTER}, instance, device) (rate(node_disk_read_bytes_total{${node()}}[$__rate_interval]))`, legend: "{{instance}} {{device}} read" },
        { expr: `sum by (${CLUSTER}, instance, device) (rate(node_disk_written_bytes_total{${node()}}[$__rate_interval]))`, legend: "{{instance}} {{device}} written" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Disk I/O utilisation", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of time each device was busy with I/O; near 100% the device is saturated.",
      queries: [{ expr: `rate(node_disk_io_time_seconds_total{${node()}}[$__rate_interval])`, legend: "{{instance}} {{device}}" }],
      thresholds: steps([0.9, "orange"]),
    }))

    .withRow(row("Network I/O"))
    .withPanel(timeseriesPanel({
      title: "Network traffic", span: 12, height: 8, unit: "Bps",
      description: "Bytes received (negative) and transmitted per second by each node, loopback and pod veths excluded.",
      queries: [
        { expr: `-sum by (${CLUSTER}, instance) (rate(node_network_receive_bytes_total{${node(`device!="lo"`)}}[$__rate_interval]))`, legend: "{{instance}} received" },
        { expr: `sum by (${CLUSTER}, instance) (rate(node_network_transmit_bytes_total{${node(`device!="lo"`)}}[$__rate_interval]))`, legend: "{{instance}} transmitted" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Network errors and drops", span: 12, height: 8, unit: "pps", min: 0,
      description: "Packets per second lost to receive or transmit errors or dropped, by node; anything above 0 deserves a look.",
      queries: [
        { expr: `sum by (${CLUSTER}, instance) (rate(node_network_receive_errs_total{${node()}}[$__rate_interval]) + rate(node_network_transmit_errs_total{${node()}}[$__rate_interval]))`, legend: "{{instance}} errors" },
        { expr: `sum by (${CLUSTER}, instance) (rate(node_network_receive_drop_total{${node()}}[$__rate_interval]) + rate(node_network_transmit_drop_total{${node()}}[$__rate_interval]))`, legend: "{{instance}} drops" },
      ],
    }))

    .withRow(row("Container resources"))
    .withPanel(timeseriesPanel({
      title: "Container CPU by pod", span: 12, height: 8, unit: "short", min: 0,
      description: "CPU cores used by each pod's containers (cAdvisor).",
      queries: [{ expr: `sum by (${CLUSTER}, ${byPod}) (rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval]))`, legend: podLegend }],
    }))
    .withPanel(timeseriesPanel({
      title: "Container memory by pod", span: 12, height: 8, unit: "bytes", min: 0,
      description: "Working set of each pod's containers (cAdvisor): the memory the kernel cannot reclaim, what the OOM killer compares to the limit.",
      queries: [{ expr: `sum by (${CLUSTER}, ${byPod}) (container_memory_working_set_bytes{${containers}})`, legend: podLegend }],
    }))
    .withPanel(timeseriesPanel({
      title: "CPU throttling by pod", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of CFS periods in which a pod's containers were throttled at their CPU limit (cAdvisor).",
      queries: [{
        expr: `sum by (${CLUSTER}, ${byPod}) (rate(container_cpu_cfs_throttled_periods_total{${containers}}[$__rate_interval])) / sum by (${CLUSTER}, ${byPod}) (rate(container_cpu_cfs_periods_total{${containers}}[$__rate_interval]))`,
        legend: podLegend,
      }],
      thresholds: steps([THROTTLING_WARNING, "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Container restarts", span: 12, height: 8, unit: "short", min: 0,
      description: "Container restarts per pod in the last hour (kube-state-metrics); a crash-looping container climbs steadily.",
      queries: [{ expr: `sum by (${CLUSTER}, namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace=~"$namespace", ${SCOPE}}[1h])) > 0`, legend: "{{namespace}}/{{pod}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Memory use against limits", span: 24, height: 8, unit: "percentunit", min: 0,
      description: "Each pod's working set as a share of its containers' memory limits (cAdvisor and kube-state-metrics); at 100% the OOM killer acts.",
      queries: [{
        expr: `sum by (${CLUSTER}, namespace, pod) (label_replace(label_replace(container_memory_working_set_bytes{${containers}}, "namespace", "$1", "${cadvisorLabels.namespace}", "(.*)"), "pod", "$1", "${cadvisorLabels.pod}", "(.*)")) / sum by (${CLUSTER}, namespace, pod) (kube_pod_container_resource_limits{resource="memory", namespace=~"$namespace", ${SCOPE}})`,
        legend: "{{namespace}}/{{pod}}",
      }],
      thresholds: steps([0.9, "orange"]),
    }));

  return { uid: INFRASTRUCTURE_UID, title: "Infrastructure", folder: "novacron", model: finish(builder) };
}
