import { defaultThresholds, fullScope } from "../../components/alerts";
import { kubernetesWorkloadRules } from "../../components/alerts/rules/kubernetes-workloads";
// The dev and prod stacks as a whole, under Pulumi's mocks: what they register and how it is wired.
import { parse } from "yaml";
import { images } from "../../components/images";
import { layoutFiles, renderStack, RenderResult } from "../../scripts/render";
import { podTemplates } from "../helpers/mocks";
import mlExporterPackage from "../../exporters/ml-model/package.json";
import { sentinelChannelSecrets } from "../helpers/sentinels";

const SENTINEL = "SENTINEL-7f3a9c";
const sentinelSecrets = sentinelChannelSecrets(SENTINEL);

const rendered: Record<string, RenderResult> = {};
beforeAll(async () => {
  // One environment after the other: the mocks are process-wide.
  rendered.dev = await renderStack("dev", sentinelSecrets);
  rendered.prod = await renderStack("prod", sentinelSecrets);
  rendered.managed = await renderStack("prod", { ...sentinelSecrets, "novacron:kubernetes": JSON.stringify({ managedControlPlane: true }) });
});

const kube = (env: string) => rendered[env].resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs);
const ofKind = (env: string, kind: string) => kube(env).filter((o) => o.kind === kind);
const named = (env: string, kind: string, name: string) => {
  const found = ofKind(env, kind).find((o) => o.metadata.name === name);
  if (!found) throw new Error(`${env}: no ${kind} ${name}`);
  return found;
};
const count = (env: string) => kube(env).reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }), {});

