// The stack watching itself: the Watchdog heartbeat, scrape targets, Prometheus, Alertmanager, exporters
// and probes.
import { CatalogScope } from "../scope";
import { WATCHDOG } from "../settings";
import { AlertThresholds } from "../thresholds";
import { AlertRule } from "../types";
import { exporterJobs, jobs, probeJobs, rateWindows } from "./selectors";

export function stackRules(t: AlertThresholds, _scope: CatalogScope): AlertRule[] {
  const stack = { domain: "stack" as const };
  const stackWindow = rateWindows.stack;

  return [
    {
      ...stack,
      name: WATCHDOG,
      severity: "none",
      expr: "vector(1)",
      for: "0s",
      summary: "Alerting pipeline heartbeat",
      description:
        "Always firing, so the path from Prometheus through Alertmanager to its receivers is known to work. Route it to a dead man's switch; its absence is the alert.",
    },
    {
      ...stack,
      name: "TargetDown",
      severity: "warning",
      threshold: t.TargetDown,
      expr: `(count by (job) (up == 0) / count by (job) (up)) > ${t.TargetDown}`,
      for: "10m",
      summary: "Targets of {{ $labels.job }} are down",
      description:
        "More of {{ $labels.job }}'s scrape targets than the threshold allows have been unreachable for 10 minutes. Metrics from them are missing and alerts on them cannot fire.",
    },
    {
      ...stack,
      name: "PrometheusConfigReloadFailed",
      severity: "critical",
      expr: `prometheus_config_last_reload_successful{job="${jobs.prometheus}"} == 0`,
      for: "2m",
      summary: "Prometheus {{ $labels.instance }} failed to reload its configuration",
      description:
        "Prometheus {{ $labels.instance }} rejected its latest configuration and keeps running the previous one, so recent scrape or rule changes are not in effect.",
    },
    {
      ...stack,
      name: "PrometheusRuleEvaluationFailures",
      severity: "warning",
      threshold: t.PrometheusRuleEvaluationFailures,
      expr: `increase(prometheus_rule_evaluation_failures_total{job="${jobs.prometheus}"}[${stackWindow}]) > ${t.PrometheusRuleEvaluationFailures}`,
      // A broken rule fails at every evaluation; 15m (as kube-prometheus) lets one-off timeouts pass.
      for: "15m",
      summary: "Prometheus {{ $labels.instance }} fails to evaluate rules",
      description:
        "Rules in group {{ $labels.rule_group }} keep failing to evaluate on Prometheus {{ $labels.instance }}: the alerts and recordings in it are blind.",
    },
    {
      ...stack,
      name: "PrometheusNotConnectedToAlertmanagers",
      severity: "warning",
      threshold: t.PrometheusNotConnectedToAlertmanagers,
      expr: `prometheus_notifications_alertmanagers_discovered{job="${jobs.prometheus}"} < ${t.PrometheusNotConnectedToAlertmanagers}`,
      // Long enough to ride over an Alertmanager rollout; delivery of this very alert may be impossible, the
      // Watchdog's silence covers that.
      for: "10m",
      summary: "Prometheus {{ $labels.instance }} has no Alertmanager to send to",
      description:
        "Prometheus {{ $labels.instance }} has discovered no Alertmanager: alerts are evaluated but not delivered. Check the Alertmanager service and its endpoints.",
    },
    {
      ...stack,
      name: "PrometheusNotificationsFailing",
      severity: "critical",
      threshold: t.PrometheusNotificationsFailing,
      expr: `rate(prometheus_notifications_errors_total{job="${jobs.prometheus}"}[${stackWindow}]) / rate(prometheus_notifications_sent_total{job="${jobs.prometheus}"}[${stackWindow}]) > ${t.PrometheusNotificationsFailing}`,
      // 10m rides over a rolling restart of the Alertmanager cluster.
      for: "10m",
      summary: "Prometheus {{ $labels.instance }} fails to send alerts to {{ $labels.alertmanager }}",
      description:
        "More of Prometheus {{ $labels.instance }}'s alert notifications to {{ $labels.alertmanager }} fail than the threshold allows: alerts may not reach anyone.",
    },
    {
      ...stack,
      name: "AlertmanagerConfigReloadFailed",
      severity: "critical",
      expr: `alertmanager_config_last_reload_successful{job="${jobs.alertmanager}"} == 0`,
      for: "2m",
      summary: "Alertmanager {{ $labels.instance }} failed to reload its configuration",
      description:
        "Alertmanager {{ $labels.instance }} rejected its latest configuration and keeps routing with the previous one.",
    },
    {
      ...stack,
      name: "AlertmanagerFailingToSendNotifications",
      severity: "warning",
      threshold: t.AlertmanagerFailingToSendNotifications,
      // Failures carry a `reason` label that the attempts counter lacks: sum it away before dividing.
      expr: `sum without (reason) (rate(alertmanager_notifications_failed_total{job="${jobs.alertmanager}"}[${stackWindow}])) / rate(alertmanager_notifications_total{job="${jobs.alertmanager}"}[${stackWindow}]) > ${t.AlertmanagerFailingToSendNotifications}`,
      for: "5m",
      summary: "Alertmanager {{ $labels.instance }} fails to notify via {{ $labels.integration }}",
      description:
        "More of Alertmanager {{ $labels.instance }}'s notifications through {{ $labels.integration }} fail than the threshold allows. Check the receiver's endpoint and credentials.",
    },
    {
      ...stack,
      name: "AlertmanagerClusterMembersInconsistent",
      severity: "warning",
      // max_over_time rides over a peer restarting; gossip converges within seconds.
      expr: `max_over_time(alertmanager_cluster_members{job="${jobs.alertmanager}"}[${stackWindow}]) < on (job) group_left () count by (job) (max_over_time(alertmanager_cluster_members{job="${jobs.alertmanager}"}[${stackWindow}]))`,
      for: "10m",
      summary: "Alertmanager {{ $labels.instance }} does not see the whole cluster",
      description:
        "Alertmanager {{ $labels.instance }} sees fewer cluster members than there are peers: silences and notification state are not shared, so notifications may be duplicated.",
    },
    {
      ...stack,
      name: "ExporterDown",
      severity: "warning",
      expr: `up{job=~"${exporterJobs.join("|")}"} == 0`,
      for: "2m",
      summary: "Exporter {{ $labels.job }} is down on {{ $labels.instance }}",
      description:
        "Prometheus cannot scrape the exporter {{ $labels.job }} on {{ $labels.instance }}: the metrics it provides are missing and alerts built on them cannot fire.",
    },
    {
      ...stack,
      name: "MLExporterUpstreamDown",
      severity: "warning",
      expr: `ml_exporter_up{job="${jobs.mlExporter}"} == 0`,
      for: "2m",
      summary: "The ML model exporter cannot reach the ML service",
      description:
        "The ML model exporter on {{ $labels.instance }} is up but cannot reach the ML service, so model accuracy, drift and training metrics are stale and the ML alerts cannot fire.",
    },
    {
      ...stack,
      name: "EndpointProbeFailed",
      severity: "critical",
      expr: `probe_success{job=~"${probeJobs.join("|")}"} == 0`,
      for: "1m",
      summary: "Probe of {{ $labels.instance }} is failing",
      description:
        "The {{ $labels.job }} probe of {{ $labels.instance }} has been failing: the endpoint is unreachable or unhealthy from inside the cluster.",
    },
  ];
}
