// A synthetic mid-size Kubernetes cluster, as the stack's exporters would show it to Prometheus: every metric of
// the inventory (components/grafana/metric-inventory.ts) that a scrape job of the stack serves, with the label
// sets those exporters really use (node, namespace, pod, container, cpu × mode, le, ...), so the rule set is
// evaluated against series shaped like a cluster's and not against a handful of hand-picked ones. A vector
// match that breaks on real label sets (duplicate series for a match group) breaks here too.
//
// Test-only: the series are data for Prometheus to evaluate rules over, served from one loopback HTTP server
// (one path per scrape job, `honor_labels` keeps the node/pod labels each series carries). The exposition text
// is written here rather than through a client library: a client would hold 100k metric objects to print what
// is a list of fixed lines with changing values.
import * as http from "http";
import { AddressInfo } from "net";
import { cadvisorWorkloadLabels } from "../../components/cadvisor/contract";
import { metricInventory, MetricSource } from "../../components/grafana/metric-inventory";
import { LOOPBACK } from "./processes";

/** How big the cluster is; everything else follows from the node count. */
export interface ClusterShape {
  nodes: number;
  podsPerNode: number;
  namespaces: number;
  /** NovaCron service pods behind each service's scrape job. */
  servicePods: number;
}

/** A cluster of `nodes` nodes with 30 pods each (kubelet's default limit is 110; 30 is a common real density). */
export function clusterShape(nodes: number): ClusterShape {
  return { nodes, podsPerNode: 30, namespaces: Math.max(4, Math.round(nodes * 0.7)), servicePods: 6 };
}

type Labels = Record<string, string>;

interface Entities {
  nodes: Labels[];
  namespaces: Labels[];
  pods: Labels[];
  containers: Labels[];
  deployments: Labels[];
  replicasets: Labels[];
  statefulsets: Labels[];
  daemonsets: Labels[];
  jobs: Labels[];
  cronjobs: Labels[];
  hpas: Labels[];
  pvcs: Labels[];
  pvs: Labels[];
  quotas: Labels[];
}

/** The objects of a cluster of this shape: deployments of 3 replicas, some StatefulSets, DaemonSets on every node. */
export function clusterEntities(shape: ClusterShape): Entities {
  const nodes = Array.from({ length: shape.nodes }, (_, i) => ({ node: `node-${i}`, instance: `10.0.${Math.floor(i / 250)}.${i % 250}:9100` }));
  const namespaces = Array.from({ length: shape.namespaces }, (_, i) => ({ namespace: `team-${i}` }));
  const daemonsets = ["node-exporter", "cadvisor", "alloy", "kube-proxy"].map((name) => ({ namespace: "kube-system", daemonset: name }));
  const totalPods = shape.nodes * shape.podsPerNode;
  const statefulsets = Array.from({ length: Math.max(1, Math.round(shape.nodes / 3)) }, (_, i) => ({ namespace: namespaces[i % namespaces.length].namespace, statefulset: `db-${i}` }));
  const workloadPods = totalPods - daemonsets.length * shape.nodes - statefulsets.length * 3;
  const deployments = Array.from({ length: Math.max(1, Math.floor(workloadPods / 3)) }, (_, i) => ({ namespace: namespaces[i % namespaces.length].namespace, deployment: `app-${i}` }));
  const replicasets = deployments.map((d, i) => ({ namespace: d.namespace, replicaset: `${d.deployment}-${(0x10000 + i).toString(16)}` }));

  const pods: Labels[] = [];
  let next = 0;
  const place = (namespace: string, pod: string, owner: Labels) => pods.push({ namespace, pod, node: nodes[next++ % nodes.length].node, uid: `uid-${pods.length}`, ...owner });
  for (const ds of daemonsets) for (const n of nodes) place(ds.namespace, `${ds.daemonset}-${n.node}`, { created_by_kind: "DaemonSet", created_by_name: ds.daemonset });
  for (const s of statefulsets) for (let r = 0; r < 3; r++) place(s.namespace, `${s.statefulset}-${r}`, { created_by_kind: "StatefulSet", created_by_name: s.statefulset });
  replicasets.forEach((rs, i) => { for (let r = 0; r < 3; r++) place(rs.namespace, `${deployments[i].deployment}-${r}`, { created_by_kind: "ReplicaSet", created_by_name: rs.replicaset }); });

  // Every third pod runs a sidecar next to its main container.
  const containers = pods.flatMap((p, i) => (i % 3 === 0 ? ["main", "sidecar"] : ["main"]).map((container) => ({
    namespace: p.namespace, pod: p.pod, container, node: p.node, image: `registry.example/${container}:1.0`,
  })));
  const jobs = Array.from({ length: Math.max(2, shape.namespaces) }, (_, i) => ({ namespace: namespaces[i % namespaces.length].namespace, job_name: `batch-${i}` }));
  const cronjobs = jobs.slice(0, Math.ceil(jobs.length / 2)).map((j, i) => ({ namespace: j.namespace, cronjob: `nightly-${i}` }));
  const hpas = deployments.filter((_, i) => i % 5 === 0).map((d) => ({ namespace: d.namespace, horizontalpodautoscaler: d.deployment }));
  const pvcs = statefulsets.flatMap((s) => [0, 1, 2].map((r) => ({ namespace: s.namespace, persistentvolumeclaim: `data-${s.statefulset}-${r}` })));
  const pvs = pvcs.map((_, i) => ({ persistentvolume: `pvc-${i}` }));
  const quotas = namespaces.map((n) => ({ namespace: n.namespace, resourcequota: "default" }));
  return { nodes, namespaces, pods, containers, deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs, hpas, pvcs, pvs, quotas };
}