describe.each(["dev", "prod"])("%s stack", (env) => {
  test("registers the expected kinds", () => {
    expect(count(env)).toMatchObject({
      Namespace: 3, // monitoring, monitoring-host, elastic-system (the ECK operator)
      // prometheus, alertmanager, logstash, loki (prod: Loki's scalable write and backend targets, Thanos' Store
      // Gateway and Compactor)
      StatefulSet: env === "prod" ? 7 : 4,
      // kube-state-metrics, blackbox-exporter, ml-model-exporter, grafana, jaeger, elasticsearch-exporter (prod: and
      // Loki's read target, Thanos Query)
      Deployment: env === "prod" ? 8 : 6,
      DaemonSet: 3, // node-exporter, cadvisor, log-shipper
      // alertmanager channel credentials; grafana's admin password and secret key; 5 Elasticsearch users and the
      // roles file (prod: and Thanos' objstore config)
      Secret: env === "prod" ? 9 : 8,
      ClusterRole: 3,
      ClusterRoleBinding: 3,
    });
    // default-deny + DNS in each of the 3 namespaces, one per app except host-network node-exporter;
    // Elasticsearch has two (the cluster and its bootstrap Job), the ECK operator one, prod adds Jaeger's
    // index cleaner and Loki's scalable targets one each (write, read, backend instead of the single binary), and
    // Thanos' Query, Store Gateway and Compactor; the Elasticsearch exporter one.
    expect(count(env).NetworkPolicy).toBe(6 + 7 + 7 + 1 + 1 + (env === "prod" ? 1 + 2 + 3 : 0));
  });

  test("every image is one of the pinned images, at an exact version", () => {
    const used = podTemplates(rendered[env].resources).flatMap((w) => w.template.spec.containers.map((c: any) => c.image));
    expect(used.length).toBeGreaterThan(0);
    // Our own ML exporter image is pinned to the version of its package.
    const mlExporterImage = `ghcr.io/novacron/ml-model-exporter:${mlExporterPackage.version}`;
    for (const image of used) {
      expect([...Object.values(images), mlExporterImage]).toContain(image);
      expect(image).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });

  test("every pod is hardened, and only the named host-level exporters get host access", () => {
    for (const { name, template } of podTemplates(rendered[env].resources)) {
      const pod = template.spec;
      expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
      const hostExporter = ["node-exporter", "cadvisor", "log-shipper"].includes(name);
      if (!hostExporter) {
        expect([name, pod.hostNetwork, pod.hostPID]).toEqual([name, undefined, undefined]);
        expect(pod.volumes.filter((v: any) => v.hostPath)).toEqual([]);
        expect(pod.securityContext.runAsNonRoot).toBe(true);
      } else {
        expect(template.metadata.annotations["novacron.io/host-access"]).toMatch(/\w+/);
      }
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        if (c.securityContext.runAsUser === 0) expect(["cadvisor", "log-shipper"]).toContain(name);
      }
      expect(pod.containers[0].livenessProbe).toBeDefined();
      expect(pod.containers[0].readinessProbe).toBeDefined();
    }
  });

  test("namespaces enforce Pod Security Standards: restricted, host exporters apart as privileged", () => {
    expect(named(env, "Namespace", "monitoring").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(named(env, "Namespace", "monitoring-host").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(named(env, "DaemonSet", "node-exporter").metadata.namespace).toBe("monitoring-host");
    expect(named(env, "StatefulSet", "prometheus").metadata.namespace).toBe("monitoring");
  });

  test("secret values appear only in the Secret, never in a ConfigMap, other object or rendered file", () => {
    const withSentinel = kube(env).filter((o) => JSON.stringify(o).includes(SENTINEL));
    expect(withSentinel.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Secret/alertmanager-secrets"]);
    for (const [file, content] of Object.entries(layoutFiles(rendered[env].resources))) {
      expect([file, content.includes(SENTINEL)]).toEqual([file, false]);
    }
    // Alertmanager reads each credential from the mounted Secret.
    const amConfig = parse(named(env, "ConfigMap", "alertmanager-config").data["alertmanager.yml"]);
    const fileRefs = JSON.stringify(amConfig).match(/\/etc\/alertmanager\/secrets\/\w+/g) ?? [];
    const secretKeys = Object.keys(named(env, "Secret", "alertmanager-secrets").stringData);
    expect(new Set(fileRefs.map((f) => f.split("/").pop()))).toEqual(new Set(secretKeys));
  });

  test("Prometheus sends every alert to every Alertmanager replica", () => {
    const am = named(env, "StatefulSet", "alertmanager");
    const config = parse(named(env, "ConfigMap", "prometheus-config").data["prometheus.yml"]);
    const targets: string[] = config.alerting.alertmanagers[0].static_configs[0].targets;
    expect(targets).toHaveLength(am.spec.replicas);
    targets.forEach((t, i) => expect(t).toBe(`alertmanager-${i}.alertmanager-headless.monitoring.svc:9093`));
    expect(named(env, "Service", "alertmanager-headless").spec.clusterIP).toBe("None");
    // Alerts from an HA pair must be identical for Alertmanager to deduplicate them.
    expect(config.alerting.alert_relabel_configs).toEqual([{ action: "labeldrop", regex: "replica" }]);
  });

  test("scrape jobs point at the services that exist", () => {
    const config = parse(named(env, "ConfigMap", "prometheus-config").data["prometheus.yml"]);
    const jobs = new Map<string, any>(config.scrape_configs.map((j: any) => [j.job_name, j]));
    const keepOf = (job: string, label: string) => jobs.get(job).relabel_configs.find((r: any) => r.action === "keep" && r.source_labels.includes(label))?.regex;
    for (const [job, kind, name] of [["node-exporter", "DaemonSet", "node-exporter"], ["cadvisor", "DaemonSet", "cadvisor"], ["kube-state-metrics", "Deployment", "kube-state-metrics"], ["blackbox-exporter", "Deployment", "blackbox-exporter"]]) {
      const workload = named(env, kind, name);
      const service = ofKind(env, "Service").find((s) => s.spec.selector["app.kubernetes.io/name"] === workload.metadata.labels["app.kubernetes.io/name"])!;
      expect(jobs.get(job).kubernetes_sd_configs[0].namespaces.names).toEqual([workload.metadata.namespace]);
      expect(keepOf(job, "__meta_kubernetes_service_label_app_kubernetes_io_name")).toBe(service.metadata.labels["app.kubernetes.io/name"]);
      expect(service.spec.ports.map((p: any) => p.name)).toContain(keepOf(job, "__meta_kubernetes_endpointslice_port_name"));
    }
    for (const [job, port] of [["novacron-api", 8080], ["novacron-vm-manager", 8081], ["novacron-migration", 8082], ["novacron-scheduler", 8083], ["novacron-ml-pipeline", 8000], ["novacron-ml-model-exporter", 9200]] as const) {
      expect(keepOf(job, "__address__")).toBe(`.+:${port}`);
    }
    const blackboxService = named(env, "Service", "blackbox-exporter");
    expect(jobs.get("blackbox-http").relabel_configs.at(-1).replacement).toBe(`blackbox-exporter.monitoring.svc:${blackboxService.spec.ports[0].port}`);
    expect(["apiserver", "kubelet", "kubernetes-pods", "kubernetes-service-endpoints", "prometheus", "alertmanager"].every((j) => jobs.has(j))).toBe(true);
  });

  test("rules are mounted from a named ConfigMap and reloaded in place, not by restarting pods", () => {
    const sts = named(env, "StatefulSet", "prometheus");
    const volumes = sts.spec.template.spec.volumes.map((v: any) => v.configMap?.name).filter(Boolean);
    expect(volumes.sort()).toEqual(["prometheus-config", "prometheus-rules"]);
    expect(sts.spec.template.metadata.annotations?.["checksum/config"]).toBeUndefined();
    const reloader = sts.spec.template.spec.containers.find((c: any) => c.name === "config-reloader");
    expect(reloader.args).toEqual(expect.arrayContaining(["--reload-url=http://127.0.0.1:9090/-/reload", "--watched-dir=/etc/prometheus/rules"]));
    expect(sts.spec.template.spec.containers[0].args).toContain("--web.enable-lifecycle");
    // Exemplars are kept, so Grafana's exemplar → Jaeger link has something to open.
    expect(sts.spec.template.spec.containers[0].args).toContain("--enable-feature=exemplar-storage");
    expect(Object.keys(named(env, "ConfigMap", "prometheus-rules").data).sort()).toEqual(["application.yml", "infrastructure.yml", "kubernetes.yml", "ml-pipeline.yml", "stack.yml"]);
    // The stateless blackbox exporter rolls on a config change instead.
    expect(named(env, "Deployment", "blackbox-exporter").spec.template.metadata.annotations["checksum/config"]).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("environments differ as their presets say", () => {
  test("prod: Prometheus x2 and Alertmanager x3 with PDBs and anti-affinity, the seed's retention", () => {
    const prom = named("prod", "StatefulSet", "prometheus");
    const am = named("prod", "StatefulSet", "alertmanager");
    expect([prom.spec.replicas, am.spec.replicas]).toEqual([2, 3]);
    expect(prom.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(["--storage.tsdb.retention.time=30d", "--storage.tsdb.retention.size=50GB"]));
    expect(ofKind("prod", "PodDisruptionBudget").map((p) => p.metadata.name).sort()).toEqual(["alertmanager", "jaeger", "logstash", "loki-backend", "loki-read", "loki-write", "prometheus", "thanos-query"]);
    for (const sts of [prom, am]) expect(sts.spec.template.spec.affinity.podAntiAffinity).toBeDefined();
    const peers = am.spec.template.spec.containers[0].args.filter((a: string) => a.startsWith("--cluster.peer="));
    expect(peers).toEqual([0, 1, 2].map((i) => `--cluster.peer=alertmanager-${i}.alertmanager-headless.monitoring.svc:9094`));
  });

  test("dev: single replicas, no PDBs, no gossip", () => {
    expect(named("dev", "StatefulSet", "prometheus").spec.replicas).toBe(1);
    expect(ofKind("dev", "PodDisruptionBudget")).toEqual([]);
    expect(named("dev", "StatefulSet", "alertmanager").spec.template.spec.containers[0].args).toContain("--cluster.listen-address=");
  });

  test("prod's channels are all wired to receivers; dev's only webhook", () => {
    const receivers = (env: string) => parse(named(env, "ConfigMap", "alertmanager-config").data["alertmanager.yml"]).receivers;
    const integrations = (env: string) => new Set(receivers(env).flatMap((r: any) => Object.keys(r).filter((k) => k.endsWith("_configs"))));
    expect(integrations("prod")).toEqual(new Set(["slack_configs", "email_configs", "msteamsv2_configs", "pagerduty_configs", "webhook_configs"]));
    expect(integrations("dev")).toEqual(new Set(["webhook_configs"]));
    expect(Object.keys(named("dev", "Secret", "alertmanager-secrets").stringData)).toEqual(["webhookUrl"]);
  });
});

test("an invalid config fails before any resource is registered", async () => {
  await expect(renderStack("dev", { "novacron:prometheus": JSON.stringify({ retentionTime: "forever", replicas: 0 }) }))
    .rejects.toThrow(/novacron:prometheus\.retentionTime[\s\S]*novacron:prometheus\.replicas|novacron:prometheus\.replicas[\s\S]*novacron:prometheus\.retentionTime/);
});

test("the stack's rules hold the workload alerts only for the exporters it runs (kube-state-metrics, cAdvisor)", async () => {
  const rulesOf = async (exporters: Record<string, { enabled: boolean }>) => {
    const result = await renderStack("dev", { "novacron:exporters": JSON.stringify(exporters) });
    const configMap = result.resources.find((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === "ConfigMap" && r.inputs.metadata.name === "prometheus-rules");
    const data: Record<string, string> = configMap?.inputs.data ?? {};
    return (data["kubernetes.yml"] ?? "").match(/alert: \w+/g)?.map((a) => a.slice("alert: ".length)) ?? [];
  };
  // Only the workload alerts (rules/kubernetes-workloads.ts); the cluster alerts share the file.
  const workload = new Set(kubernetesWorkloadRules(defaultThresholds, fullScope).map((rule) => rule.name));
  const all = (await rulesOf({})).filter((name) => workload.has(name));
  expect(all.length).toBe(workload.size);
  expect((await rulesOf({ kubeStateMetrics: { enabled: false } })).filter((name) => workload.has(name))).toEqual(["CPUThrottlingHigh"]);
  expect((await rulesOf({ cadvisor: { enabled: false } })).filter((name) => workload.has(name))).toEqual(all.filter((name) => name !== "CPUThrottlingHigh"));
});

test("a managed control plane (novacron:kubernetes.managedControlPlane) leaves KubeAPIDown out of the rules, and only it", () => {
  const kubernetesAlerts = (env: string): string[] =>
    parse(named(env, "ConfigMap", "prometheus-rules").data["kubernetes.yml"]).groups.flatMap((g: { rules: { alert?: string }[] }) => g.rules.map((r) => r.alert));
  expect(kubernetesAlerts("prod")).toContain("KubeAPIDown");
  expect(kubernetesAlerts("prod").filter((name) => !kubernetesAlerts("managed").includes(name))).toEqual(["KubeAPIDown"]);
});

test("the stack's rules hold the ECK operator's alerts when it runs the operator (with Elasticsearch), and none without", async () => {
  const stackAlerts = (result: RenderResult) => {
    const configMap = result.resources.find((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === "ConfigMap" && r.inputs.metadata.name === "prometheus-rules");
    return ((configMap?.inputs.data ?? {})["stack.yml"] ?? "").match(/alert: EckOperator\w+/g)?.map((a: string) => a.slice("alert: ".length)).sort() ?? [];
  };
  const eck = ["EckOperatorDown", "EckOperatorReconcileErrors", "EckOperatorReconcileStuck", "EckOperatorWorkqueueBackingUp"];
  expect(stackAlerts(rendered.dev)).toEqual(eck);
  expect(stackAlerts(rendered.prod)).toEqual(eck);
  const withoutElk = await renderStack("dev", { "novacron:elk": JSON.stringify({ enabled: false }) });
  expect(withoutElk.resources.some((r) => r.inputs?.kind === "Elasticsearch")).toBe(false);
  expect(stackAlerts(withoutElk)).toEqual([]);
});

test("a team's email with the on-call email channel off: the stack's SMTP server and password reach Alertmanager, and no domain is mailed", async () => {
  const { exampleEmailTeamRoute } = await import("../fixtures/team-routes");
  const password = sentinelSecrets["novacron:smtpPassword"];
  const result = await renderStack("dev", { "novacron:alertmanager": JSON.stringify({ teamRoutes: [exampleEmailTeamRoute] }), "novacron:smtpPassword": password });
  const object = (kind: string, name: string) => result.resources.find((r) => r.inputs?.kind === kind && r.inputs.metadata?.name === name)!.inputs;
  const am = parse(object("ConfigMap", "alertmanager-config").data["alertmanager.yml"]);
  const { presets } = await import("../../stacks/presets");
  const email = presets.dev.notifications.email;
  expect(email.enabled).toBe(false);
  expect(am.global).toMatchObject({ smtp_smarthost: email.smarthost, smtp_from: email.from, smtp_auth_username: email.username, smtp_require_tls: email.requireTls, smtp_auth_password_file: "/etc/alertmanager/secrets/smtpPassword" });
  expect(am.receivers.find((r: { name: string }) => r.name === "route-search").email_configs[0].to).toBe(exampleEmailTeamRoute.receiver.email.to.join(", "));
  expect(am.receivers.filter((r: { name: string; email_configs?: unknown }) => r.name.startsWith("team-") && r.email_configs)).toEqual([]);
  // The password is in Alertmanager's Secret only; its SMTP port is open in the NetworkPolicy.
  expect(object("Secret", "alertmanager-secrets").stringData.smtpPassword).toBe(password);
  expect(result.resources.filter((r) => r.inputs?.kind !== "Secret" && JSON.stringify(r.inputs).includes(password)).map((r) => r.name)).toEqual([]);
  const egressPorts = object("NetworkPolicy", "alertmanager").spec.egress.flatMap((rule: { ports?: { port: number }[] }) => (rule.ports ?? []).map((p) => p.port));
  expect(egressPorts).toContain(Number(email.smarthost.split(":").pop()));
});
