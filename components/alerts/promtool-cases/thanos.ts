// promtool cases of the Thanos alerts (rules/thanos.ts).
import { serviceJob } from "../../prometheus/contract";
import { durationSeconds } from "../../units";
import { rateWindows, thanosUploadDeadline } from "../rules/selectors";
import { AlertTestSeries } from "../types";
import {
  aboveThresholdCases,
  CaseBuilder,
  constant,
  counter,
  failureCountCases,
  failureRatioScenario,
  gaugeCases,
  Labels,
  nearThreshold,
  pct,
  sampled,
  Scenario,
  SCRAPE_INTERVAL_SECONDS,
  sustainedCases,
  thresholdOf,
  zeroCases,
} from "./series";
import { thanos } from "./targets";

const sidecar = thanos("sidecar");
const compactor = thanos("compact");
const storeGateway = thanos("store");
const query = thanos("query");
const bucket = { bucket: "novacron-thanos-prod" };

/** Object storage operations of the sidecar per scrape, 100 in all over two operations; failures on uploads. */
const bucketOperations = (failedPerHundred: number): AlertTestSeries[] => [
  counter("thanos_objstore_bucket_operations_total", { ...sidecar, ...bucket, operation: "upload" }, 60),
  counter("thanos_objstore_bucket_operations_total", { ...sidecar, ...bucket, operation: "exists" }, 40),
  counter("thanos_objstore_bucket_operation_failures_total", { ...sidecar, ...bucket, operation: "upload" }, failedPerHundred),
  counter("thanos_objstore_bucket_operation_failures_total", { ...sidecar, ...bucket, operation: "exists" }, 0),
];

/** gRPC calls per scrape (100 started), `failed` of them ending with `code`, the rest OK. */
const grpcCalls = (side: "server" | "client", target: Labels, method: Labels, code: string, failed: number): AlertTestSeries[] => [
  counter(`grpc_${side}_started_total`, { ...target, ...method }, 100),
  counter(`grpc_${side}_handled_total`, { ...target, ...method, grpc_code: code }, failed),
  counter(`grpc_${side}_handled_total`, { ...target, ...method, grpc_code: "OK" }, 100 - failed),
];
const series = { grpc_service: "thanos.Store", grpc_method: "Series", grpc_type: "server_stream" };

/** Cases of a gRPC error-ratio alert: just over and under the threshold with a server error, and cancellations (the client's doing) far over it. */
const grpcErrorCases = (side: "server" | "client", target: Labels): CaseBuilder => (alert) => {
  const { above, below } = nearThreshold(thresholdOf(alert));
  const failing = (code: string, ratio: number): Scenario => ({
    what: `${pct(ratio)} of Series calls end ${code}`,
    series: grpcCalls(side, target, series, code, ratio * 100),
  });
  return sustainedCases({
    for: alert.for,
    activeFrom: SCRAPE_INTERVAL_SECONDS,
    breach: failing("Unavailable", above),
    normal: [failing("Internal", below), failing("Canceled", 0.5)],
    labels: target,
  });
};

/** Query's HTTP API requests per scrape (100), `failed` of them 500; the same for a NovaCron service in `other`. */
const httpRequests = (job: Labels, failed: number): AlertTestSeries[] => [
  counter("http_requests_total", { ...job, handler: "query_range", method: "get", code: "200" }, 100 - failed),
  counter("http_requests_total", { ...job, handler: "query_range", method: "get", code: "500" }, failed),
];
const novacronApi: Labels = { instance: "api-0:8080", job: serviceJob("api") };

/** Query's connections per store type, and which StoreAPI targets Prometheus scrapes as up. */
const endpoints = (what: string, connected: { sidecar: number; store: number } | undefined, up: { sidecars: number[]; stores: number[] }): Scenario => ({
  what,
  series: [
    constant("up", query, 1),
    ...up.sidecars.map((value, i) => constant("up", thanos("sidecar", i), value)),
    ...up.stores.map((value, i) => constant("up", thanos("store", i), value)),
    ...(connected
      ? [
          constant("thanos_store_nodes_grpc_connections", { ...query, external_labels: '{cluster=\\"prod\\"}', store_type: "sidecar" }, connected.sidecar),
          constant("thanos_store_nodes_grpc_connections", { ...query, external_labels: "no_external_labels", store_type: "store" }, connected.store),
        ]
      : []),
  ],
});