/** Extra label dimensions of a metric, each a list of label sets multiplied into the entity's. */
type Fanout = Labels[];
const dim = (label: string, values: string[]): Fanout => values.map((v) => ({ [label]: v }));
const cross = (...fanouts: Fanout[]): Fanout => fanouts.reduce((acc, f) => acc.flatMap((a) => f.map((b) => ({ ...a, ...b }))), [{}] as Fanout);
const ROUTES = dim("route", ["/api/v1/vms", "/api/v1/vms/{id}", "/api/v1/migrations", "/api/v1/nodes", "/healthz", "/api/v1/users"]);
const METHODS = dim("method", ["GET", "POST"]);
const MODELS = dim("model_name", ["vm-placement", "failure-prediction", "capacity"]);
/** ECK 3.5.0's controllers (one per resource kind); a work queue is named after its controller (controller-runtime v0.24.1). */
const ECK_CONTROLLERS = dim("controller", ["elasticsearch-controller", "kibana-controller", "license-controller", "trial-controller", "remotecluster-controller"]);
const ECK_QUEUES: Fanout = ECK_CONTROLLERS.map((c) => ({ ...c, name: c.controller }));
/** controller-runtime's work-queue duration buckets: ExponentialBuckets(10e-9, 10, 12). */
const WORKQUEUE_BUCKETS = [...Array.from({ length: 12 }, (_, i) => String(Number((1e-8 * 10 ** i).toPrecision(1)))), "+Inf"];
const HISTOGRAM_BUCKETS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];

