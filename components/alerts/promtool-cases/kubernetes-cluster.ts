// promtool cases of the Kubernetes storage, node and control-plane alerts (rules/kubernetes-cluster.ts).
// Series carry the labels the scrape jobs attach (render-config.ts: the kubelet job names `instance` and
// `node` after the node; kube-state-metrics keeps the objects' own labels).
import { durationSeconds, formatDuration } from "../../units";
import { clusterJobs, CLOCK_MAXERROR_UNSYNCED_SECONDS, clusterWindows } from "../rules/kubernetes-cluster";
import { failureWindows } from "../rules/selectors";
import { AlertRule, AlertTestCase, AlertTestSeries } from "../types";
import {
  aboveThresholdCases,
  CaseBuilder,
  constant,
  counter,
  counterAbove,
  countingCases,
  failureRatioScenario,
  gaugeCases,
  Labels,
  num,
  sampled,
  Scenario,
  SCRAPE_INTERVAL_SECONDS,
  seriesSelector,
  sustainedCases,
  thresholdOf,
  zeroCases,
} from "./series";

const NODE = "node-1";
const kubelet: Labels = { instance: NODE, job: clusterJobs.kubelet, node: NODE };
const ksm: Labels = { instance: "kube-state-metrics:8080", job: clusterJobs.kubeStateMetrics };
const volume: Labels = { ...kubelet, namespace: "novacron", persistentvolumeclaim: "data-postgres-0" };
const nodeExporter: Labels = { instance: NODE, job: clusterJobs.node };
const rootFs: Labels = { ...nodeExporter, device: "/dev/nvme0n1p1", fstype: "ext4", mountpoint: "/" };
const ready: Labels = { ...ksm, node: NODE, condition: "Ready", status: "true" };
const apiServer = (instance = "10.0.0.1:6443"): Labels => ({ instance, job: clusterJobs.apiServer });

/** Bytes (or inodes) of the volumes in the cases: large enough that 0.1% of them is a whole number. */
const CAPACITY = 10_000_000;
/** Samples every series below spans: past the longest evaluation (`for` of at most 1h plus the quiet cases' 5m). */
const SAMPLES = (2 * 3600) / SCRAPE_INTERVAL_SECONDS;

/** The fewest units of `capacity` whose share is not below `threshold`, as Prometheus divides. */
function atThreshold(threshold: number, capacity: number): number {
  let units = Math.ceil(threshold * capacity);
  while (units / capacity < threshold) units++;
  while (units > 0 && (units - 1) / capacity >= threshold) units--;
  return units;
}

/** A gauge that starts at `start` and changes by `perScrape` (whole numbers: exact in promtool's expansion). */
function linear(metric: string, labels: Labels, start: number, perScrape: number): AlertTestSeries {
  return { series: seriesSelector(metric, labels), values: `${num(start)}${perScrape < 0 ? "-" : "+"}${num(Math.abs(perScrape))}x${SAMPLES}` };
}

/** A volume or filesystem's series for a free amount that starts at `start` and falls by `fallPerScrape`. */
type FreeSeries = (start: number, fallPerScrape: number) => AlertTestSeries[];

/**
 * Cases of "low on free space and predicted full within the horizon": a steady fall that empties the volume
 * within the horizon fires; the same low share without a fall, and a fall that has reached exactly the
 * threshold at the evaluation, stay quiet.
 */
function predictedFullCases(alert: AlertRule, horizonSeconds: number, free: FreeSeries, labels: Labels): AlertTestCase[] {
  const atT = atThreshold(thresholdOf(alert), CAPACITY);
  const under = atT - 1;
  // Falls twice the free space within the horizon, and keeps some for the 2 hours of the series.
  const fall = Math.ceil((2 * under) / (horizonSeconds / SCRAPE_INTERVAL_SECONDS));
  const cases = sustainedCases({
    for: alert.for,
    activeFrom: SCRAPE_INTERVAL_SECONDS, // predict_linear needs two samples
    breach: { what: `free space is just under the threshold and falls ${fall} per scrape`, series: free(under, fall) },
    normal: [{ what: "free space is just under the threshold but steady", series: free(under, 0) }],
    labels,
  });
  // Falling all along and reaching exactly the threshold at the evaluation: never below it.
  const evalSeconds = SCRAPE_INTERVAL_SECONDS + durationSeconds(alert.for) + 5 * 60;
  cases.push({
    description: "quiet when falling free space reaches exactly the threshold",
    series: free(atT + fall * (evalSeconds / SCRAPE_INTERVAL_SECONDS), fall),
    evalTime: formatDuration(evalSeconds),
    fires: false,
  });
  return cases;
}

