// Grafana in the stack: its config keys (secrets refused in plain text, never echoed), and what the dev and
// prod stacks register for it.
import { parse } from "yaml";
import { parseStackConfig, StackConfigError } from "../../stacks/config";
import { renderStack, RenderResult } from "../../scripts/render";

const cfg = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`novacron:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
const problemsOf = (raw: Record<string, string>, secrets: string[] = []) => {
  try {
    parseStackConfig(raw, new Set(secrets.map((k) => `novacron:${k}`)));
  } catch (err) {
    expect(err).toBeInstanceOf(StackConfigError);
    return err as StackConfigError;
  }
  throw new Error("config was accepted");
};

describe("config", () => {
  test("Grafana's secrets must be Pulumi secrets, and their values are never echoed", () => {
    const err = problemsOf(cfg({ environment: "dev", grafanaAdminPassword: "SENTINEL-pw", grafanaDatabaseUrl: "https://SENTINEL-db" }), ["grafanaDatabaseUrl"]);
    expect(err.problems).toEqual([
      { key: "novacron:grafanaAdminPassword", message: expect.stringContaining("pulumi config set --secret novacron:grafanaAdminPassword") },
      { key: "novacron:grafanaDatabaseUrl", message: expect.stringMatching(/postgres:\/\/ or mysql:\/\//) },
    ]);
    expect(err.message).not.toContain("SENTINEL");
  });

  test("the grafana section is validated with the rest, every problem by its key", () => {
    const err = problemsOf(cfg({ environment: "dev", grafana: { replicas: 0, storageSize: "big", colour: "blue", ingressFrom: [{ namespace: "Ingress", podLabels: {} }] } }));
    expect(err.problems.map((p) => p.key).sort()).toEqual([
      "novacron:grafana",
      "novacron:grafana.ingressFrom[0].namespace",
      "novacron:grafana.ingressFrom[0].podLabels",
      "novacron:grafana.replicas",
      "novacron:grafana.storageSize",
    ]);
  });

  test("secrets given are passed on as secrets, keyed like the config", () => {
    const { secretKeysPresent } = parseStackConfig(cfg({ environment: "dev", grafanaAdminPassword: "x".repeat(20), grafanaDatabaseUrl: "postgres://g:p@db:5432/grafana" }), new Set(["novacron:grafanaAdminPassword", "novacron:grafanaDatabaseUrl"]));
    expect(secretKeysPresent.sort()).toEqual(["grafanaAdminPassword", "grafanaDatabaseUrl"]);
  });
});

describe("stacks", () => {
  const rendered: Record<string, RenderResult> = {};
  beforeAll(async () => {
    rendered.dev = await renderStack("dev");
    rendered.prodHa = await renderStack("prod", { "novacron:grafanaDatabaseUrl": "postgres://grafana:SENTINEL-db@db.example:5432/grafana", "novacron:grafanaAdminPassword": "SENTINEL-admin" });
  });
  const objects = (r: RenderResult) => r.resources.filter((x) => x.type.startsWith("kubernetes:")).map((x) => x.inputs);
  const named = (r: RenderResult, kind: string, name: string) => objects(r).find((o) => o.kind === kind && o.metadata.name === name)!;

  test("dev: one replica on a volume, datasources at the stack's own Prometheus, Alertmanager, Loki, Jaeger and Elasticsearch, dashboards rendered for review", () => {
    const deployment = named(rendered.dev, "Deployment", "grafana");
    expect(deployment.spec.replicas).toBe(1);
    expect(named(rendered.dev, "PersistentVolumeClaim", "grafana-data").spec.resources.requests.storage).toBe("2Gi");
    const ds = parse(rendered.dev.files["grafana/provisioning/datasources/datasources.yaml"]).datasources;
    const esUrl = "https://logs-es-http.monitoring.svc:9200";
    expect(ds.map((d: any) => [d.uid, d.type, d.url])).toEqual([
      ["prometheus", "prometheus", "http://prometheus.monitoring.svc:9090"],
      ["alertmanager", "alertmanager", "http://alertmanager.monitoring.svc:9093"],
      ["loki", "loki", "http://loki.monitoring.svc:3100"],
      ["jaeger", "jaeger", "http://jaeger.monitoring.svc:16686"],
      // One per index family of the seed, each on its own index pattern.
      ["elasticsearch-application", "elasticsearch", esUrl],
      ["elasticsearch-ml", "elasticsearch", esUrl],
      ["elasticsearch-access", "elasticsearch", esUrl],
      ["elasticsearch-errors", "elasticsearch", esUrl],
    ]);
    expect(ds.filter((d: any) => d.type === "elasticsearch").map((d: any) => [d.uid, d.jsonData.index])).toEqual(
      ["application", "ml", "access", "errors"].map((kind) => [`elasticsearch-${kind}`, `novacron-${kind}-*`]),
    );
    // Each URL is a Service the stack runs, on the port it serves: ours by name, Elasticsearch's the one ECK
    // creates for the "logs" cluster (<cluster>-es-http).
    for (const [service, port] of [["prometheus", 9090], ["alertmanager", 9093], ["loki", 3100], ["jaeger", 16686]] as const) {
      const svc = named(rendered.dev, "Service", service);
      expect([service, svc.metadata.namespace, svc.spec.ports.map((p: any) => p.port)]).toEqual([service, "monitoring", expect.arrayContaining([port])]);
    }
    expect(named(rendered.dev, "Elasticsearch", "logs").metadata.namespace).toBe("monitoring");
    // Elasticsearch as its read-only user over TLS: credentials and CA read from mounted Secrets, never inline.
    const es = ds.find((d: any) => d.uid === "elasticsearch-application");
    expect(es).toMatchObject({ basicAuth: true, basicAuthUser: expect.stringMatching(/^\$__file\{/), secureJsonData: { basicAuthPassword: expect.stringMatching(/^\$__file\{/), tlsCACert: expect.stringMatching(/^\$__file\{/) } });
    const secretVolumes = deployment.spec.template.spec.volumes.filter((v: any) => v.secret).map((v: any) => v.secret.secretName);
    expect(secretVolumes).toEqual(expect.arrayContaining(["logs-es-user-grafana", "logs-es-http-certs-public"]));
    expect(named(rendered.dev, "Secret", "logs-es-user-grafana").stringData.roles).toBe("novacron_reader");
    expect(Object.keys(rendered.dev.files).filter((f) => f.startsWith("grafana/dashboards/")).sort()).toEqual([
      "grafana/dashboards/novacron-kubernetes/novacron-k8s-compute.json",
      "grafana/dashboards/novacron-kubernetes/novacron-k8s-networking.json",
      "grafana/dashboards/novacron-monitoring-stack/novacron-log-trace-pipeline.json",
      "grafana/dashboards/novacron-monitoring-stack/novacron-stack-health.json",
      "grafana/dashboards/novacron/novacron-application.json",
      "grafana/dashboards/novacron/novacron-infrastructure.json",
      "grafana/dashboards/novacron/novacron-ml-pipeline.json",
      "grafana/dashboards/novacron/novacron-slos.json",
    ]);
    // Prometheus and Alertmanager admit Grafana's pods.
    const grafanaPods = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "grafana" };
    for (const app of ["prometheus", "alertmanager"]) {
      const from = named(rendered.dev, "NetworkPolicy", app).spec.ingress.flatMap((rule: any) => rule.from.map((p: any) => p.podSelector.matchLabels));
      expect(from).toContainEqual(grafanaPods);
    }
  });

  test("prod with a database: two replicas, and neither secret outside the Secret or in a rendered file", () => {
    expect(named(rendered.prodHa, "Deployment", "grafana").spec.replicas).toBe(2);
    expect(objects(rendered.prodHa).some((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name === "grafana-data")).toBe(false);
    const secret = named(rendered.prodHa, "Secret", "grafana-secrets");
    expect(secret.stringData).toMatchObject({ "admin-password": "SENTINEL-admin", "database-url": expect.stringContaining("SENTINEL-db") });
    expect(JSON.stringify(objects(rendered.prodHa).filter((o) => o.kind !== "Secret"))).not.toContain("SENTINEL");
    expect(Object.values(rendered.prodHa.files).join("\n")).not.toContain("SENTINEL");
  });
});
