// NovaCron service alerts: reachability, latency, errors and VM operation failures.
import { serviceJob } from "../../prometheus/contract";
import { AlertThresholds } from "../thresholds";
import { AlertRule } from "../types";
import { recordingNames } from "./recording";
import { failureWindows, failuresIn, jobs } from "./selectors";

export function applicationRules(t: AlertThresholds): AlertRule[] {
  const app = { domain: "application" as const };

  return [
    {
      ...app,
      name: "ApplicationDown",
      severity: "critical",
      // The ML model exporter is an exporter, not a NovaCron service: ExporterDown covers it, once.
      expr: `up{job=~"${serviceJob(".+")}", job!="${jobs.mlExporter}"} == 0`,
      for: "30s",
      summary: "{{ $labels.job }} is down on {{ $labels.instance }}",
      description:
        "Prometheus cannot scrape {{ $labels.job }} on {{ $labels.instance }}: the service instance is down or unreachable.",
    },
    {
      ...app,
      name: "HighResponseTime",
      severity: "warning",
      threshold: t.HighResponseTime,
      expr: `${recordingNames.latencyP95} > ${t.HighResponseTime}`,
      for: "2m",
      summary: "{{ $labels.service }} is responding slowly",
      description:
        "The 95th percentile of {{ $labels.service }}'s HTTP request duration is above the threshold. Check its dependencies (database, hypervisors) and recent deployments.",
    },
    {
      ...app,
      name: "HighErrorRate",
      severity: "critical",
      threshold: t.HighErrorRate,
      expr: `${recordingNames.errorRatio} > ${t.HighErrorRate}`,
      for: "2m",
      summary: "{{ $labels.service }} is failing requests",
      description:
        "The share of {{ $labels.service }}'s HTTP requests answered with a 5xx status is above the threshold. Users are seeing errors.",
    },
    {
      ...app,
      name: "VMCreationFailure",
      severity: "warning",
      threshold: t.VMCreationFailure,
      expr: `${failuresIn("novacron_vm_creation_failures_total", failureWindows.VMCreationFailure, "job")} > ${t.VMCreationFailure}`,
      for: "0s",
      summary: "VM creations are failing",
      description:
        "{{ $labels.job }} has failed to create VMs more often in the last 5 minutes than the threshold allows. Check hypervisor capacity, image storage and the VM manager's logs.",
    },
    {
      ...app,
      name: "MigrationFailure",
      // Critical: a failed migration can leave a VM paused or split between hosts, and migrations mostly run
      // to evacuate a host for maintenance or failing hardware; the seed tolerates no failure at all.
      severity: "critical",
      threshold: t.MigrationFailure,
      expr: `${failuresIn("novacron_migration_failures_total", failureWindows.MigrationFailure, "job")} > ${t.MigrationFailure}`,
      for: "0s",
      summary: "VM migrations are failing",
      description:
        "{{ $labels.job }} reported failed VM migrations in the last 5 minutes. Check that the affected VMs are running on exactly one host, then the migration service's logs.",
    },
  ];
}
