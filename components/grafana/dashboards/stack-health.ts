// Stack health: the monitoring stack watching itself. Targets up, scrape cost, rule evaluation, alerts and
// the notification path Prometheus → Alertmanager → receivers, with the meta-monitoring alerts' thresholds.
import { alertmanagerContract } from "../../alertmanager/contract";
import { grpcServerErrorCodes, thanosUploadDeadline } from "../../alerts/rules/selectors";
import { prometheusContract } from "../../prometheus/contract";
import { thanosContract } from "../../thanos/contract";
import { durationSeconds } from "../../units";
import {
  above, below, dashboardBuilder, DashboardDefinition, DashboardOptions, finish, labelVariable, row, statPanel, steps,
  okFailedMappings, tablePanel, thresholdOrDefault, timeseriesPanel, upDownMappings,
  CLUSTER, rateOf, SCOPE,
} from "./common";

export const STACK_HEALTH_UID = "novacron-stack-health";

const targets = `job=~"$job", ${SCOPE}`;
const prometheus = `job="${prometheusContract.job}", ${SCOPE}`;
const alertmanager = `job="${alertmanagerContract.job}", ${SCOPE}`;
const thanos = (role: keyof typeof thanosContract.jobs) => `job="${thanosContract.jobs[role]}", ${SCOPE}`;
/**
 * Failed over all, per (cluster, instance); 0 rather than no series while nothing failed, so a healthy
 * role shows a flat line instead of an empty panel.
 */
function failingShare(failed: string, all: string, selector: string, failedMatcher: string): string {
  const by = `sum by (${CLUSTER}, instance)`;
  return `(${by} (${rateOf(failed, `${selector}, ${failedMatcher}`)}) or 0 * ${by} (${rateOf(all, selector)})) / clamp_min(${by} (${rateOf(all, selector)}), 1e-9)`;
}
const serverErrors = `grpc_code=~"${grpcServerErrorCodes.join("|")}"`;

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
    }))

    // Empty where the stack runs no Thanos (dev by default); the Thanos alerts' thresholds as dashed lines.
    .withRow(row("Thanos"))
    .withPanel(statPanel({
      title: "Sidecars reaching Prometheus", span: 6, height: 8,
      description: "Thanos sidecars that reach the Prometheus in their pod; one that cannot for 5m fires ThanosSidecarPrometheusDown.",
      queries: [{ expr: `sum by (${CLUSTER}) (thanos_sidecar_prometheus_up{${thanos("sidecar")}})` }],
      thresholds: steps(),
    }))
    .withPanel(timeseriesPanel({
      title: "Time since each sidecar's last upload", span: 9, height: 8, unit: "s", min: 0,
      description: "How long ago each sidecar last shipped a block to the bucket (Prometheus cuts one every 2h); past the dashed line, ThanosSidecarNoRecentUpload fires.",
      queries: [{ expr: `time() - max by (${CLUSTER}, instance) (thanos_objstore_bucket_last_successful_upload_time{${thanos("sidecar")}})`, legend: "{{instance}}" }],
      thresholds: steps([durationSeconds(thanosUploadDeadline), "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Bucket operations failing", span: 9, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of each role's object storage operations that fail; above the dashed line (ThanosBucketOperationsFailing's threshold) for 15m, the alert fires.",
      queries: (["sidecar", "store", "compact"] as const).map((role) => ({
        expr: `sum by (${CLUSTER}, instance) (${rateOf("thanos_objstore_bucket_operation_failures_total", thanos(role))}) / clamp_min(sum by (${CLUSTER}, instance) (${rateOf("thanos_objstore_bucket_operations_total", thanos(role))}), 1e-9)`,
        legend: `${role} {{instance}}`,
      })),
      thresholds: above(catalog, ["ThanosBucketOperationsFailing", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Query: HTTP requests failing", span: 8, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of Query's API requests (Grafana's queries) answered 5xx; above the dashed line (ThanosQueryHttpErrors' threshold), the alert fires.",
      queries: [{ expr: failingShare("http_requests_total", "http_requests_total", thanos("query"), `code=~"5.."`), legend: "{{instance}}" }],
      thresholds: above(catalog, ["ThanosQueryHttpErrors", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Query: store endpoints connected", span: 8, height: 8, unit: "short", min: 0,
      description: "StoreAPI endpoints (sidecars, Store Gateways) each Query is connected to; fewer than the stores up fires ThanosQueryStoreEndpointsMissing, and Grafana's graphs then miss that data.",
      queries: [{ expr: `sum by (${CLUSTER}, instance) (thanos_store_nodes_grpc_connections{${thanos("query")}})`, legend: "{{instance}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "StoreAPI calls failing", span: 8, height: 8, unit: "percentunit", min: 0, max: 1,
      description: "Share of gRPC calls failing server-side: Query's calls to its stores, and the Store Gateway's answers; above the dashed lines, ThanosQueryStoreApiErrors or ThanosStoreGatewayGrpcErrors fires.",
      queries: [
        { expr: failingShare("grpc_client_handled_total", "grpc_client_started_total", thanos("query"), serverErrors), legend: "query {{instance}}" },
        { expr: failingShare("grpc_server_handled_total", "grpc_server_started_total", thanos("store"), serverErrors), legend: "store gateway {{instance}}" },
      ],
      thresholds: above(catalog, ["ThanosQueryStoreApiErrors", "orange"], ["ThanosStoreGatewayGrpcErrors", "red"]),
    }))
    .withPanel(statPanel({
      title: "Compactor halted", span: 6, height: 8,
      description: "1 when the compactor stopped on an error it will not retry (overlapping blocks, a corrupt index); ThanosCompactorHalted fires. The bucket then grows uncompacted and keeps every raw block.",
      queries: [{ expr: `max by (${CLUSTER}) (thanos_compact_halted{${thanos("compact")}})` }],
      thresholds: steps([1, "red"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Compaction passes", span: 18, height: 8, unit: "short", min: 0,
      description: "Compactor passes completed per hour; none for its pass window fires ThanosCompactorFailing.",
      queries: [{ expr: `sum by (${CLUSTER}, instance) (increase(thanos_compact_iterations_total{${thanos("compact")}}[1h]))`, legend: "{{instance}}" }],
    }));

  return { uid: STACK_HEALTH_UID, title: "Stack health", folder: "stack", model: finish(builder) };
}
