// The Kubernetes dashboards' joins evaluated by the real Prometheus engine (`promtool test rules`, promql_expr_tests)
// over a synthetic cluster: standalone cAdvisor's runtime labels renamed to Kubernetes', pods mapped to their
// workloads (a Deployment through its ReplicaSet, a StatefulSet, a DaemonSet, a bare pod), finished pods' requests
// left out, a pod's network counted once across its containers, host-network pods left out, and two clusters
// with the same pod names kept apart (as Thanos Query shows them) while a single Prometheus (no cluster label)
// gives the same answers. The queries are the dashboards' own, as Grafana sends them for the given variables.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { allValues, buildDashboards, dashboardQueries, interpolate, KUBERNETES_COMPUTE_UID, KUBERNETES_NETWORKING_UID, VariableValues } from "../../components/grafana";
import { toYaml } from "../../components/yaml";
import { runTool } from "../helpers/tools";

const dashboards = buildDashboards();
const INTERVALS = { rateInterval: "5m", interval: "1m", range: "1h" };

/** A dashboard query (panel title, refId A by default) as Grafana sends it with `values` over All. */
function query(uid: string, panel: string, values: VariableValues = {}, refId = "A"): string {
  const model = dashboards.find((d) => d.uid === uid)!.model;
  const found = dashboardQueries(model).find((q) => q.panel === panel && q.refId === refId);
  if (!found) throw new Error(`${uid} has no panel ${panel} / ${refId}`);
  return interpolate(found.expr, { ...allValues(model), ...values }, INTERVALS);
}

type Labels = Record<string, string>;
const sel = (name: string, labels: Labels) => `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(", ")}}`;

/** One cluster's series (cluster label set when `cluster` is given): `cpuScale` scales the api pods' CPU. */
function clusterSeries(cluster: string | undefined, apiCoresPerPod: number): { series: string; values: string }[] {
  const c: Labels = cluster ? { cluster } : {};
  const out: { series: string; values: string }[] = [];
  const add = (name: string, labels: Labels, values: string) => out.push({ series: sel(name, { ...labels, ...c }), values });
  const ksm = { job: "kube-state-metrics", instance: "ksm:8080" };
  // Standalone cAdvisor: its own pod's namespace and pod come from service discovery; the workload's are runtime labels.
  const cadvisor = (ns: string, pod: string, container?: string): Labels => ({
    job: "cadvisor", instance: "n1", namespace: "monitoring", pod: "cadvisor-n1",
    container_label_io_kubernetes_pod_namespace: ns, container_label_io_kubernetes_pod_name: pod,
    ...(container ? { container_label_io_kubernetes_container_name: container } : {}),
  });
  const pods: { ns: string; pod: string; container: string; cores: number; request?: number; owner?: [string, string]; phase: string; hostNetwork?: boolean; txBytes: number }[] = [
    { ns: "shop", pod: "api-7c9d-a", container: "app", cores: apiCoresPerPod, request: 0.5, owner: ["ReplicaSet", "api-7c9d"], phase: "Running", txBytes: 1000 },
    { ns: "shop", pod: "api-7c9d-b", container: "app", cores: apiCoresPerPod, request: 0.5, owner: ["ReplicaSet", "api-7c9d"], phase: "Running", txBytes: 1000 },
    { ns: "shop", pod: "db-0", container: "postgres", cores: 0.25, request: 1, owner: ["StatefulSet", "db"], phase: "Running", txBytes: 500 },
    { ns: "shop", pod: "debug", container: "sh", cores: 0.1, phase: "Running", txBytes: 0 },
    { ns: "shop", pod: "agent-x", container: "agent", cores: 0.2, request: 0.1, owner: ["DaemonSet", "agent"], phase: "Running", hostNetwork: true, txBytes: 1_000_000 },
    { ns: "shop", pod: "migrate-x", container: "job", cores: 0, request: 2, owner: ["Job", "migrate"], phase: "Succeeded", txBytes: 0 },
    { ns: "other", pod: "web-0", container: "nginx", cores: 0.3, request: 0.3, owner: ["StatefulSet", "web"], phase: "Running", txBytes: 100 },
  ];
  for (const p of pods) {
    const owner: Labels = p.owner ? { owner_kind: p.owner[0], owner_name: p.owner[1], owner_is_controller: "true" } : {};
    add("kube_pod_owner", { ...ksm, namespace: p.ns, pod: p.pod, ...owner }, "1x15");
    add("kube_pod_info", { ...ksm, namespace: p.ns, pod: p.pod, node: "n1", host_network: String(p.hostNetwork === true) }, "1x15");
    for (const phase of ["Pending", "Running", "Succeeded"]) add("kube_pod_status_phase", { ...ksm, namespace: p.ns, pod: p.pod, phase }, phase === p.phase ? "1x15" : "0x15");
    if (p.request !== undefined) add("kube_pod_container_resource_requests", { ...ksm, namespace: p.ns, pod: p.pod, container: p.container, node: "n1", resource: "cpu", unit: "core" }, `${p.request}x15`);
    if (p.phase !== "Running") continue;
    // CPU seconds per minute; the pod's sandbox (no container name) burns CPU the dashboards must not count.
    add("container_cpu_usage_seconds_total", cadvisor(p.ns, p.pod, p.container), `0+${p.cores * 60}x15`);
    add("container_cpu_usage_seconds_total", cadvisor(p.ns, p.pod), "0+60x15");
    // Every container of a pod, and its sandbox, report the pod's interfaces.
    for (const container of [p.container, undefined]) add("container_network_transmit_bytes_total", { ...cadvisor(p.ns, p.pod, container), interface: "eth0" }, `0+${p.txBytes * 60}x15`);
  }
  add("kube_replicaset_owner", { ...ksm, namespace: "shop", replicaset: "api-7c9d", owner_kind: "Deployment", owner_name: "api", owner_is_controller: "true" }, "1x15");
  add("kube_node_status_allocatable", { ...ksm, node: "n1", resource: "cpu", unit: "core" }, "4x15");
  return out;
}