/** A PersistentVolume's byte (or inode) series with `free` of CAPACITY left. */
function volumeSeries(names: { free: string; total: string; used: string }, start: number, fallPerScrape: number, used = true): AlertTestSeries[] {
  return [
    linear(names.free, volume, start, -fallPerScrape),
    constant(names.total, volume, CAPACITY),
    used ? linear(names.used, volume, CAPACITY - start, fallPerScrape) : constant(names.used, volume, 0),
  ];
}
const bytes = { free: "kubelet_volume_stats_available_bytes", total: "kubelet_volume_stats_capacity_bytes", used: "kubelet_volume_stats_used_bytes" };
const inodes = { free: "kubelet_volume_stats_inodes_free", total: "kubelet_volume_stats_inodes", used: "kubelet_volume_stats_inodes_used" };

/** Cases of "less than T free": just under fires, exactly T and an unmeasured volume (no use reported) stay quiet. */
function volumeFullCases(alert: AlertRule, names: typeof bytes): AlertTestCase[] {
  const atT = atThreshold(thresholdOf(alert), CAPACITY);
  const scenario = (free: number, used = true): Scenario => ({
    what: `${free} of ${CAPACITY} are free${used ? "" : " and the kubelet reports no use"}`,
    series: volumeSeries(names, free, 0, used),
  });
  return sustainedCases({ for: alert.for, activeFrom: 0, breach: scenario(atT - 1), normal: [scenario(atT), scenario(atT - 1, false)], labels: volume });
}

const phases = (current: string): AlertTestSeries[] =>
  ["Pending", "Available", "Bound", "Released", "Failed"].map((phase) =>
    constant("kube_persistentvolume_status_phase", { ...ksm, persistentvolume: "pvc-0a1b2c", phase }, phase === current ? 1 : 0));

const apiRequests = (failedPerHundred: number): AlertTestSeries[] => [
  counter("apiserver_request_total", { ...apiServer(), verb: "GET", resource: "pods", code: "200" }, 100 - failedPerHundred),
  counter("apiserver_request_total", { ...apiServer(), verb: "GET", resource: "pods", code: "503" }, failedPerHundred),
];

/** Cumulative bucket counters per scrape of a histogram with the given upper bounds (+Inf added). */
function histogram(metric: string, labels: Labels, bounds: number[], perScrape: number[]): AlertTestSeries[] {
  const total = perScrape[perScrape.length - 1];
  return [
    ...bounds.map((le, i) => counter(`${metric}_bucket`, { ...labels, le: num(le) }, perScrape[i])),
    counter(`${metric}_bucket`, { ...labels, le: "+Inf" }, total),
  ];
}

/** API request latencies of one verb: of `total` per scrape, `slow` take between T and 2.5·T, the rest T/2..T. */
function apiLatency(t: number, verb: string, total: number, slow: number): AlertTestSeries[] {
  return histogram("apiserver_request_duration_seconds", { ...apiServer(), verb, resource: "pods" }, [t / 2, t, 2.5 * t], [0, total - slow, total]);
}

/** Client certificates presented per scrape: `expiring` of 100 with T/2..T days left, the rest T..2T days. */
function clientCertificates(days: number, expiring: number): AlertTestSeries[] {
  const seconds = days * 86400;
  return histogram("apiserver_client_certificate_expiration_seconds", apiServer(), [seconds / 2, seconds, 2 * seconds], [0, expiring, 100]);
}

