// novacron:prometheus.shards under Pulumi's mocks: prod as it is (one shard) and with two. Two shards run two
// StatefulSets, each with its own config (its hashmod share), rules, headless Service, PDB and NetworkPolicy;
// Thanos Query and every scraped component reach both; shard 0 keeps every name and its StatefulSet, so going
// from one shard to two only adds shard 1's objects and updates a known few of the existing ones.
import { parse } from "yaml";
import { renderStack, RenderResult } from "../../scripts/render";
import { prometheusContract } from "../../components/prometheus/contract";

const rendered: Record<string, RenderResult> = {};

beforeAll(async () => {
  // One after the other: the mocks are process-wide.
  rendered.one = await renderStack("prod");
  rendered.two = await renderStack("prod", { "novacron:prometheus": JSON.stringify({ shards: 2 }) });
}, 10 * 60_000);

const kube = (which: string) => rendered[which].resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs);
/** Every Kubernetes resource by kind and Pulumi name (what a preview matches old and new state by). */
const byKey = (which: string) => new Map(rendered[which].resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => [`${r.type.split(":").pop()}/${r.name}`, r.inputs]));
const named = (which: string, kind: string, name: string) => {
  const found = kube(which).find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`${which}: no ${kind} ${name}`);
  return found;
};
const configOf = (which: string, configMap: string) => parse(named(which, "ConfigMap", configMap).data["prometheus.yml"]);
const jobs = (config: any) => new Map<string, any>(config.scrape_configs.map((j: any) => [j.job_name, j]));
const alertsIn = (which: string, configMap: string) => Object.values<string>(named(which, "ConfigMap", configMap).data)
  .flatMap((file) => parse(file).groups.flatMap((g: any) => g.rules.filter((r: any) => r.alert).map((r: any) => r.alert)));
const instances = (peers: any[]) => peers.map((p: any) => p.podSelector?.matchLabels?.["app.kubernetes.io/instance"]).filter(Boolean).sort();

test("one shard (prod today): no shard object, no hashmod, no shard label, one sidecar endpoint for Query", () => {
  expect(kube("one").filter((o) => /shard/.test(o.metadata?.name ?? ""))).toEqual([]);
  const config = configOf("one", "prometheus-config");
  expect(JSON.stringify(config)).not.toContain("hashmod");
  expect(config.global.external_labels).not.toHaveProperty("shard");
  const query = named("one", "Deployment", "thanos-query").spec.template.spec.containers[0].args as string[];
  expect(query.join(" ")).not.toContain("prometheus-shard");
});

test("two shards: two StatefulSets of prod's replicas, each on its own headless Service, config, rules and volumes", () => {
  for (const [index, name] of ["prometheus", "prometheus-shard-1"].entries()) {
    const sts = named("two", "StatefulSet", name);
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.serviceName).toBe(`${name}-headless`);
    expect(sts.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": prometheusContract.name, "app.kubernetes.io/instance": name });
    const volumes = Object.fromEntries(sts.spec.template.spec.volumes.filter((v: any) => v.configMap).map((v: any) => [v.name, v.configMap.name]));
    expect(volumes).toEqual({ config: `${name}-config`, rules: `${name}-rules` });
    expect(sts.spec.template.spec.containers.map((c: any) => c.name)).toEqual(["prometheus", "config-reloader", "thanos-sidecar"]);
    expect(sts.spec.template.spec.serviceAccountName).toBe(prometheusContract.name); // one identity (and cloud role) for every shard
    expect(named("two", "Service", `${name}-headless`).spec.clusterIP).toBe("None");
    expect(named("two", "PodDisruptionBudget", name).spec.selector.matchLabels["app.kubernetes.io/instance"]).toBe(name);
    expect(sts.spec.template.spec.affinity.podAntiAffinity).toBeDefined();
    expect(configOf("two", `${name}-config`).global.external_labels.shard).toBe(String(index));
  }
  // Two shards' claims, two replicas each.
  expect(kube("two").filter((o) => o.kind === "PersistentVolumeClaim" && /^data-prometheus/.test(o.metadata.name)).map((o) => o.metadata.name).sort())
    .toEqual(["data-prometheus-0", "data-prometheus-1", "data-prometheus-shard-1-0", "data-prometheus-shard-1-1"]);
});

test("the shards split the growing jobs by hashmod; the stack's own jobs stay whole on shard 0", () => {
  const [zero, one] = [jobs(configOf("two", "prometheus-config")), jobs(configOf("two", "prometheus-shard-1-config"))];
  for (const [index, shard] of [zero, one].entries()) {
    for (const job of ["node-exporter", "kubelet", "novacron-api", "kubernetes-pods"]) {
      expect(shard.get(job).relabel_configs.slice(-2)).toEqual([
        { source_labels: ["__address__", "__param_target"], modulus: 2, target_label: "__tmp_shard", action: "hashmod" },
        { source_labels: ["__tmp_shard"], regex: String(index), action: "keep" },
      ]);
    }
  }
  const unsharded = jobs(configOf("one", "prometheus-config"));
  for (const job of ["alertmanager", "kube-state-metrics", "apiserver", "grafana", "thanos-query", "thanos-store-gateway", "loki"]) {
    expect(unsharded.has(job)).toBe(true);
    expect(zero.get(job)).toEqual(unsharded.get(job));
    expect(one.has(job)).toBe(false);
  }
  expect(one.has("thanos-sidecar")).toBe(false);
  // Shard 0 scrapes every shard's sidecars through their headless Services.
  const sidecarKeep = zero.get("thanos-sidecar").relabel_configs.find((r: any) => r.source_labels[0] === "__meta_kubernetes_service_name");
  expect(sidecarKeep.regex).toBe("prometheus-headless|prometheus-shard-1-headless");
});

