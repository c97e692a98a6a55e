// Stack health: the monitoring stack watching itself. Targets up, scrape cost, rule evaluation, alerts and
// the notification path Prometheus → Alertmanager → receivers, with the meta-monitoring alerts' thresholds.
import { alertmanagerContract } from "../../alertmanager/contract";
import { prometheusContract } from "../../prometheus/contract";
import {
  above, below, dashboardBuilder, DashboardDefinition, DashboardOptions, finish, labelVariable, row, statPanel, steps,
  okFailedMappings, tablePanel, thresholdOrDefault, timeseriesPanel, upDownMappings,
  CLUSTER, SCOPE,
} from "./common";

export const STACK_HEALTH_UID = "novacron-stack-health";

const targets = `job=~"$job", ${SCOPE}`;
const prometheus = `job="${prometheusContract.job}", ${SCOPE}`;
const alertmanager = `job="${alertmanagerContract.job}", ${SCOPE}`;

export function stackHealthDashboard({ catalog }: DashboardOptions): DashboardDefinition {
  const targetDown = thresholdOrDefault(catalog, "TargetDown");
  const builder = dashboardBuilder(STACK_HEALTH_UID, "Stack health", "The monitoring stack itself: scrape targets, rule evaluation, alerts and notification delivery.", ["stack"])
    .withVariable(labelVariable("job", "Job", `label_values(up{${SCOPE}}, job)`, "Prometheus scrape jobs."))

    .withRow(row("Targets"))
    .withPanel(statPanel({
      title: "Targets up", span: 4, height: 4,
      description: "Scrape targets Prometheus reaches.",
      queries: [{ expr: `sum(up{${targets}})` }],
      thresholds: steps(),
    }))
    .withPanel(statPanel({
      title: "Targets down", span: 4, height: 4,
      description: "Scrape targets Prometheus cannot reach: their metrics are missing and alerts on them cannot fire.",
      queries: [{ expr: `count(up{${targets}} == 0) or vector(0)` }],
      thresholds: steps([1, "red"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Share of targets down by job", span: 16, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each job's targets that are down; above the dashed line (TargetDown's threshold) for 10m, the alert fires.",
      queries: [{ expr: `1 - avg by (${CLUSTER}, job) (up{${targets}})`, legend: "{{job}}" }],
      thresholds: [{ value: null, color: "green" }, { value: targetDown, color: "orange" }],
    }))
    .withPanel(tablePanel({
      title: "Targets", span: 24, height: 8,
      description: "Every scrape target and whether it is up.",
      queries: [{ expr: `up{${targets}}` }],
    }).mappings(upDownMappings))

    .withRow(row("Scrapes"))
    .withPanel(timeseriesPanel({
      title: "Scrape duration", span: 12, height: 8, unit: "s", min: 0,
      description: "The slowest scrape of each job; a scrape slower than the scrape timeout fails.",
      queries: [{ expr: `max by (${CLUSTER}, job) (scrape_duration_seconds{${targets}})`, legend: "{{job}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Samples per scrape", span: 12, height: 8, min: 0,
      description: "Samples each job's targets return per scrape, after metric relabelling: a jump means new series (cardinality).",
      queries: [{ expr: `sum by (${CLUSTER}, job) (scrape_samples_post_metric_relabeling{${targets}})`, legend: "{{job}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Head series", span: 12, height: 8, min: 0,
      description: "Series in each Prometheus' head block: its memory use follows this.",
      queries: [{ expr: `prometheus_tsdb_head_series{${prometheus}}`, legend: "{{instance}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Samples ingested per second", span: 12, height: 8, unit: "short", min: 0,
      description: "Samples each Prometheus appends per second.",
      queries: [{ expr: `rate(prometheus_tsdb_head_samples_appended_total{${prometheus}}[$__rate_interval])`, legend: "{{instance}}" }],
    }))

    .withRow(row("Rule evaluation"))
    .withPanel(timeseriesPanel({
      title: "Rule group evaluation time", span: 12, height: 8, unit: "percentunit", min: 0,
      description: "Each rule group's last evaluation time as a share of its interval; at 100% evaluations start being skipped.",
      queries: [{ expr: `max by (${CLUSTER}, rule_group) (prometheus_rule_group_last_duration_seconds{${prometheus}} / prometheus_rule_group_interval_seconds{${prometheus}})`, legend: "{{rule_group}}" }],
      thresholds: steps([1, "red"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Rule evaluation failures", span: 12, height: 8, unit: "short", min: 0,
      description: "Failed rule evaluations per second by group; any sustained failure blinds the alerts in the group (PrometheusRuleEvaluationFailures).",
      queries: [
        { expr: `sum by (${CLUSTER}, rule_group) (rate(prometheus_rule_evaluation_failures_total{${prometheus}}[$__rate_interval]))`, legend: "{{rule_group}} failures" },
        { expr: `sum by (${CLUSTER}, rule_group) (rate(prometheus_rule_group_iterations_missed_total{${prometheus}}[$__rate_interval]))`, legend: "{{rule_group}} missed" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Alerts firing", span: 24, height: 8, min: 0, stacked: true,
      description: "Alerts firing by name and severity (Watchdog always fires: the pipeline's heartbeat).",
      queries: [{ expr: `sum by (${CLUSTER}, alertname, severity) (ALERTS{alertstate="firing", ${SCOPE}})`, legend: "{{alertname}} ({{severity}})" }],
    }))

    .withRow(row("Notifications"))
    .withPanel(statPanel({
      title: "Alertmanagers discovered", span: 6, height: 5,
      description: "Alertmanagers each Prometheus sends to; below PrometheusNotConnectedToAlertmanagers' threshold, alerts are evaluated but not delivered.",
      queries: [{ expr: `min(prometheus_notifications_alertmanagers_discovered{${prometheus}})` }],
      thresholds: below(catalog, "PrometheusNotConnectedToAlertmanagers"),
    }))
    .withPanel(statPanel({
      title: "Config reloads", span: 6, height: 5,
      description: "Whether every Prometheus and Alertmanager runs its latest configuration (the Config reload failed alerts).",
      queries: [
        { expr: `min(prometheus_config_last_reload_successful{${prometheus}})`, legend: "Prometheus" },
        { expr: `min(alertmanager_config_last_reload_successful{${alertmanager}})`, legend: "Alertmanager" },
      ],
      thresholds: [{ value: null, color: "red" }, { value: 1, color: "green" }],
      mappings: okFailedMappings,
    }))
    .withPanel(timeseriesPanel({
      title: "Prometheus → Alertmanager", span: 12, height: 8, unit: "short", min: 0,
      description: "Alerts Prometheus sends to Alertmanager per second, with errors and drops, and its queue.",
      queries: [
        { expr: `sum by (${CLUSTER}, instance) (rate(prometheus_notifications_sent_total{${prometheus}}[$__rate_interval]))`, legend: "{{instance}} sent" },
        { expr: `sum by (${CLUSTER}, instance) (rate(prometheus_notifications_errors_total{${prometheus}}[$__rate_interval]))`, legend: "{{instance}} errors" },
        { expr: `sum by (${CLUSTER}, instance) (rate(prometheus_notifications_dropped_total{${prometheus}}[$__rate_interval]))`, legend: "{{instance}} dropped" },
        { expr: `max by (${CLUSTER}, instance) (prometheus_notifications_queue_length{${prometheus}})`, legend: "{{instance}} queued" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Notifications sent by integration", span: 12, height: 8, unit: "short", min: 0,
      description: "Notifications Alertmanager sends per second to each integration (Slack, email, PagerDuty, webhook, ...).",
      queries: [{ expr: `sum by (${CLUSTER}, integration) (rate(alertmanager_notifications_total{${alertmanager}}[$__rate_interval]))`, legend: "{{integration}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Notifications failed by integration", span: 12, height: 8, unit: "short", min: 0,
      description: "Failed notification attempts per second by integration; see the failure ratio for the alert's view.",
      queries: [{ expr: `sum by (${CLUSTER}, integration) (rate(alertmanager_notifications_failed_total{${alertmanager}}[$__rate_interval]))`, legend: "{{integration}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Notification failure ratio", span: 12, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of notification attempts that failed, by integration; above the dashed line (AlertmanagerFailingToSendNotifications' threshold) for 5m, the alert fires.",
      queries: [{
        expr: `sum by (${CLUSTER}, integration) (rate(alertmanager_notifications_failed_total{${alertmanager}}[$__rate_interval])) / clamp_min(sum by (${CLUSTER}, integration) (rate(alertmanager_notifications_total{${alertmanager}}[$__rate_interval])), 1e-9)`,
        legend: "{{integration}}",
      }],
      thresholds: above(catalog, ["AlertmanagerFailingToSendNotifications", "red"]),
    }));

  return { uid: STACK_HEALTH_UID, title: "Stack health", folder: "stack", model: finish(builder) };
}