/** The dimensions exporters give each metric beyond the object it describes (from their documentation). */
function fanoutOf(metric: string): Fanout {
  const rules: [RegExp, () => Fanout][] = [
    [/^node_cpu_seconds_total$/, () => cross(dim("cpu", Array.from({ length: 8 }, (_, i) => String(i))), dim("mode", ["idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"]))],
    [/^node_filesystem_/, () => [
      { device: "/dev/nvme0n1p1", mountpoint: "/", fstype: "ext4" }, { device: "/dev/nvme1n1", mountpoint: "/var/lib/kubelet", fstype: "xfs" },
      { device: "/dev/nvme0n1p15", mountpoint: "/boot/efi", fstype: "vfat" }, { device: "tmpfs", mountpoint: "/run", fstype: "tmpfs" },
    ]],
    [/^node_disk_/, () => dim("device", ["nvme0n1", "nvme1n1"])],
    [/^node_network_/, () => dim("device", ["eth0", "eth1", "lo"])],
    [/^container_network_/, () => dim("interface", ["eth0"])],
    [/^container_fs_/, () => dim("device", ["/dev/nvme1n1"])],
    [/^kube_pod_status_phase$/, () => dim("phase", ["Pending", "Running", "Succeeded", "Failed", "Unknown"])],
    [/^kube_pod_status_ready$/, () => dim("condition", ["true", "false", "unknown"])],
    [/^kube_pod_container_status_waiting_reason$/, () => dim("reason", ["CrashLoopBackOff"])],
    [/^kube_pod_container_status_(last_)?terminated_reason$/, () => dim("reason", ["OOMKilled", "Error", "Completed"])],
    [/^kube_pod_container_resource_(requests|limits)$/, () => [{ resource: "cpu", unit: "core" }, { resource: "memory", unit: "byte" }]],
    [/^kube_node_status_(allocatable|capacity)$/, () => [
      { resource: "cpu", unit: "core" }, { resource: "memory", unit: "byte" }, { resource: "pods", unit: "integer" }, { resource: "ephemeral_storage", unit: "byte" },
    ]],
    [/^kube_node_status_condition$/, () => cross(dim("condition", ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"]), dim("status", ["true", "false", "unknown"]))],
    [/^kube_node_spec_taint$/, () => [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }]],
    [/^kube_(persistentvolume|namespace)_status_phase$/, () => dim("phase", ["Pending", "Available", "Bound", "Released", "Failed", "Active", "Terminating"])],
    [/^kube_job_status_|^kube_job_failed$/, () => [{}]],
    [/^kube_job_condition|^kube_job_complete$/, () => dim("condition", ["true", "false"])],
    [/^kube_resourcequota$/, () => cross(dim("resource", ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods"]), dim("type", ["hard", "used"]))],
    [/^kube_horizontalpodautoscaler_status_condition$/, () => cross(dim("condition", ["AbleToScale", "ScalingActive", "ScalingLimited"]), dim("status", ["true", "false"]))],
    // The NovaCron services' metric contract (README.md): service, method, route, status; the ML series by model.
    [/^http_requests_total$/, () => cross(ROUTES, METHODS, dim("status", ["200", "404", "500"]))],
    [/^http_request_duration_seconds_bucket$/, () => cross(ROUTES, METHODS, dim("le", HISTOGRAM_BUCKETS))],
    [/^http_request_duration_seconds_(sum|count)$/, () => cross(ROUTES, METHODS)],
    [/^ml_model_(accuracy|precision|recall|f1_score)$/, () => cross(MODELS, dim("version", ["7"]))],
    [/^ml_predictions_total$/, () => cross(MODELS, dim("status", ["success", "error"]))],
    [/^ml_training_failures_total$/, () => cross(MODELS, dim("error_type", ["oom", "data"]))],
    [/^ml_data_drift_score$/, () => cross(MODELS, dim("dataset", ["train", "live"]))],
    [/^ml_inference_duration_seconds_bucket$/, () => cross(MODELS, dim("le", HISTOGRAM_BUCKETS))],
    [/^ml_/, () => MODELS],
    // The ECK operator: controller-runtime's per-controller and per-queue series (priority: the priority queue's default and its low priority for the initial list).
    [/^controller_runtime_reconcile_total$/, () => cross(ECK_CONTROLLERS, dim("result", ["success", "error", "requeue", "requeue_after"]))],
    [/^controller_runtime_reconcile_time_seconds_bucket$/, () => cross(ECK_CONTROLLERS, dim("le", HISTOGRAM_BUCKETS))],
    [/^controller_runtime_/, () => ECK_CONTROLLERS],
    [/^workqueue_depth$/, () => cross(ECK_QUEUES, dim("priority", ["0", "-100"]))],
    [/^workqueue_queue_duration_seconds_bucket$/, () => cross(ECK_QUEUES, dim("le", WORKQUEUE_BUCKETS))],
    [/^workqueue_/, () => ECK_QUEUES],
    [/_bucket$/, () => dim("le", HISTOGRAM_BUCKETS)],
  ];
  return rules.find(([re]) => re.test(metric))?.[1]() ?? [{}];
}

/** Which objects a metric describes, from its name (kube-state-metrics names say it; the others by exporter). */
function entitiesOf(metric: string, source: MetricSource, e: Entities, job: string, shape: ClusterShape): Labels[] {
  // Each service's pods, as its job scrapes them (job novacron-<service>). The metric contract's `service`
  // label is the job's name (README.md), which the SLOs' SLIs select on.
  if (source === "novacron-services") {
    const name = job.replace(/^novacron-/, "");
    return Array.from({ length: shape.servicePods }, (_, i) => ({ service: job, instance: `${name}-${i}:8080` }));
  }
  if (source === "node-exporter") return e.nodes.map((n) => ({ instance: n.instance }));
  if (source === "cadvisor") {
    // Standalone cAdvisor: the workload is in the runtime labels; namespace/pod/node are the cAdvisor pod's own
    // (its scrape target's), and the pod sandbox carries the network.
    const w = cadvisorWorkloadLabels;
    const target = (node: string) => ({ namespace: "monitoring-host", pod: `cadvisor-${node}`, node });
    if (metric.startsWith("container_network_")) return e.pods.map((p) => ({ ...target(p.node), [w.namespace]: p.namespace, [w.pod]: p.pod, [w.container]: "POD" }));
    return e.containers.map((c) => ({
      ...target(c.node), [w.namespace]: c.namespace, [w.pod]: c.pod, [w.container]: c.container, image: c.image, id: `/kubepods/${c.pod}/${c.container}`, name: `${c.pod}_${c.container}`,
    }));
  }
  if (source === "kube-state-metrics") {
    const byPrefix: [string, Labels[]][] = [
      ["kube_pod_container_", e.containers], ["kube_pod_init_container_", []], ["kube_pod_", e.pods], ["kube_node_", e.nodes.map((n) => ({ node: n.node }))],
      ["kube_deployment_", e.deployments], ["kube_replicaset_", e.replicasets], ["kube_statefulset_", e.statefulsets], ["kube_daemonset_", e.daemonsets],
      ["kube_job_", e.jobs], ["kube_cronjob_", e.cronjobs], ["kube_horizontalpodautoscaler_", e.hpas], ["kube_namespace_", e.namespaces],
      ["kube_persistentvolumeclaim_", e.pvcs], ["kube_persistentvolume_", e.pvs], ["kube_resourcequota", e.quotas],
    ];
    return byPrefix.find(([prefix]) => metric.startsWith(prefix))?.[1] ?? [{}];
  }
  // kubelet serves per node (and its volume stats per claim); other sources are one process per target.
  if (metric.startsWith("kubelet_volume_stats_")) return e.pvcs.map((c, i) => ({ ...c, node: e.nodes[i % e.nodes.length].node }));
  if (source === ("kubelet" as MetricSource)) return e.nodes.map((n) => ({ node: n.node, instance: n.instance.replace(":9100", ":10250") }));
  return [{}];
}

interface SeriesSet {
  /** `name{labels} ` of each series. */
  heads: string[];
  /** Each series' current value and its change per scrape (counters grow; gauges move around a level). */
  values: Float64Array;
  steps: Float64Array;
  counters: Uint8Array;
  /** Timestamps as seconds from now (NaN for the rest), re-read at every scrape. */
  clocks: Float64Array;
}

/**
 * A status series' 0/1 as a mostly healthy cluster shows it: one phase per pod (Running), nodes Ready without
 * pressure, waiting/terminated reasons rare; about one object in a hundred unhealthy, so some alerts fire.
 */
function statusValue(labels: Labels, rnd: () => number): number {
  const healthy = (() => {
    if (labels.phase) return ["Running", "Bound", "Active"].includes(labels.phase);
    if (labels.reason) return false;
    if (labels.condition && labels.status) return (labels.condition === "Ready" || labels.condition === "AbleToScale" || labels.condition === "ScalingActive") === (labels.status === "true");
    if (labels.condition) return labels.condition === "true";
    return true;
  })();
  return rnd() < 0.01 ? Number(!healthy) : Number(healthy);
}

/** The order of magnitude of a level (gauge) series, so ratios between them (usage of capacity) land in 0..1. */
function levelOf(metric: string, labels: Labels): number {
  // A node of 16 cores, 64 GiB and 110 pods; a container asking for a tenth of a core and 256 MiB.
  const node: Record<string, number> = { cpu: 16, memory: 64 * 2 ** 30, pods: 110, ephemeral_storage: 200 * 2 ** 30 };
  const container: Record<string, number> = { cpu: 0.1, memory: 2 ** 28 };
  if (/^kube_pod_container_resource_/.test(metric)) return container[labels.resource] ?? 1;
  if (/^kube_node_status_(allocatable|capacity)$/.test(metric)) return node[labels.resource] ?? 1;
  if (metric === "kubelet_running_pods") return 30;
  if (/timex_offset/.test(metric)) return 0.001;
  if (/_(size|total|capacity)_bytes$|MemTotal|inodes$/.test(metric)) return 100 * 2 ** 30;
  if (/_bytes$/.test(metric)) return 40 * 2 ** 30;
  if (/_seconds$/.test(metric)) return 0.5;
  if (/_(score|ratio|accuracy|precision|recall)$/.test(metric) || /^ml_model_/.test(metric)) return 0.6;
  return 100;
}

/** A number the same for every series of one object, so a Deployment's spec, updated and available replicas agree. */
function objectLevel(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) >>> 0;
  return 1 + (h % 5);
}

/**
 * A series' start value and change per scrape, consistent with its siblings as a healthy cluster's are: spec and
 * status equal, generations observed, failure counters still, throttling a few percent of CFS periods,
 * histogram buckets cumulative, quotas half used, timestamps near now. About one object in a hundred is
 * unhealthy (statusValue), so some alerts fire, as in any real cluster.
 */
function seriesValue(metric: string, labels: Labels, objectKey: string, counter: boolean, rnd: () => number): { value: number; step: number; clock?: number } {
  if (counter) {
    if (metric === "container_cpu_cfs_periods_total") return { value: 0, step: 150 };
    if (metric === "container_cpu_cfs_throttled_periods_total") return { value: 0, step: rnd() < 0.01 ? 60 : 3 };
    if (/restart|fail|error|drop|discard|refus|evict|oom/.test(metric)) return { value: 0, step: rnd() < 0.01 ? 1 : 0 };
    if (metric.endsWith("_bucket")) {
      const le = labels.le === "+Inf" ? Infinity : Number(labels.le);
      return { value: 0, step: 10 * Math.min(1, le / 0.5) };
    }
    if (metric.endsWith("_sum")) return { value: 0, step: 2 };
    return { value: 0, step: metric.endsWith("_count") ? 10 : 1 + rnd() * 10 };
  }
  if (/_(time|created)$/.test(metric)) return { value: 0, step: 0, clock: /next_schedule/.test(metric) ? 300 : /last_successful/.test(metric) ? -600 : -3600 };
  if (labels.phase || labels.reason || (labels.condition && metric !== "kube_resourcequota") || /_(info|owner|revision|taint|unschedulable|suspend|status)$/.test(metric)) {
    return { value: statusValue(labels, rnd), step: 0 };
  }
  if (metric.startsWith("kube_")) {
    if (/failed|unavailable|misscheduled/.test(metric)) return { value: rnd() < 0.01 ? 1 : 0, step: 0 };
    if (metric === "kube_resourcequota") return { value: labels.type === "hard" ? 100 : 10 + 40 * rnd(), step: 0 };
    if (metric.startsWith("kube_horizontalpodautoscaler_spec_")) return { value: metric.endsWith("max_replicas") ? 10 : 2, step: 0 };
    if (metric.startsWith("kube_horizontalpodautoscaler_status_")) return { value: 4, step: 0 };
    if (/resource|allocatable|capacity/.test(metric)) return { value: levelOf(metric, labels) * (0.5 + rnd()), step: 0 };
    return { value: objectLevel(objectKey), step: 0 };
  }
  return { value: levelOf(metric, labels) * (0.5 + rnd()), step: (rnd() - 0.5) * 10 * (levelOf(metric, labels) > 1000 ? 1 : 0.001) };
}

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** Deterministic pseudo-random numbers, so two runs of one shape serve the same cluster. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function seriesFor(job: string, sources: MetricSource[], e: Entities, shape: ClusterShape, seed: number): SeriesSet {
  const heads: string[] = [];
  const values: number[] = [];
  const steps: number[] = [];
  const counters: number[] = [];
  const clocks: number[] = [];
  const rnd = random(seed);
  for (const source of sources) {
    for (const metric of metricInventory[source].metrics) {
      if (metric === "up" || metric.startsWith("scrape_") || metric === "ALERTS") continue; // Prometheus records these
      const counter = /_(total|count|sum|bucket)$/.test(metric);
      for (const entity of entitiesOf(metric, source, e, job, shape)) {
        for (const extra of fanoutOf(metric)) {
          const labels = { ...entity, ...extra };
          heads.push(`${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(",")}} `);
          const v = seriesValue(metric, labels, JSON.stringify(entity), counter, rnd);
          values.push(v.value);
          steps.push(v.step);
          counters.push(counter ? 1 : 0);
          clocks.push(v.clock ?? NaN);
        }
      }
    }
  }
  return { heads, values: Float64Array.from(values), steps: Float64Array.from(steps), counters: Uint8Array.from(counters), clocks: Float64Array.from(clocks) };
}

function exposition(set: SeriesSet): string {
  const out: string[] = new Array(set.heads.length);
  const nowSeconds = Math.floor(Date.now() / 1000);
  for (let i = 0; i < set.heads.length; i++) {
    if (!Number.isNaN(set.clocks[i])) set.values[i] = nowSeconds + set.clocks[i];
    else if (set.counters[i]) set.values[i] += set.steps[i];
    else if (set.steps[i] !== 0) set.values[i] = Math.max(0, set.values[i] + set.steps[i] * (Math.sin(set.values[i]) > 0 ? 1 : -1));
    out[i] = set.heads[i] + set.values[i].toFixed(3);
  }
  return out.join("\n") + "\n";
}

export interface SyntheticCluster {
  /** host:port of the server; a job's series are at `/<job>`. */
  address: string;
  /** Series served per job. */
  seriesPerJob: Record<string, number>;
  /** Series served in all. */
  series: number;
  stop(): Promise<void>;
}

/** Serves each job's sources' series at `/<job>` on 127.0.0.1 (a free port). */
export async function startSyntheticCluster(shape: ClusterShape, jobSources: Record<string, MetricSource[]>): Promise<SyntheticCluster> {
  const entities = clusterEntities(shape);
  const sets = new Map(Object.entries(jobSources).map(([job, sources], i) => [job, seriesFor(job, sources, entities, shape, 1 + i)]));
  const server = http.createServer((req, res) => {
    const set = sets.get((req.url ?? "/").slice(1).split("?")[0]);
    if (!set) { res.writeHead(404).end(); return; }
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(exposition(set));
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const seriesPerJob = Object.fromEntries([...sets].map(([job, set]) => [job, set.heads.length]));
  return {
    address: `${LOOPBACK}:${(server.address() as AddressInfo).port}`,
    seriesPerJob,
    series: Object.values(seriesPerJob).reduce((a, b) => a + b, 0),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