interface Case { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }
const at = "10m";
const sample = (labels: Labels, value: number) => ({ labels: `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(", ")}}`, value });

function runPromtool(groups: { input_series: { series: string; values: string }[]; promql_expr_test: Case[] }[]): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "novacron-k8s-dashboards-"));
  try {
    fs.writeFileSync(path.join(dir, "empty.yml"), toYaml({ groups: [] }));
    fs.writeFileSync(path.join(dir, "tests.yml"), toYaml({ rule_files: ["empty.yml"], evaluation_interval: "1m", tests: groups.map((g) => ({ interval: "1m", ...g })) }));
    const run = runTool("promtool", ["test", "rules", "tests.yml"], { cwd: dir });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const workloads = (c: Labels, api: number) => [
  sample({ ...c, namespace: "shop", workload: "api", workload_type: "Deployment" }, api),
  sample({ ...c, namespace: "shop", workload: "db", workload_type: "StatefulSet" }, 0.25),
  sample({ ...c, namespace: "shop", workload: "debug", workload_type: "Pod" }, 0.1),
  sample({ ...c, namespace: "shop", workload: "agent", workload_type: "DaemonSet" }, 0.2),
  sample({ ...c, namespace: "other", workload: "web", workload_type: "StatefulSet" }, 0.3),
];

describe("the Kubernetes dashboards' queries on a synthetic cluster (promtool)", () => {
  const cpuByWorkload = (values: VariableValues = {}) => query(KUBERNETES_COMPUTE_UID, "CPU usage by workload", values);

  test("one Prometheus, no cluster label: workloads, requests of active pods, containers, network counted once", () => {
    const result = runPromtool([{
      input_series: clusterSeries(undefined, 0.5),
      promql_expr_test: [
        { expr: cpuByWorkload(), eval_time: at, exp_samples: workloads({}, 1) },
        { expr: cpuByWorkload({ namespace: "shop", workload: "api" }), eval_time: at, exp_samples: [sample({ namespace: "shop", workload: "api", workload_type: "Deployment" }, 1)] },
        {
          expr: query(KUBERNETES_COMPUTE_UID, "CPU usage against requests by workload"), eval_time: at,
          exp_samples: [
            sample({ namespace: "shop", workload: "api", workload_type: "Deployment" }, 1), sample({ namespace: "shop", workload: "db", workload_type: "StatefulSet" }, 0.25),
            sample({ namespace: "shop", workload: "agent", workload_type: "DaemonSet" }, 2), sample({ namespace: "other", workload: "web", workload_type: "StatefulSet" }, 1),
          ],
        },
        // Requests of running pods (0.5 + 0.5 + 1 + 0.1 + 0.3) over 4 allocatable cores; the finished Job's 2 cores left out.
        { expr: query(KUBERNETES_COMPUTE_UID, "CPU requested"), eval_time: at, exp_samples: [sample({}, 0.6)] },
        {
          expr: query(KUBERNETES_COMPUTE_UID, "CPU usage, requests and limits by container", { workload: "api" }), eval_time: at,
          exp_samples: [sample({ namespace: "shop", pod: "api-7c9d-a", container: "app" }, 0.5), sample({ namespace: "shop", pod: "api-7c9d-b", container: "app" }, 0.5)],
        },
        // Transmitted bytes/s: api pods 1000 each (not 2000: container and sandbox share the interface) + db 500; the host-network agent left out.
        {
          expr: query(KUBERNETES_NETWORKING_UID, "Traffic by namespace", {}, "B"), eval_time: at,
          exp_samples: [sample({ namespace: "shop" }, 2500), sample({ namespace: "other" }, 100)],
        },
      ],
    }]);
    expect(result).toMatchObject({ status: 0 });
  });

  test("two clusters with the same pods, as Thanos Query shows them: kept apart under All, one when selected", () => {
    const input = [...clusterSeries("eu-1", 0.5), ...clusterSeries("us-1", 0.1)];
    const result = runPromtool([{
      input_series: input,
      promql_expr_test: [
        { expr: cpuByWorkload(), eval_time: at, exp_samples: [...workloads({ cluster: "eu-1" }, 1), ...workloads({ cluster: "us-1" }, 0.2)] },
        { expr: cpuByWorkload({ cluster: "us-1" }), eval_time: at, exp_samples: workloads({ cluster: "us-1" }, 0.2) },
        { expr: query(KUBERNETES_COMPUTE_UID, "CPU requested", { cluster: "eu-1" }), eval_time: at, exp_samples: [sample({}, 0.6)] },
        {
          expr: query(KUBERNETES_NETWORKING_UID, "Traffic by pod", { cluster: "eu-1", namespace: "other" }, "B"), eval_time: at,
          exp_samples: [sample({ cluster: "eu-1", namespace: "other", pod: "web-0" }, 100)],
        },
      ],
    }]);
    expect(result).toMatchObject({ status: 0 });
  });

  test("negative controls: a wrong expectation fails, and without the cluster in the groupings two clusters' workloads merge", () => {
    const wrong = runPromtool([{ input_series: clusterSeries(undefined, 0.5), promql_expr_test: [{ expr: cpuByWorkload(), eval_time: at, exp_samples: workloads({}, 2) }] }]);
    expect(wrong.status).not.toBe(0);
    expect(wrong.output).toMatch(/FAILED/);
    const input = [...clusterSeries("eu-1", 0.5), ...clusterSeries("us-1", 0.1)];
    const unclustered = cpuByWorkload().replaceAll("cluster, ", "");
    expect(unclustered).not.toContain("cluster,");
    const apart = [...workloads({ cluster: "eu-1" }, 1), ...workloads({ cluster: "us-1" }, 0.2)];
    const merged = runPromtool([{ input_series: input, promql_expr_test: [{ expr: unclustered, eval_time: at, exp_samples: apart }] }]);
    expect(merged.status).not.toBe(0);
    // The two clusters' api Deployments became one workload using 1 + 0.2 cores.
    expect(merged.output).toMatch(/workload="api", workload_type="Deployment"\}.*1\.2/);
  });
});
