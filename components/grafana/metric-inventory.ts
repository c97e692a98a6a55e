// The metrics the stack's dashboards may use, by the part of the stack that exports them. A dashboard query
// naming anything else fails a test (test/tools/grafana-dashboards.test.ts), and each list below is checked
// against its source: scraped from the pinned binaries on loopback (test/e2e/grafana-dashboards.test.ts),
// or read from the pinned Go module source, the README's metric contract or our own ML exporter's code
// (test/tools/grafana-dashboards.test.ts).
import { recordingRules } from "../alerts/catalog";
import { logstashMetrics } from "../logstash/render-exporter-config";
import { ThanosRole } from "../thanos/contract";

export type MetricSource =
  | "node-exporter"
  | "cadvisor"
  | "kube-state-metrics"
  | "kubelet"
  | "kube-apiserver"
  | "blackbox-exporter"
  | "prometheus"
  | "alertmanager"
  | "ml-model-exporter"
  | "novacron-services"
  | "prometheus-rules"
  | "elasticsearch-exporter"
  | "logstash"
  | "loki"
  | "alloy"
  | "jaeger"
  | "grafana"
  | "thanos"
  | "eck-operator";

export interface InventoryEntry {
  /** How the list is proven to match what the source really exports. */
  provenBy: string;
  /** Series names (histograms as their _bucket, _sum and _count series). */
  metrics: readonly string[];
}

/**
 * The labels of kube-state-metrics series that alerts select, match or group on (beyond the target's job and
 * instance), by metric: each is proven to be written by that metric's generator, or by its kind's default
 * labels, in the pinned module source (test/tools/grafana-dashboards.test.ts).
 */
export const kubeStateMetricsLabels: Record<string, readonly string[]> = (() => {
  const pod = ["namespace", "pod"];
  const container = [...pod, "container"];
  const deployment = ["namespace", "deployment"];
  const statefulset = ["namespace", "statefulset"];
  const daemonset = ["namespace", "daemonset"];
  const job = ["namespace", "job_name"];
  const cronjob = ["namespace", "cronjob"];
  const hpa = ["namespace", "horizontalpodautoscaler"];
  return {
    kube_pod_container_status_waiting_reason: [...container, "reason"],
    kube_pod_container_status_last_terminated_reason: [...container, "reason"],
    kube_pod_container_status_restarts_total: [...container, "uid"],
    kube_pod_container_resource_requests: [...pod, "resource"],
    kube_pod_status_phase: [...pod, "phase"],
    kube_pod_owner: [...pod, "owner_kind"],
    kube_node_status_allocatable: ["resource"],
    kube_deployment_metadata_generation: deployment,
    kube_deployment_spec_replicas: deployment,
    kube_deployment_status_condition: [...deployment, "condition", "status"],
    kube_deployment_status_observed_generation: deployment,
    kube_deployment_status_replicas_available: deployment,
    kube_deployment_status_replicas_updated: deployment,
    kube_statefulset_metadata_generation: statefulset,
    kube_statefulset_replicas: statefulset,
    kube_statefulset_status_current_revision: [...statefulset, "revision"],
    kube_statefulset_status_observed_generation: statefulset,
    kube_statefulset_status_replicas_ready: statefulset,
    kube_statefulset_status_replicas_updated: statefulset,
    kube_statefulset_status_update_revision: [...statefulset, "revision"],
    kube_daemonset_status_current_number_scheduled: daemonset,
    kube_daemonset_status_desired_number_scheduled: daemonset,
    kube_daemonset_status_number_available: daemonset,
    kube_daemonset_status_number_misscheduled: daemonset,
    kube_daemonset_status_updated_number_scheduled: daemonset,
    kube_job_failed: [...job, "condition"],
    kube_job_owner: [...job, "owner_kind", "owner_name"],
    kube_job_status_active: job,
    kube_job_status_start_time: job,
    kube_cronjob_next_schedule_time: cronjob,
    kube_cronjob_spec_suspend: cronjob,
    kube_cronjob_status_last_successful_time: cronjob,
    kube_horizontalpodautoscaler_spec_max_replicas: hpa,
    kube_horizontalpodautoscaler_spec_min_replicas: hpa,
    kube_horizontalpodautoscaler_status_current_replicas: hpa,
    kube_horizontalpodautoscaler_status_desired_replicas: hpa,
    kube_resourcequota: ["namespace", "resourcequota", "resource", "type"],
  };
})();