export const kubernetesClusterCases: Record<string, CaseBuilder> = {
  KubePersistentVolumeFillingUp: (alert) => volumeFullCases(alert, bytes),
  KubePersistentVolumeFillingUpPredicted: (alert) =>
    predictedFullCases(alert, clusterWindows.volumeHorizonSeconds, (start, fall) => volumeSeries(bytes, start, fall), volume),
  KubePersistentVolumeInodesFillingUp: (alert) => volumeFullCases(alert, inodes),
  KubePersistentVolumeErrors: (alert) =>
    sustainedCases({
      for: alert.for,
      activeFrom: 0,
      breach: { what: "the volume is Failed", series: phases("Failed") },
      normal: [{ what: "the volume is Bound", series: phases("Bound") }],
      labels: { ...ksm, persistentvolume: "pvc-0a1b2c", phase: "Failed" },
    }),
  KubeNodeNotReady: (alert) => zeroCases("kube_node_status_condition", ready, alert.for, "the node's Ready=true condition"),
  KubeNodeUnschedulable: (alert) => gaugeCases("kube_node_spec_unschedulable", { ...ksm, node: NODE }, alert.for, { breach: 1, normal: 0 }),
  KubeNodeReadinessFlapping: (alert) => {
    const threshold = thresholdOf(alert);
    const cases = sustainedCases({
      for: alert.for,
      // changes() counts one transition per scrape: above T from the (T+1)th scrape on.
      activeFrom: (threshold + 1) * SCRAPE_INTERVAL_SECONDS,
      breach: {
        what: "readiness changes at every scrape",
        series: [sampled("kube_node_status_condition", ready, (s) => ((s / SCRAPE_INTERVAL_SECONDS) % 2 === 0 ? 1 : 0))],
      },
      normal: [{ what: "the node stays ready", series: [constant("kube_node_status_condition", ready, 1)] }],
      labels: { node: NODE },
    });
    // Exactly T changes, then steady; evaluated while the window still holds all of them.
    cases.push({
      description: `quiet when readiness changes exactly ${threshold} times within ${clusterWindows.flapping}`,
      series: [sampled("kube_node_status_condition", ready, (s) => {
        const scrape = Math.min(s / SCRAPE_INTERVAL_SECONDS, threshold);
        return scrape % 2 === 0 ? 1 : 0;
      })],
      evalTime: formatDuration(threshold * SCRAPE_INTERVAL_SECONDS + 5 * 60),
      fires: false,
    });
    return cases;
  },
  NodeFilesystemSpaceFillingUp: (alert) =>
    predictedFullCases(
      alert,
      clusterWindows.filesystemHorizonSeconds,
      (start, fall) => [
        linear("node_filesystem_avail_bytes", rootFs, start, -fall),
        constant("node_filesystem_size_bytes", rootFs, CAPACITY),
        constant("node_filesystem_readonly", rootFs, 0),
      ],
      rootFs,
    ),
  NodeClockSkewDetected: (alert) => {
    const threshold = thresholdOf(alert);
    const above = threshold + Math.min(0.01, threshold * 0.2);
    const offset = (value: number): Scenario => ({ what: `the clock is off by ${num(value)}s and steady`, series: [constant("node_timex_offset_seconds", nodeExporter, value)] });
    const cases = sustainedCases({
      for: alert.for,
      activeFrom: SCRAPE_INTERVAL_SECONDS, // deriv() needs two samples
      breach: offset(above),
      normal: [
        offset(threshold),
        offset(-threshold),
        {
          what: `the clock is off by ${num(4 * threshold)}s but converging`,
          series: [sampled("node_timex_offset_seconds", nodeExporter, (s) => 4 * threshold - (threshold / 1000) * (s / SCRAPE_INTERVAL_SECONDS))],
        },
      ],
      labels: nodeExporter,
    });
    cases.push({
      description: `fires when the clock is behind by ${num(above)}s for ${alert.for}`,
      series: offset(-above).series,
      evalTime: formatDuration(SCRAPE_INTERVAL_SECONDS + durationSeconds(alert.for)),
      fires: true,
      expectedLabels: nodeExporter,
    });
    return cases;
  },
  NodeClockNotSynchronising: (alert) => {
    const clock = (synced: number, maxError: number): Scenario => ({
      what: `sync status is ${synced} and the maximum error ${maxError}s`,
      series: [constant("node_timex_sync_status", nodeExporter, synced), constant("node_timex_maxerror_seconds", nodeExporter, maxError)],
    });
    return sustainedCases({
      for: alert.for,
      activeFrom: 0,
      breach: clock(0, CLOCK_MAXERROR_UNSYNCED_SECONDS),
      normal: [clock(1, CLOCK_MAXERROR_UNSYNCED_SECONDS), clock(0, CLOCK_MAXERROR_UNSYNCED_SECONDS - 1)],
      labels: nodeExporter,
    });
  },
  KubeletTooManyPods: (alert) => {
    const capacity = 110;
    const threshold = thresholdOf(alert);
    let most = Math.floor(threshold * capacity);
    while ((most + 1) / capacity <= threshold) most++;
    while (most / capacity > threshold) most--;
    const pods = (running: number, podCapacity = capacity): Scenario => ({
      what: `${running} pods run of a capacity of ${podCapacity}`,
      series: [
        constant("kubelet_running_pods", kubelet, running),
        constant("kube_node_status_capacity", { ...ksm, node: NODE, resource: "pods", unit: "integer" }, podCapacity),
      ],
    });
    return sustainedCases({ for: alert.for, activeFrom: 0, breach: pods(most + 1), normal: [pods(most), pods(1, 1)], labels: { node: NODE } });
  },
  KubeletDown: (alert) => zeroCases("up", kubelet, alert.for, "the kubelet's up"),
  KubeAPIDown: (alert) =>
    sustainedCases({
      for: alert.for,
      activeFrom: 0,
      breach: { what: "the API server target is down", series: [constant("up", apiServer(), 0)] },
      normal: [{ what: "one of two API servers is down", series: [constant("up", apiServer(), 0), constant("up", apiServer("10.0.0.2:6443"), 1)] }],
      labels: {},
    }),
  KubeAPIErrorsHigh: (alert) =>
    aboveThresholdCases(alert, (ratio) => failureRatioScenario(ratio, apiRequests), { activeFrom: SCRAPE_INTERVAL_SECONDS, labels: { job: clusterJobs.apiServer } }),
  KubeAPILatencyHigh: (alert) => {
    const t = thresholdOf(alert);
    return sustainedCases({
      for: alert.for,
      activeFrom: SCRAPE_INTERVAL_SECONDS,
      breach: {
        what: `2% of LIST requests are slower than ${num(t)}s (p99 ${num(1.75 * t)}s) while GETs stay fast`,
        series: [...apiLatency(t, "LIST", 100, 2), ...apiLatency(t, "GET", 100, 0)],
      },
      normal: [
        { what: `0.5% of LIST requests are slower than ${num(t)}s (p99 just under it)`, series: apiLatency(t, "LIST", 200, 1) },
        { what: "every WATCH stays open longer (long-running by design)", series: apiLatency(t, "WATCH", 100, 100) },
      ],
      labels: { job: clusterJobs.apiServer, verb: "LIST" },
    });
  },
  KubeClientCertificateExpiration: (alert) => {
    const days = thresholdOf(alert);
    return sustainedCases({
      for: alert.for,
      activeFrom: SCRAPE_INTERVAL_SECONDS,
      breach: { what: `2% of client certificates have under ${num(days)} days left`, series: clientCertificates(days, 2) },
      normal: [{ what: `every client certificate has over ${num(days)} days left`, series: clientCertificates(days, 0) }],
      labels: apiServer(),
    });
  },
  KubeletClientCertificateExpiration: (alert) => {
    const atT = atThreshold(thresholdOf(alert), 86400);
    return [
      ...gaugeCases("kubelet_certificate_manager_client_ttl_seconds", kubelet, alert.for, { breach: atT - 60, normal: atT }),
      {
        description: "quiet when the kubelet has no rotating client certificate (+Inf)",
        series: [{ series: seriesSelector("kubelet_certificate_manager_client_ttl_seconds", kubelet), values: `+Inf+0x${SAMPLES}` }],
        evalTime: formatDuration(durationSeconds(alert.for) + 5 * 60),
        fires: false,
      },
    ];
  },
  KubeletClientCertificateRenewalErrors: (alert) => {
    const metric = "kubelet_certificate_manager_client_expiration_renew_errors";
    return sustainedCases({
      for: alert.for,
      activeFrom: SCRAPE_INTERVAL_SECONDS,
      breach: { what: "renewals keep failing", series: [counterAbove(metric, kubelet, 0, clusterWindows.apiServer)] },
      normal: [
        { what: "no renewal fails", series: [counter(metric, kubelet, 0)] },
        // One failure holds the condition for as long as the window keeps it: quiet only when `for` is longer.
        ...(durationSeconds(alert.for) > durationSeconds(clusterWindows.apiServer) + SCRAPE_INTERVAL_SECONDS
          ? [{ what: "a single renewal failed once", series: [sampled(metric, kubelet, (s) => (s >= 60 ? 1 : 0))] }]
          : []),
      ],
      labels: kubelet,
    });
  },
  KubeAggregatedAPIErrors: (alert) =>
    countingCases({
      metric: "aggregator_unavailable_apiservice_total",
      labels: { ...apiServer(), name: "v1beta1.metrics.k8s.io" },
      split: { label: "reason", values: ["MissingEndpoints", "FailedDiscoveryCheck"] },
      threshold: thresholdOf(alert),
      window: failureWindows.KubeAggregatedAPIErrors,
      for: alert.for,
      expectedLabels: { name: "v1beta1.metrics.k8s.io" },
    }),
  KubeAggregatedAPIDown: (alert) => {
    const service = "v1beta1.metrics.k8s.io";
    const unavailable = (first: number, second: number): Scenario => ({
      what: `the two API servers report ${service} unavailable ${first}/${second}`,
      series: [
        constant("aggregator_unavailable_apiservice", { ...apiServer(), name: service }, first),
        constant("aggregator_unavailable_apiservice", { ...apiServer("10.0.0.2:6443"), name: service }, second),
      ],
    });
    return sustainedCases({ for: alert.for, activeFrom: 0, breach: unavailable(1, 0), normal: [unavailable(0, 0)], labels: { name: service } });
  },
};
