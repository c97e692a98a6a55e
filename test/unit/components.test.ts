// Each component on its own, as a platform team imports it into another stack, under Pulumi's mocks.
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { ResourceRecorder, valueOf } from "../helpers/mocks";

const recorder = new ResourceRecorder();
// Imported after the mocks are installed, as the Pulumi program would be.
let lib: typeof import("../../components");
beforeAll(async () => {
  await recorder.install();
  lib = await import("../../components");
});

const inputsOf = async (kind: string, name: string) => {
  await recorder.settle();
  const found = recorder.ofKind(kind).find((r) => r.inputs.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name}; have ${recorder.ofKind(kind).map((r) => r.inputs.metadata?.name).join(", ")}`);
  return found.inputs;
};

describe("Alertmanager", () => {
  test("a 3-replica gossip cluster; credentials in a Secret, referenced by file from the config", async () => {
    const am = new lib.Alertmanager("am-team", {
      namespace: "team-a",
      replicas: 3,
      channels: { slack: { channel: "#team-a" } },
      secrets: { slackWebhookUrl: pulumi.secret("https://hooks.slack.com/services/SENTINEL") },
      inhibitRules: lib.renderInhibitRules(lib.alertCatalog),
    });
    expect(await valueOf(am.peerAddresses)).toEqual([0, 1, 2].map((i) => `am-team-${i}.am-team-headless.team-a.svc:9093`));
    const config = await inputsOf("ConfigMap", "am-team-config");
    expect(JSON.stringify(config)).not.toContain("SENTINEL");
    expect(parse(config.data["alertmanager.yml"]).receivers[0].slack_configs[0].api_url_file).toBe("/etc/alertmanager/secrets/slackWebhookUrl");
    expect((await inputsOf("Secret", "am-team-secrets")).stringData).toEqual({ slackWebhookUrl: "https://hooks.slack.com/services/SENTINEL" });
    const policy = await inputsOf("NetworkPolicy", "am-team");
    expect(policy.spec.ingress[1].ports).toEqual([{ port: 9094, protocol: "TCP" }, { port: 9094, protocol: "UDP" }]);
    expect((await inputsOf("PodDisruptionBudget", "am-team")).spec.maxUnavailable).toBe(1);
  });

  test("refuses an enabled channel without its credential", () => {
    expect(() => new lib.Alertmanager("am-bad", { namespace: "x", channels: { pagerduty: {}, email: { to: "a@b.co", from: "a@b.co", smarthost: "smtp:587", username: "u", requireTls: true } }, secrets: {}, inhibitRules: [] }))
      .toThrow(/email \(secret smtpPassword\), pagerduty \(secret pagerdutyRoutingKey\)/);
  });
});

describe("Prometheus", () => {
  test("standalone: external Alertmanagers, remote_write with SigV4, IAM role on the service account", async () => {
    const prom = new lib.Prometheus("prom-team", {
      namespace: "team-a",
      cluster: "c1",
      environment: "prod",
      replicas: 2,
      alertmanagers: ["am.example:9093"],
      remoteWrite: [{ name: "amp", url: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write", sigv4: { region: "eu-west-1" } }],
      ruleFiles: lib.renderRuleFiles({ runbookBaseUrl: "https://runbooks.example" }),
      scrape: { services: [{ name: "web", namespace: "team-a", service: "web", port: 8080, path: "/metrics" }] },
      serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/prom" },
    });
    const config = parse(await valueOf(prom.configYaml));
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(["am.example:9093"]);
    expect(config.remote_write).toEqual([expect.objectContaining({ name: "amp", sigv4: { region: "eu-west-1" } })]);
    expect(config.global.external_labels).toEqual({ cluster: "c1", environment: "prod", replica: "${POD_NAME}" });
    expect(config.scrape_configs.map((j: any) => j.job_name)).toContain("novacron-web");
    expect(config.scrape_configs.map((j: any) => j.job_name)).not.toContain("node-exporter");
    expect((await inputsOf("ServiceAccount", "prom-team")).metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/prom" });
    const role = (await recorder.settle()).find((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole" && r.name === "prom-team")!;
    // Discovery is read-only.
    expect(new Set(role.inputs.rules.flatMap((r: any) => r.verbs))).toEqual(new Set(["get", "list", "watch"]));
  });

  test("standalone, three scrape shards: one StatefulSet, config and rules per shard, each config its hashmod share", async () => {
    const prom = new lib.Prometheus("prom-sharded", {
      namespace: "team-b", cluster: "c1", environment: "prod", shards: 3,
      alertmanagers: ["am.example:9093"],
      ruleFiles: { "a.yml": "groups: []\n" },
      shardRuleFiles: { "b.yml": "groups: []\n" },
      scrape: { services: [{ name: "web", namespace: "team-b", service: "web", port: 8080, path: "/metrics" }] },
    });
    expect(prom.shardApps.map((app) => app.instance)).toEqual(["prom-sharded", "prom-sharded-shard-1", "prom-sharded-shard-2"]);
    for (const [index, name] of ["prom-sharded", "prom-sharded-shard-1", "prom-sharded-shard-2"].entries()) {
      expect((await inputsOf("StatefulSet", name)).spec.serviceName).toBe(`${name}-headless`);
      const config = parse((await inputsOf("ConfigMap", `${name}-config`)).data["prometheus.yml"]);
      expect(config.global.external_labels.shard).toBe(String(index));
      expect(config.scrape_configs.find((j: any) => j.job_name === "novacron-web").relabel_configs.at(-1)).toEqual({ source_labels: ["__tmp_shard"], regex: String(index), action: "keep" });
      expect(Object.keys((await inputsOf("ConfigMap", `${name}-rules`)).data)).toEqual([index === 0 ? "a.yml" : "b.yml"]);
    }
    expect(parse(await valueOf(prom.configYaml))).toEqual(parse(await valueOf(prom.shardConfigYamls[0])));
  });

  test("refuses a shard count that is not a whole number of at least 1", () => {
    const args = { namespace: "x", cluster: "c", environment: "dev", alertmanagers: [], ruleFiles: {}, scrape: {} };
    expect(() => new lib.Prometheus("prom-zero", { ...args, shards: 0 })).toThrow("Prometheus prom-zero: shards must be a whole number of at least 1, not 0");
    expect(() => new lib.Prometheus("prom-half", { ...args, shards: 1.5 })).toThrow("not 1.5");
  });
});

describe("exporters", () => {
  test("NodeExporter: host network, PID and read-only host paths, no NetworkPolicy (it would not apply)", async () => {
    new lib.NodeExporter("ne-team", { namespace: "team-host" });
    const pod = (await inputsOf("DaemonSet", "ne-team")).spec.template;
    expect(pod.spec).toMatchObject({ hostNetwork: true, hostPID: true });
    expect(pod.spec.containers[0].volumeMounts.every((m: any) => m.readOnly)).toBe(true);
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(recorder.ofKind("NetworkPolicy").map((r) => r.inputs.metadata.name)).not.toContain("ne-team");
  });

  test("Cadvisor: the one root container, with its reason", async () => {
    new lib.Cadvisor("cadv-team", { namespace: "team-host" });
    const pod = (await inputsOf("DaemonSet", "cadv-team")).spec.template;
    expect(pod.spec.containers[0].securityContext).toMatchObject({ runAsUser: 0, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"], add: ["DAC_READ_SEARCH"] } });
    expect(pod.metadata.annotations["novacron.io/privileges"]).toMatch(/root/);
  });

  test("BlackboxExporter: unprivileged ICMP through ping_group_range, config hash, probe jobs for Prometheus", async () => {
    const bb = new lib.BlackboxExporter("bb-team", { namespace: "team-a", probes: [{ name: "site", module: "http_2xx", targets: ["https://novacron.com"] }] });
    const pod = (await inputsOf("Deployment", "bb-team")).spec.template;
    expect(pod.spec.securityContext.sysctls).toEqual([{ name: "net.ipv4.ping_group_range", value: "65534 65534" }]);
    expect(pod.spec.containers[0].securityContext.capabilities).toEqual({ drop: ["ALL"] });
    expect(await valueOf(bb.scrapeTarget)).toMatchObject({ address: "bb-team.team-a.svc:9115", probes: [{ name: "site" }] });
    expect(Object.keys(parse(bb.configYaml).modules).sort()).toEqual(["dns", "http_2xx", "icmp", "tcp_connect"]);
  });

  test("KubeStateMetrics: list/watch only, and never Secrets", async () => {
    new lib.KubeStateMetrics("ksm-team", { namespace: "team-a" });
    await recorder.settle();
    const role = recorder.resources.find((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole" && r.name === "ksm-team")!;
    const rules = role.inputs.rules;
    expect(new Set(rules.flatMap((r: any) => r.verbs))).toEqual(new Set(["list", "watch"]));
    expect(rules.flatMap((r: any) => r.resources)).not.toContain("secrets");
    const args = (await inputsOf("Deployment", "ksm-team")).spec.template.spec.containers[0].args;
    expect(args.find((a: string) => a.startsWith("--resources="))).not.toMatch(/secrets|configmaps/);
  });
});

describe("MlModelExporter", () => {
  test("runs as the image's user (nobody, a high uid), reads the ML service's port only, scraped as novacron-ml-model-exporter", async () => {
    const exporter = new lib.MlModelExporter("mle-team", { namespace: "team-a", image: "ghcr.io/novacron/ml-model-exporter:0.1.0", endpoint: "http://ml-service.novacron.svc:8000", scrapeInterval: 30 });
    const pod = (await inputsOf("Deployment", "mle-team")).spec.template;
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(pod.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: "ML_MODEL_ENDPOINT", value: "http://ml-service.novacron.svc:8000" }, { name: "SCRAPE_INTERVAL", value: "30" }]));
    expect((await inputsOf("NetworkPolicy", "mle-team")).spec.egress).toEqual([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 8000, protocol: "TCP" }] }]);
    expect(await valueOf(exporter.scrapeTarget)).toEqual({ name: "ml-model-exporter", namespace: "team-a", service: "mle-team", port: 9200, path: "/metrics" });
  });
});

test("components register under their novacron:<module>:<Type> tokens", async () => {
  const tokens = new Set((await recorder.settle()).map((r) => r.type).filter((t) => t.startsWith("novacron:")));
  expect(tokens).toEqual(new Set([
    "novacron:alertmanager:Alertmanager", "novacron:prometheus:Prometheus", "novacron:exporters:NodeExporter",
    "novacron:exporters:Cadvisor", "novacron:exporters:BlackboxExporter", "novacron:exporters:KubeStateMetrics", "novacron:exporters:MlModelExporter",
  ]));
});