/**
 * Thanos' metrics by role: one binary, but each role registers its own, and the alerts select each metric on
 * the job of a role that has it. Proven per role (test/e2e/thanos-metrics.test.ts).
 */
export const thanosMetricsByRole: Record<ThanosRole, readonly string[]> = {
  sidecar: [
    "thanos_sidecar_prometheus_up", "thanos_shipper_upload_failures_total", "thanos_shipper_uploads_total",
    "thanos_objstore_bucket_last_successful_upload_time", "thanos_objstore_bucket_operations_total", "thanos_objstore_bucket_operation_failures_total",
    "process_start_time_seconds",
  ],
  query: ["http_requests_total", "grpc_client_started_total", "grpc_client_handled_total", "thanos_store_nodes_grpc_connections", "process_start_time_seconds"],
  store: [
    "grpc_server_started_total", "grpc_server_handled_total", "thanos_objstore_bucket_operations_total", "thanos_objstore_bucket_operation_failures_total",
    "process_start_time_seconds",
  ],
  compact: [
    "thanos_compact_halted", "thanos_compact_iterations_total", "thanos_objstore_bucket_operations_total", "thanos_objstore_bucket_operation_failures_total",
    "process_start_time_seconds",
  ],
};

export const metricInventory: Record<MetricSource, InventoryEntry> = {
  "node-exporter": {
    provenBy: "scraped from node_exporter (scripts/versions.env) on 127.0.0.1",
    metrics: [
      "node_boot_time_seconds", "node_cpu_seconds_total", "node_disk_io_time_seconds_total", "node_disk_read_bytes_total",
      "node_disk_written_bytes_total", "node_filesystem_avail_bytes", "node_filesystem_readonly", "node_filesystem_size_bytes",
      "node_load1", "node_load5", "node_load15", "node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes",
      "node_network_receive_bytes_total", "node_network_receive_drop_total", "node_network_receive_errs_total",
      "node_network_transmit_bytes_total", "node_network_transmit_drop_total", "node_network_transmit_errs_total", "node_uname_info",
      // The timex collector (on by default): the kernel's NTP state.
      "node_timex_maxerror_seconds", "node_timex_offset_seconds", "node_timex_sync_status",
    ],
  },
  cadvisor: {
    provenBy: "named in the metric definitions (metrics/prometheus.go) of github.com/google/cadvisor at the pinned image's version",
    metrics: [
      "container_cpu_cfs_periods_total", "container_cpu_cfs_throttled_periods_total", "container_cpu_usage_seconds_total",
      "container_memory_working_set_bytes", "container_network_receive_bytes_total", "container_network_transmit_bytes_total",
      "container_network_receive_packets_total", "container_network_transmit_packets_total", "container_network_receive_packets_dropped_total",
      "container_network_transmit_packets_dropped_total", "container_network_receive_errors_total", "container_network_transmit_errors_total",
    ],
  },
  "kube-state-metrics": {
    provenBy: "named in the metric stores (internal/store) of k8s.io/kube-state-metrics/v2 at the pinned image's version",
    metrics: [
      ...new Set([
        "kube_namespace_status_phase", "kube_node_status_allocatable", "kube_pod_container_resource_limits",
        "kube_pod_container_resource_requests", "kube_pod_container_status_restarts_total", "kube_pod_info",
        "kube_pod_owner", "kube_replicaset_owner", "kube_pod_status_phase", "kube_pod_container_status_last_terminated_reason",
        "kube_node_spec_unschedulable", "kube_node_status_capacity", "kube_node_status_condition", "kube_persistentvolume_status_phase",
        ...Object.keys(kubeStateMetricsLabels),
      ]),
    ],
  },
  // The kubelet's and API server's own /metrics (the kubelet and apiserver jobs), histograms as their series.
  kubelet: {
    provenBy: "listed in test/instrumentation/documentation/documentation-list.yaml of k8s.io/kubernetes at KUBERNETES_VERSION (scripts/versions.env)",
    metrics: [
      "kubelet_certificate_manager_client_expiration_renew_errors", "kubelet_certificate_manager_client_ttl_seconds", "kubelet_running_pods",
      "kubelet_volume_stats_available_bytes", "kubelet_volume_stats_capacity_bytes", "kubelet_volume_stats_inodes", "kubelet_volume_stats_inodes_free",
      "kubelet_volume_stats_inodes_used", "kubelet_volume_stats_used_bytes",
    ],
  },
  "kube-apiserver": {
    provenBy: "listed in test/instrumentation/documentation/documentation-list.yaml of k8s.io/kubernetes at KUBERNETES_VERSION (scripts/versions.env)",
    metrics: [
      "aggregator_unavailable_apiservice", "aggregator_unavailable_apiservice_total", "apiserver_client_certificate_expiration_seconds_bucket", "apiserver_request_duration_seconds_bucket",
      "apiserver_request_total",
    ],
  },
  "blackbox-exporter": {
    provenBy: "returned by a real blackbox_exporter probe on 127.0.0.1",
    metrics: ["probe_success", "probe_duration_seconds", "probe_http_status_code"],
  },
  prometheus: {
    provenBy: "scraped from a real Prometheus (with the rendered rules and an Alertmanager) on 127.0.0.1; up and scrape_* are what it records per target",
    metrics: [
      "up", "scrape_duration_seconds", "scrape_samples_post_metric_relabeling", "scrape_samples_scraped",
      "prometheus_config_last_reload_successful", "prometheus_notifications_alertmanagers_discovered", "prometheus_notifications_dropped_total",
      "prometheus_notifications_errors_total", "prometheus_notifications_queue_length", "prometheus_notifications_sent_total",
      "prometheus_rule_evaluation_failures_total", "prometheus_rule_group_interval_seconds", "prometheus_rule_group_iterations_missed_total",
      "prometheus_rule_group_last_duration_seconds", "prometheus_tsdb_head_samples_appended_total", "prometheus_tsdb_head_series",
    ],
  },
  alertmanager: {
    provenBy: "scraped from a real Alertmanager with the rendered configuration on 127.0.0.1; the gossip cluster's series from prod's three peers (test/loopback/alerting-faults.ts)",
    metrics: [
      "alertmanager_cluster_members", "alertmanager_config_last_reload_successful", "alertmanager_notifications_failed_total", "alertmanager_notifications_total",
    ],
  },
  "ml-model-exporter": {
    provenBy: "rendered by the exporter's own code (exporters/ml-model/src) from its test fixture snapshot",
    metrics: [
      "ml_model_accuracy", "ml_model_precision", "ml_model_recall", "ml_model_f1_score", "ml_training_duration_seconds",
      "ml_training_failures_total", "ml_inference_duration_seconds_bucket", "ml_inference_duration_seconds_sum",
      "ml_inference_duration_seconds_count", "ml_predictions_total", "ml_data_drift_score",
      "ml_exporter_up", "ml_exporter_data_age_seconds", "ml_exporter_series", "ml_exporter_series_limit",
    ],
  },
  "novacron-services": {
    provenBy: "the metric contract in README.md (the services' obligation; a test checks the two lists agree)",
    metrics: [
      "http_requests_total", "http_request_duration_seconds_bucket", "http_request_duration_seconds_sum", "http_request_duration_seconds_count",
      "novacron_vm_creation_failures_total", "novacron_migration_failures_total",
      "novacron_db_query_duration_seconds_bucket", "novacron_db_query_duration_seconds_sum", "novacron_db_query_duration_seconds_count",
      "go_sql_in_use_connections", "go_sql_idle_connections", "go_sql_max_open_connections", "go_sql_wait_duration_seconds_total",
      // The ML pipeline service exposes the ML series too (the seed's ML Pipeline job on :8000).
      "ml_training_failures_total", "ml_inference_duration_seconds_bucket", "ml_predictions_total",
    ],
  },
  "elasticsearch-exporter": {
    provenBy: "named in the expected exposition (# TYPE lines) of the collectors' tests of github.com/prometheus-community/elasticsearch_exporter at the pinned image's version",
    metrics: [
      "elasticsearch_cluster_health_status", "elasticsearch_cluster_health_number_of_nodes", "elasticsearch_cluster_health_number_of_data_nodes",
      "elasticsearch_cluster_health_unassigned_shards", "elasticsearch_filesystem_data_available_bytes", "elasticsearch_filesystem_data_size_bytes",
      "elasticsearch_clustersettings_allocation_watermark_low_ratio", "elasticsearch_clustersettings_allocation_watermark_high_ratio",
      "elasticsearch_clustersettings_allocation_watermark_flood_stage_ratio", "elasticsearch_jvm_memory_used_bytes", "elasticsearch_jvm_memory_max_bytes",
      "elasticsearch_indices_indexing_index_total",
    ],
  },
  // Logstash has no Prometheus endpoint: these are our own json_exporter config's names (job `logstash`).
  logstash: {
    provenBy:
      "scraped from the pinned json_exporter binary on 127.0.0.1 running our rendered config against Elastic's documented /_node/stats and /_node/stats/pipelines examples (test/e2e/logstash-metrics.test.ts); that Logstash 9.4.3 itself emits those fields is not proven here",
    metrics: Object.values(logstashMetrics),
  },
  // Loki is AGPL: never built or linked here. Its names are read from the text of its source at the pinned tag
  // (and from grafana/dskit, Apache-2.0, whose HTTP server Loki runs under its own metrics namespace).
  loki: {
    provenBy: "read (not built) from the source text of github.com/grafana/loki/v3 at the pinned image's version, and of the grafana/dskit version its go.mod pins",
    metrics: [
      "loki_request_duration_seconds_bucket", "loki_request_duration_seconds_count", "loki_discarded_samples_total", "loki_distributor_lines_received_total",
    ],
  },
  alloy: {
    provenBy: "named in loki.write's client metrics (internal/component/common/loki/client) of github.com/grafana/alloy at the pinned image's version",
    metrics: [
      "loki_write_sent_entries_total", "loki_write_dropped_entries_total", "loki_write_request_duration_seconds_bucket",
      "loki_write_request_duration_seconds_count", "loki_write_batch_retries_total",
    ],
  },
  jaeger: {
    provenBy: "scraped from the pinned Jaeger v2 binary on 127.0.0.1 after it received and stored a span (test/e2e/jaeger.test.ts)",
    metrics: [
      "otelcol_receiver_accepted_spans_total", "otelcol_receiver_refused_spans_total", "otelcol_exporter_sent_spans_total",
      "otelcol_exporter_send_failed_spans_total", "otelcol_process_memory_rss_bytes",
    ],
  },
  // Grafana is AGPL and its source is not on the Go module proxy at its tags (its go.mod path has no /v12):
  // the name comes from Grafana's documentation of its internal metrics.
  grafana: {
    provenBy: "Grafana's documented HTTP metric (a histogram by handler, status_code and method), declared in pkg/middleware/request_metrics.go of grafana/grafana; read, never built",
    metrics: ["grafana_http_request_duration_seconds_bucket", "grafana_http_request_duration_seconds_count"],
  },
  "prometheus-rules": {
    provenBy: "recorded by the alert catalog's recording rules, and ALERTS, which Prometheus writes for every pending or firing alert",
    metrics: ["ALERTS", ...recordingRules.map((r) => r.record)],
  },
  // ECK is under the Elastic License 2.0: never built or linked here. Its go.mod is read for the
  // controller-runtime version it pins, whose (Apache-2.0) source declares these names.
  "eck-operator": {
    provenBy: "declared in the source of sigs.k8s.io/controller-runtime at the version the go.mod of github.com/elastic/cloud-on-k8s/v3 pins at the chart's version (ECK_CHART); ECK read, never built",
    metrics: [
      "controller_runtime_reconcile_total", "controller_runtime_reconcile_errors_total", "controller_runtime_reconcile_time_seconds_bucket",
      "workqueue_depth", "workqueue_longest_running_processor_seconds", "workqueue_queue_duration_seconds_bucket",
    ],
  },
  thanos: {
    provenBy: "scraped from each role (sidecar, Query, Store Gateway, compactor) of the pinned thanos binary (scripts/versions.env) on 127.0.0.1",
    metrics: [...new Set(Object.values(thanosMetricsByRole).flat())],
  },
};

/** Every metric name some part of the stack exports, with the sources exporting it. */
export function exportedMetrics(): Map<string, MetricSource[]> {
  const exported = new Map<string, MetricSource[]>();
  for (const [source, entry] of Object.entries(metricInventory) as [MetricSource, InventoryEntry][]) {
    for (const metric of entry.metrics) exported.set(metric, [...(exported.get(metric) ?? []), source]);
  }
  return exported;
}