test("shard 1 leaves out the Watchdog and the alerts that fire on absent series, whose jobs only shard 0 scrapes; shard 0 keeps the whole catalog", () => {
  const zero = alertsIn("two", "prometheus-rules");
  const one = alertsIn("two", "prometheus-shard-1-rules");
  expect(zero).toEqual(alertsIn("one", "prometheus-rules"));
  expect(zero.filter((a) => !one.includes(a)).sort()).toEqual(["EckOperatorDown", "GrafanaDown", "KubeAPIDown", "Watchdog"]);
  expect(one.filter((a) => !zero.includes(a))).toEqual([]);
});

test("Thanos Query reads every shard's sidecars and may reach them; each shard lets Query and every shard in", () => {
  const args = named("two", "Deployment", "thanos-query").spec.template.spec.containers[0].args as string[];
  const sd = JSON.parse(args.find((a) => a.startsWith("--endpoint.sd-config="))!.slice("--endpoint.sd-config=".length));
  expect(sd.endpoints.map((e: any) => e.address)).toEqual([
    "dnssrv+_grpc._tcp.prometheus-headless.monitoring.svc", "dnssrv+_grpc._tcp.prometheus-shard-1-headless.monitoring.svc",
    "dnssrv+_grpc._tcp.thanos-store-gateway-headless.monitoring.svc",
  ]);
  const queryEgress = named("two", "NetworkPolicy", "thanos-query").spec.egress.flatMap((r: any) => instances(r.to ?? []));
  expect(queryEgress).toEqual(expect.arrayContaining(["prometheus", "prometheus-shard-1"]));
  for (const name of ["prometheus", "prometheus-shard-1"]) {
    const ingress = named("two", "NetworkPolicy", name).spec.ingress.map((r: any) => `${instances(r.from).join(",")}:${r.ports.map((p: any) => p.port).join(",")}`);
    expect(ingress).toEqual(expect.arrayContaining(["thanos-query:10901", "prometheus,prometheus-shard-1:10902"]));
  }
});

test("every component Prometheus scrapes lets both shards in", () => {
  for (const name of ["kube-state-metrics", "alertmanager", "blackbox-exporter", "grafana"]) {
    const from = named("two", "NetworkPolicy", name).spec.ingress.flatMap((r: any) => instances(r.from ?? []));
    expect(from).toEqual(expect.arrayContaining(["prometheus", "prometheus-shard-1"]));
  }
});

test("from one shard to two: shard 1's objects are added; of the existing ones only configs, policies and Query change, and none goes", () => {
  const [before, after] = [byKey("one"), byKey("two")];
  expect([...before.keys()].filter((k) => !after.has(k))).toEqual([]);
  const added = [...after.keys()].filter((k) => !before.has(k)).sort();
  expect(added).toEqual([
    "ConfigMap/prometheus-shard-1-config", "ConfigMap/prometheus-shard-1-rules", "NetworkPolicy/prometheus-shard-1",
    "PersistentVolumeClaim/prometheus-shard-1-data-0", "PersistentVolumeClaim/prometheus-shard-1-data-1",
    "PodDisruptionBudget/prometheus-shard-1", "Service/prometheus-shard-1-headless", "StatefulSet/prometheus-shard-1",
  ]);
  const changed = [...before.keys()].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k)));
  // Shard 0's StatefulSet, rules, Services and PDB are untouched: its config reloads in place.
  for (const k of ["StatefulSet/prometheus", "ConfigMap/prometheus-rules", "Service/prometheus-headless", "Service/prometheus", "PodDisruptionBudget/prometheus"]) {
    expect(changed).not.toContain(k);
  }
  expect(changed).toContain("ConfigMap/prometheus-config");
  // Everything else that changes lets shard 1 in or reads it: NetworkPolicies, Thanos Query, and the dashboards
  // whose panels add the shards' recorded parts up.
  expect(changed.filter((k) => !k.startsWith("NetworkPolicy/") && k !== "ConfigMap/prometheus-config").sort()).toEqual(["ConfigMap/grafana-dashboards-novacron", "Deployment/thanos-query"]);
  const dashboards = JSON.stringify(after.get("ConfigMap/grafana-dashboards-novacron"));
  expect(dashboards).toContain("sum without (shard) (service:http_requests:rate2m");
  expect(JSON.stringify(before.get("ConfigMap/grafana-dashboards-novacron"))).not.toContain("without (shard)");
});