export const thanosCases: Record<string, CaseBuilder> = {
  ThanosSidecarPrometheusDown: (alert) => zeroCases("thanos_sidecar_prometheus_up", sidecar, alert.for, "thanos_sidecar_prometheus_up"),
  ThanosSidecarUploadsFailing: (alert) => failureCountCases(alert, "thanos_shipper_upload_failures_total", sidecar, rateWindows.stack,
    { failing: "uploads keep failing", none: "no upload fails", once: "a single upload failed once" }),
  ThanosSidecarNoRecentUpload: (alert) => {
    // promtool's time() starts at 0: ages are made with timestamps before it.
    const deadline = durationSeconds(thanosUploadDeadline);
    const running = constant("process_start_time_seconds", sidecar, -2 * deadline);
    const lastUpload = (valueAt: (s: number) => number) => sampled("thanos_objstore_bucket_last_successful_upload_time", { ...sidecar, ...bucket }, valueAt);
    return sustainedCases({
      for: alert.for,
      activeFrom: SCRAPE_INTERVAL_SECONDS,
      breach: { what: `the last upload was ${thanosUploadDeadline} before the start, and none since`, series: [running, lastUpload(() => -deadline)] },
      normal: [
        { what: `the last upload is always exactly ${thanosUploadDeadline} old`, series: [running, lastUpload((s) => s - deadline)] },
        {
          what: `a sidecar started less than ${thanosUploadDeadline} ago has not uploaded yet (upload time 0)`,
          series: [constant("process_start_time_seconds", sidecar, 0), lastUpload(() => -1e9)],
        },
      ],
      labels: sidecar,
    });
  },
  ThanosCompactorHalted: (alert) => gaugeCases("thanos_compact_halted", compactor, alert.for, { breach: 1, normal: 0 }),
  ThanosCompactorFailing: (alert) =>
    sustainedCases({
      for: alert.for,
      activeFrom: SCRAPE_INTERVAL_SECONDS,
      breach: { what: "no pass completes", series: [counter("thanos_compact_iterations_total", compactor, 0)] },
      normal: [{ what: "a pass completes every 5 minutes", series: [sampled("thanos_compact_iterations_total", compactor, (s) => Math.floor(s / 300))] }],
      labels: compactor,
    }),
  ThanosBucketOperationsFailing: (alert) =>
    aboveThresholdCases(alert, (ratio) => failureRatioScenario(ratio, bucketOperations), { activeFrom: SCRAPE_INTERVAL_SECONDS, labels: sidecar }),
  ThanosStoreGatewayGrpcErrors: grpcErrorCases("server", storeGateway),
  ThanosQueryStoreApiErrors: grpcErrorCases("client", query),
  ThanosQueryHttpErrors: (alert) => {
    const { above, below } = nearThreshold(thresholdOf(alert));
    return sustainedCases({
      for: alert.for,
      activeFrom: SCRAPE_INTERVAL_SECONDS,
      breach: { what: `${pct(above)} of Query's requests end 500`, series: httpRequests(query, above * 100) },
      normal: [
        { what: `${pct(below)} of Query's requests end 500`, series: httpRequests(query, below * 100) },
        // The services' metric has the same name: only the job tells them apart.
        { what: "a NovaCron service's http_requests_total has 50% errors, Query none", series: [...httpRequests(query, 0), ...httpRequests(novacronApi, 50)] },
      ],
      labels: query,
    });
  },
  ThanosQueryStoreEndpointsMissing: (alert) => {
    const all = { sidecars: [1, 1], stores: [1] };
    const cases = sustainedCases({
      for: alert.for,
      activeFrom: 0,
      breach: endpoints("Query is connected to one of two sidecars that are up", { sidecar: 1, store: 1 }, all),
      normal: [
        endpoints("Query is connected to every sidecar and Store Gateway", { sidecar: 2, store: 1 }, all),
        endpoints("a sidecar is down and Query is connected to the rest", { sidecar: 1, store: 1 }, { sidecars: [1, 0], stores: [1] }),
      ],
      labels: query,
    });
    // With no endpoint at all Query has no connection series: that must fire too.
    const none = endpoints("Query is connected to nothing", undefined, all);
    const firing = cases[0];
    return [...cases, { ...firing, description: `fires when ${none.what} for ${alert.for}`, series: none.series }];
  },
};
