// Thanos watching itself (domain stack, only when the stack runs Thanos): sidecars shipping blocks, the
// compactor keeping the bucket compacted, downsampled and within retention, the object store answering, and
// Query and the Store Gateway serving Grafana. Learnt from the thanos-io/thanos mixin, written for this stack:
// every expression selects on the role's scrape job (Query's http_requests_total shares its name with the
// NovaCron services' metric), ratios are per role instance, and the counters the compactor only bumps once
// per pass are read over windows that span several passes.
import { durationSeconds } from "../../units";
import { CatalogScope } from "../scope";
import { AlertThresholds } from "../thresholds";
import { AlertRule } from "../types";
import { grpcServerErrorCodes, rateWindows, thanosCompactorPassWindow, thanosJobs, thanosUploadDeadline } from "./selectors";

/** `sum by (job, instance) (rate(metric{selector}[window]))`: one series per role instance. */
const perInstanceRate = (metric: string, selector: string, window: string) => `sum by (job, instance) (rate(${metric}{${selector}}[${window}]))`;

export function thanosRules(t: AlertThresholds, scope: CatalogScope): AlertRule[] {
  if (!scope.thanos) return [];
  const stack = { domain: "stack" as const };
  const window = rateWindows.stack;
  const job = (role: keyof typeof thanosJobs) => `job="${thanosJobs[role]}"`;
  const bucketJobs = `job=~"${[thanosJobs.sidecar, thanosJobs.store, thanosJobs.compact].join("|")}"`;
  const storeApiJobs = `job=~"${[thanosJobs.sidecar, thanosJobs.store].join("|")}"`;
  const serverErrors = `grpc_code=~"${grpcServerErrorCodes.join("|")}"`;
  const uploadDeadline = durationSeconds(thanosUploadDeadline);

  return [
    {
      ...stack,
      name: "ThanosSidecarPrometheusDown",
      severity: "warning",
      expr: `thanos_sidecar_prometheus_up{${job("sidecar")}} == 0`,
      // The sidecar checks its Prometheus every 30s; 5m rides over a Prometheus restart replaying its WAL.
      for: "5m",
      summary: "Thanos sidecar {{ $labels.instance }} cannot reach its Prometheus",
      description:
        "The Thanos sidecar {{ $labels.instance }} has not reached the Prometheus in its pod: Query gets no recent data from this replica and no new blocks are uploaded from it. The other replica covers queries meanwhile.",
    },
    {
      ...stack,
      name: "ThanosSidecarUploadsFailing",
      severity: "warning",
      threshold: t.ThanosSidecarUploadsFailing,
      expr: `increase(thanos_shipper_upload_failures_total{${job("sidecar")}}[${window}]) > ${t.ThanosSidecarUploadsFailing}`,
      // The shipper retries a failed block every 30s: 15m of failures is a broken bucket or identity, not a blip.
      for: "15m",
      summary: "Thanos sidecar {{ $labels.instance }} fails to upload blocks",
      description:
        "The Thanos sidecar {{ $labels.instance }} keeps failing to upload blocks to object storage. The blocks stay on Prometheus' disk until local retention deletes them, and with them the only copy of that history.",
    },
    {
      ...stack,
      name: "ThanosSidecarNoRecentUpload",
      severity: "warning",
      // The upload time is 0 until a sidecar's first upload: only a sidecar running longer than the deadline counts.
      expr: `(time() - max by (job, instance) (thanos_objstore_bucket_last_successful_upload_time{${job("sidecar")}}) > ${uploadDeadline}) and on (job, instance) (time() - process_start_time_seconds{${job("sidecar")}} > ${uploadDeadline})`,
      // A large block can take minutes to upload.
      for: "10m",
      summary: `Thanos sidecar {{ $labels.instance }} has uploaded no block for ${thanosUploadDeadline}`,
      description:
        "Prometheus cuts a block every 2 hours, yet the Thanos sidecar {{ $labels.instance }} has uploaded none for longer than the deadline: long-term storage is falling behind, and Query over older data misses this replica.",
    },
    {
      ...stack,
      name: "ThanosCompactorHalted",
      severity: "warning",
      expr: `thanos_compact_halted{${job("compact")}} == 1`,
      for: "5m",
      summary: "Thanos compactor {{ $labels.instance }} has halted",
      description:
        "The Thanos compactor {{ $labels.instance }} met an error it will not retry (overlapping or corrupt blocks) and stopped: nothing is compacted, downsampled or deleted by retention until a human fixes the bucket.",
      inhibits: ["ThanosCompactorFailing"],
      inhibitEqual: ["job", "instance"],
    },
    {
      ...stack,
      name: "ThanosCompactorFailing",
      severity: "warning",
      // thanos_compact_iterations_total only counts passes in which compaction, downsampling and retention all
      // succeeded: a retried error, a crash (retention or downsampling errors exit the process) or a halt all
      // leave it flat.
      expr: `increase(thanos_compact_iterations_total{${job("compact")}}[${thanosCompactorPassWindow}]) == 0`,
      // A busy pass over large blocks can run long; 30m more keeps this to a compactor that is really stuck.
      for: "30m",
      summary: "Thanos compactor {{ $labels.instance }} completes no passes",
      description:
        "The Thanos compactor {{ $labels.instance }} has not completed a pass (compaction, downsampling and retention) within the last hour and for longer: it fails, crash-loops or is stuck. The bucket grows, long-range queries slow down and retention is not applied.",
    },
    {
      ...stack,
      name: "ThanosBucketOperationsFailing",
      severity: "warning",
      threshold: t.ThanosBucketOperationsFailing,
      expr: `${perInstanceRate("thanos_objstore_bucket_operation_failures_total", bucketJobs, window)} / ${perInstanceRate("thanos_objstore_bucket_operations_total", bucketJobs, window)} > ${t.ThanosBucketOperationsFailing}`,
      // Object stores throttle and fail a few requests in bursts that the clients retry; 15m is not a burst.
      for: "15m",
      summary: "{{ $labels.job }} {{ $labels.instance }} fails object storage operations",
      description:
        "More of {{ $labels.job }} {{ $labels.instance }}'s object storage operations fail than the threshold allows: check the bucket, the workload identity and the cloud's status.",
    },
    {
      ...stack,
      name: "ThanosStoreGatewayGrpcErrors",
      severity: "warning",
      threshold: t.ThanosStoreGatewayGrpcErrors,
      expr: `sum by (job, instance) (rate(grpc_server_handled_total{${job("store")}, ${serverErrors}}[${window}])) / ${perInstanceRate("grpc_server_started_total", job("store"), window)} > ${t.ThanosStoreGatewayGrpcErrors}`,
      for: "5m",
      summary: "Thanos Store Gateway {{ $labels.instance }} fails requests",
      description:
        "More of Store Gateway {{ $labels.instance }}'s gRPC requests (Series, label names and values) fail than the threshold allows: queries over data older than Prometheus' local retention return errors or partial results.",
    },
    {
      ...stack,
      name: "ThanosQueryHttpErrors",
      severity: "warning",
      threshold: t.ThanosQueryHttpErrors,
      expr: `sum by (job, instance) (rate(http_requests_total{${job("query")}, code=~"5.."}[${window}])) / ${perInstanceRate("http_requests_total", job("query"), window)} > ${t.ThanosQueryHttpErrors}`,
      for: "5m",
      summary: "Thanos Query {{ $labels.instance }} answers requests with errors",
      description:
        "More of Thanos Query {{ $labels.instance }}'s HTTP API requests end in 5xx than the threshold allows: Grafana's panels fail or show nothing. Alerting is not affected (Prometheus evaluates its rules itself).",
    },
    {
      ...stack,
      name: "ThanosQueryStoreApiErrors",
      severity: "warning",
      threshold: t.ThanosQueryStoreApiErrors,
      expr: `sum by (job, instance) (rate(grpc_client_handled_total{${job("query")}, ${serverErrors}}[${window}])) / ${perInstanceRate("grpc_client_started_total", job("query"), window)} > ${t.ThanosQueryStoreApiErrors}`,
      for: "5m",
      summary: "Thanos Query {{ $labels.instance }} gets errors from its store endpoints",
      description:
        "More of Thanos Query {{ $labels.instance }}'s calls to sidecars and Store Gateways fail than the threshold allows: query results are partial (a replica's or the bucket's data is missing from them).",
    },
    {
      ...stack,
      name: "ThanosQueryStoreEndpointsMissing",
      severity: "warning",
      // Query's connected endpoints (0 when it has none and so no series) against the StoreAPI servers
      // Prometheus scrapes as up: one that is up but not connected is lost to Query (DNS, NetworkPolicy, TLS).
      expr: `(sum by (job, instance) (thanos_store_nodes_grpc_connections{${job("query")}}) or sum by (job, instance) (0 * (up{${job("query")}} == 1))) < on () group_left () count(up{${storeApiJobs}} == 1)`,
      // Query refreshes its endpoints every 30s; 10m rides over a rollout of the sidecars or Store Gateways.
      for: "10m",
      summary: "Thanos Query {{ $labels.instance }} is missing store endpoints",
      description:
        "Thanos Query {{ $labels.instance }} is connected to fewer sidecars and Store Gateways than are up: its answers silently lack the data of the missing ones (a Prometheus replica, or everything older than local retention).",
    },
  ];
}
