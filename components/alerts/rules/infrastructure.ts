// Node alerts: CPU, memory, filesystems and reachability of every node (node-exporter).
import { AlertThresholds } from "../thresholds";
import { AlertRule } from "../types";
import { recordingNames } from "./recording";
import { jobs } from "./selectors";

export function infrastructureRules(t: AlertThresholds): AlertRule[] {
  const nodeAlert = { domain: "infrastructure" as const };
  return [
    {
      ...nodeAlert,
      name: "HighCPUUsage",
      severity: "warning",
      threshold: t.HighCPUUsage,
      expr: `${recordingNames.cpu} > ${t.HighCPUUsage}`,
      for: "2m",
      summary: "High CPU usage on {{ $labels.instance }}",
      description:
        "Average CPU utilisation on {{ $labels.instance }} has stayed above the warning threshold. Workloads on the node are being slowed; find the busy processes or move VMs off the node.",
    },
    {
      ...nodeAlert,
      name: "CriticalCPUUsage",
      severity: "critical",
      threshold: t.CriticalCPUUsage,
      expr: `${recordingNames.cpu} > ${t.CriticalCPUUsage}`,
      for: "1m",
      summary: "CPU saturated on {{ $labels.instance }}",
      description:
        "Average CPU utilisation on {{ $labels.instance }} is above the critical threshold: the node is saturated and VMs and services on it are starved.",
      inhibits: ["HighCPUUsage"],
      inhibitEqual: ["instance"],
    },
    {
      ...nodeAlert,
      name: "HighMemoryUsage",
      severity: "warning",
      threshold: t.HighMemoryUsage,
      expr: `${recordingNames.memory} > ${t.HighMemoryUsage}`,
      for: "2m",
      summary: "High memory usage on {{ $labels.instance }}",
      description:
        "Less memory than the warning threshold allows is available on {{ $labels.instance }}. The kernel may start reclaiming aggressively or OOM-kill processes.",
    },
    {
      ...nodeAlert,
      name: "HighDiskUsage",
      severity: "warning",
      threshold: t.HighDiskUsage,
      expr: `${recordingNames.filesystem} > ${t.HighDiskUsage}`,
      for: "2m",
      summary: "Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is filling up",
      description:
        "Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} is fuller than the warning threshold. Free space or grow the volume before writes fail.",
    },
    {
      ...nodeAlert,
      name: "NodeDown",
      severity: "critical",
      expr: `up{job="${jobs.node}"} == 0`,
      for: "30s",
      summary: "Node {{ $labels.instance }} is unreachable",
      description:
        "Prometheus cannot scrape node-exporter on {{ $labels.instance }}: the node is down, partitioned, or its exporter has stopped. Resource alerts for the node are inhibited meanwhile.",
      inhibits: ["HighCPUUsage", "CriticalCPUUsage", "HighMemoryUsage", "HighDiskUsage"],
      inhibitEqual: ["instance"],
    },
  ];
}
