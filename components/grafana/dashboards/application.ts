// The seed's Application dashboard: service health, p95 latency, error rate by service, request volume and
// database performance, from the NovaCron metric contract (README) and the blackbox probes.
import { recordingNames } from "../../alerts/catalog";
import { blackboxExporterContract } from "../../blackbox-exporter/contract";
import { mlModelExporterContract } from "../../ml-model-exporter/contract";
import { serviceJob } from "../../prometheus/contract";
import {
  above, acrossShards, countAbove, dashboardBuilder, DashboardDefinition, DashboardOptions, finish, labelVariable, row, statPanel,
  timeseriesPanel, upDownMappings,
  CLUSTER, SCOPE,
} from "./common";

export const APPLICATION_UID = "novacron-application";

/**
 * NovaCron services' own series. The metric contract's `service` label is the service's scrape job name
 * (novacron-api, novacron-scheduler, ...), so one variable selects both.
 */
const svc = (more = "") => `service=~"$service", namespace=~"$namespace", ${SCOPE}${more ? `, ${more}` : ""}`;
const byJob = `job=~"$service", namespace=~"$namespace", ${SCOPE}`;
/** Recorded per-service series (summed over instances, so without a namespace). */
const recorded = `service=~"$service", ${SCOPE}`;

export function applicationDashboard({ catalog, scrapeShards }: DashboardOptions): DashboardDefinition {
  const shards = acrossShards({ scrapeShards });
  const builder = dashboardBuilder(APPLICATION_UID, "Application", "NovaCron services (API, VM manager, migration, scheduler, ML pipeline): health, latency, errors, traffic and database use.", ["application"])
    .withVariable(labelVariable("namespace", "Namespace", `label_values(http_requests_total{${SCOPE}}, namespace)`, "Namespaces the NovaCron services run in."))
    .withVariable(labelVariable("service", "Service", `label_values(http_requests_total{namespace=~"$namespace", ${SCOPE}}, service)`, "NovaCron services (their scrape job names)."))

    .withRow(row("Service health"))
    .withPanel(statPanel({
      title: "Services", span: 16, height: 5,
      description: "Whether Prometheus can scrape every instance of each NovaCron service (ApplicationDown fires after 30s down).",
      queries: [{ expr: `min by (${CLUSTER}, job) (up{job=~"${serviceJob(".+")}", job!="${mlModelExporterContract.job}", ${byJob}})`, legend: "{{job}}" }],
      thresholds: [{ value: null, color: "red" }, { value: 1, color: "green" }],
      mappings: upDownMappings,
    }))
    .withPanel(statPanel({
      title: "Endpoint probes", span: 8, height: 5,
      description: "Blackbox probes of the services' endpoints from inside the cluster (EndpointProbeFailed fires after 1m failing).",
      queries: [{ expr: `min by (${CLUSTER}, probe, instance) (probe_success{job=~"${blackboxExporterContract.probeJobPattern}", ${SCOPE}})`, legend: "{{probe}}" }],
      thresholds: [{ value: null, color: "red" }, { value: 1, color: "green" }],
      mappings: upDownMappings,
    }))

    .withRow(row("Latency, errors, traffic"))
    .withPanel(timeseriesPanel({
      title: "p95 response time", span: 12, height: 8, unit: "s", min: 0,
      description: "95th percentile of each service's HTTP request duration over 2m, the series HighResponseTime evaluates; the dashed line is its threshold.",
      queries: [{ expr: shards.quantile(`${recordingNames.latencyP95}{${recorded}}`, `${recordingNames.latencyBuckets}{${recorded}}`), legend: "{{service}}" }],
      thresholds: above(catalog, ["HighResponseTime", "orange"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Error rate", span: 12, height: 8, unit: "percentunit", min: 0,
      description: "Share of each service's HTTP requests answered with a 5xx status over 2m, the series HighErrorRate evaluates; the dashed line is its threshold.",
      queries: [{ expr: shards.ratio(`${recordingNames.errorRatio}{${recorded}}`, `${recordingNames.requests}{${recorded}}`), legend: "{{service}}" }],
      thresholds: above(catalog, ["HighErrorRate", "red"]),
    }))
    .withPanel(timeseriesPanel({
      title: "Requests per second", span: 12, height: 8, unit: "reqps", min: 0,
      description: "HTTP requests each service answers per second (2m rate).",
      queries: [{ expr: shards.sum(`${recordingNames.requests}{${recorded}}`), legend: "{{service}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Requests by status", span: 12, height: 8, unit: "reqps", min: 0, stacked: true,
      description: "HTTP requests per second by service and status code.",
      queries: [{ expr: `sum by (${CLUSTER}, service, status) (rate(http_requests_total{${svc()}}[$__rate_interval]))`, legend: "{{service}} {{status}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "p95 response time by route", span: 24, height: 8, unit: "s", min: 0,
      description: "95th percentile request duration of each service's routes: which endpoint is slow.",
      queries: [{ expr: `histogram_quantile(0.95, sum by (${CLUSTER}, service, route, le) (rate(http_request_duration_seconds_bucket{${svc()}}[$__rate_interval])))`, legend: "{{service}} {{route}}" }],
      thresholds: above(catalog, ["HighResponseTime", "orange"]),
    }))

    .withRow(row("VM operations"))
    .withPanel(timeseriesPanel({
      title: "VM creation failures (5m)", span: 12, height: 7, min: 0,
      description: "Failed VM creations in the last 5 minutes, as VMCreationFailure counts them; coloured where it fires.",
      queries: [{ expr: `round(sum by (${CLUSTER}, job) (increase(novacron_vm_creation_failures_total{${byJob}}[5m])))`, legend: "{{job}}" }],
      thresholds: countAbove(catalog, "VMCreationFailure", "orange"),
    }))
    .withPanel(timeseriesPanel({
      title: "Migration failures (5m)", span: 12, height: 7, min: 0,
      description: "Failed VM migrations in the last 5 minutes, as MigrationFailure counts them; any is critical.",
      queries: [{ expr: `round(sum by (${CLUSTER}, job) (increase(novacron_migration_failures_total{${byJob}}[5m])))`, legend: "{{job}}" }],
      thresholds: countAbove(catalog, "MigrationFailure", "red"),
    }))

    .withRow(row("Database"))
    .withPanel(timeseriesPanel({
      title: "p95 query time", span: 12, height: 8, unit: "s", min: 0,
      description: "95th percentile duration of each service's database queries, by operation (novacron_db_query_duration_seconds).",
      queries: [{ expr: `histogram_quantile(0.95, sum by (${CLUSTER}, service, operation, le) (rate(novacron_db_query_duration_seconds_bucket{${svc()}}[$__rate_interval])))`, legend: "{{service}} {{operation}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Queries per second", span: 12, height: 8, unit: "ops", min: 0,
      description: "Database queries per second by service and operation.",
      queries: [{ expr: `sum by (${CLUSTER}, service, operation) (rate(novacron_db_query_duration_seconds_count{${svc()}}[$__rate_interval]))`, legend: "{{service}} {{operation}}" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Connections in use", span: 12, height: 8, min: 0,
      description: "Open database connections in use and idle against the pool's maximum, per service (Go database/sql pool statistics).",
      queries: [
        { expr: `sum by (${CLUSTER}, job) (go_sql_in_use_connections{${byJob}})`, legend: "{{job}} in use" },
        { expr: `sum by (${CLUSTER}, job) (go_sql_idle_connections{${byJob}})`, legend: "{{job}} idle" },
        { expr: `sum by (${CLUSTER}, job) (go_sql_max_open_connections{${byJob}})`, legend: "{{job}} max" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Waiting for a connection", span: 12, height: 8, unit: "s", min: 0,
      description: "Seconds per second the service's requests spent waiting for a free database connection: above 0, the pool is too small or queries are slow.",
      queries: [{ expr: `sum by (${CLUSTER}, job) (rate(go_sql_wait_duration_seconds_total{${byJob}}[$__rate_interval]))`, legend: "{{job}}" }],
    }));

  return { uid: APPLICATION_UID, title: "Application", folder: "novacron", model: finish(builder) };
}
