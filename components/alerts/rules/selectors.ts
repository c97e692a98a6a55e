// What the rules select on and over which windows: the scrape jobs, the rate windows and the shared
// expression fragments. Rules, recordings and promtool cases all read them from here.
import { alertmanagerContract } from "../../alertmanager/contract";
import { blackboxExporterContract } from "../../blackbox-exporter/contract";
import { cadvisorContract } from "../../cadvisor/contract";
import { eckOperatorContract, elasticsearchExporterContract } from "../../elasticsearch/contract";
import { grafanaContract } from "../../grafana/contract";
import { jaegerContract } from "../../jaeger/contract";
import { logShipperContract } from "../../log-shipper/contract";
import { logstashContract } from "../../logstash/contract";
import { lokiContract } from "../../loki/contract";
import { kubeStateMetricsContract } from "../../kube-state-metrics/contract";
import { mlModelExporterContract } from "../../ml-model-exporter/contract";
import { nodeExporterContract } from "../../node-exporter/contract";
import { prometheusContract } from "../../prometheus/contract";
import { thanosContract } from "../../thanos/contract";
import { durationSeconds } from "../../units";

/** Jobs the Prometheus scrape configuration uses (each component's contract); the expressions select on them. */
export const jobs = {
  node: nodeExporterContract.job,
  prometheus: prometheusContract.job,
  alertmanager: alertmanagerContract.job,
  mlExporter: mlModelExporterContract.job,
  kubeStateMetrics: kubeStateMetricsContract.job,
  cadvisor: cadvisorContract.job,
  loki: lokiContract.job,
  logShipper: logShipperContract.job,
  jaeger: jaegerContract.job,
  elasticsearchExporter: elasticsearchExporterContract.job,
  eckOperator: eckOperatorContract.job,
  logstash: logstashContract.job,
  grafana: grafanaContract.job,
} as const;
/** Jobs scraping exporters' own metrics (node-exporter has NodeDown instead). */
export const exporterJobs = [cadvisorContract.job, kubeStateMetricsContract.job, blackboxExporterContract.job, jobs.mlExporter] as const;
/** Blackbox probe jobs: `instance` is the probed target. */
export const probeJobs = Object.values(blackboxExporterContract.probeJobs);

/**
 * Rate windows. CPU time is dense, so 1m keeps the seed's 1–2 minute durations meaningful; request and
 * inference counters move only with traffic, so 2m smooths them; the self-monitoring ratios and containers' CPU
 * throttling change slowly and use 5m, as kube-prometheus does.
 */
export const rateWindows = { cpu: "1m", traffic: "2m", stack: "5m", throttling: "5m" } as const;

/** Samples a rate window needs to be trustworthy: rate() needs two, and one lost scrape must not blind it. */
export const SAMPLES_PER_RATE_WINDOW = 4;

/** The longest scrape interval the rate windows can serve: the stack's config refuses a longer one. */
export const maxScrapeIntervalSeconds = Math.min(...Object.values(rateWindows).map(durationSeconds)) / SAMPLES_PER_RATE_WINDOW;

/**
 * Windows of the "more than N failures in W" alerts; the seed gives 5m for VMs and migrations, 10m for training;
 * an aggregated API's unavailability is counted over 10m, as kubernetes-mixin does. A container is OOM killed
 * within 10m of its restart counter rising; restarting often is counted over 30m, long enough to see a
 * crash-loop's back-off (10s doubling up to 5m) repeat several times.
 */
export const failureWindows = {
  VMCreationFailure: "5m", MigrationFailure: "5m", ModelTrainingFailure: "10m", KubeAggregatedAPIErrors: "10m",
  KubePodOOMKilled: "10m", KubeContainerRestartingOften: "30m",
} as const;

/** The scrape job of each Thanos role (components/thanos/contract.ts). */
export const thanosJobs = thanosContract.jobs;

/**
 * gRPC codes that mean the server failed, not the caller: a cancelled query (Grafana closing a panel), a bad
 * matcher or a missing block are the client's business and must not page anyone.
 */
export const grpcServerErrorCodes = ["Unknown", "ResourceExhausted", "Internal", "Unavailable", "DataLoss", "DeadlineExceeded"] as const;

/**
 * The age past which a sidecar has not shipped a block for too long. Prometheus cuts a 2h block every 2 hours
 * (the first 3 hours after start, when its head spans 1.5 blocks) and the sidecar uploads it within 30s; 4h
 * tolerates one slow cut, and is still far inside the 30-day local retention that holds the data meanwhile.
 */
export const thanosUploadDeadline = "4h";

/**
 * The compactor completes a pass (compaction, downsampling, retention) every wait interval (5m) unless a pass
 * is busy: an hour without one is a stuck or crash-looping compactor, not a slow one.
 */
export const thanosCompactorPassWindow = "1h";

/** Pseudo and image filesystems whose fullness is meaningless (or expected, like a mounted ISO). */
const pseudoFilesystems = ["tmpfs", "devtmpfs", "ramfs", "overlay", "squashfs", "nsfs", "iso9660"];
export const fsSelector = `job="${jobs.node}", fstype!~"${pseudoFilesystems.join("|")}", mountpoint!=""`;

/**
 * Failures counted over a window. increase() extrapolates to the window's edges, so 2 failures can read as
 * 2.05 and a bare `> 2` would fire; the failures are whole numbers, so rounding restores the count.
 * increase() only sees a failure if the counter series existed (at 0) before it: the metric contract has
 * services initialise their failure counters to 0 at start-up.
 */
export function failuresIn(metric: string, window: string, by: string): string {
  return `round(sum by (${by}) (increase(${metric}[${window}])))`;
}
