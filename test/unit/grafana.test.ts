// The Grafana component under Pulumi's mocks: in-cluster datasources, secrets only in a Secret, dashboards
// mounted. Its pure renderers and the dashboards are tested beside them in components/grafana/.
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { ResourceRecorder, valueOf } from "../helpers/mocks";

const seedIndexPatterns = ["novacron-application-*", "novacron-ml-*", "novacron-access-*", "novacron-errors-*"];
const byUid = (file: any) => Object.fromEntries(file.datasources.map((d: any) => [d.uid, d]));

describe("Grafana component (mocks)", () => {
  const recorder = new ResourceRecorder();
  let lib: typeof import("../../components");
  beforeAll(async () => {
    await recorder.install();
    lib = await import("../../components");
  });
  const find = async (kind: string, name: string) => {
    await recorder.settle();
    const found = recorder.ofKind(kind).find((r) => r.inputs.metadata?.name === name);
    if (!found) throw new Error(`no ${kind} ${name}; have ${recorder.ofKind(kind).map((r) => r.inputs.metadata?.name).join(", ")}`);
    return found.inputs;
  };
  const prometheusPods = { namespace: "mon", podLabels: { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "prometheus" } };

  test("single replica on a volume: datasources point at the in-cluster services, admin password only in the Secret", async () => {
    const g = new lib.Grafana("gf-one", {
      namespace: "mon",
      prometheus: { url: "http://prometheus.mon.svc:9090", pods: prometheusPods, port: 9090 },
      alertmanager: { url: "http://alertmanager.mon.svc:9093", port: 9093 },
      adminPassword: pulumi.secret("SENTINEL-ADMIN-PASSWORD"),
      replicas: 3,
    });
    expect(g.replicas).toBe(1);
    const ds = byUid(parse(await valueOf(g.datasourcesYaml)));
    expect([ds.prometheus.url, ds.alertmanager.url]).toEqual(["http://prometheus.mon.svc:9090", "http://alertmanager.mon.svc:9093"]);
    expect(ds.loki).toBeUndefined();

    const secret = await find("Secret", "gf-one-secrets");
    expect(secret.stringData["admin-password"]).toBe("SENTINEL-ADMIN-PASSWORD");
    expect(secret.stringData["secret-key"]).toEqual(expect.any(String));
    const elsewhere = recorder.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind !== "Secret");
    expect(JSON.stringify(elsewhere)).not.toContain("SENTINEL-ADMIN-PASSWORD");
    expect(await valueOf(g.adminPassword)).toBe("SENTINEL-ADMIN-PASSWORD");
    expect(pulumi.Output.isInstance(g.adminPassword) && (await (g.adminPassword as any).isSecret)).toBe(true);

    const deployment = await find("Deployment", "gf-one");
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } });
    const container = pod.containers[0];
    expect(container.image).toMatch(/^docker\.io\/grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    expect(env.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe("/etc/grafana/secrets/grafana/admin-password");
    expect(env).not.toHaveProperty("GF_SECURITY_ADMIN_PASSWORD");
    expect(pod.volumes.find((v: any) => v.name === "data")).toEqual({ name: "data", persistentVolumeClaim: { claimName: "gf-one-data" } });
    expect((await find("PersistentVolumeClaim", "gf-one-data")).spec.resources.requests.storage).toBe("2Gi");
  });

  test("dashboards ConfigMaps are mounted where the providers read them; the datasource file is mounted for provisioning", async () => {
    const deployment = await find("Deployment", "gf-one");
    const pod = deployment.spec.template.spec;
    const mountOf = (volume: string) => pod.containers[0].volumeMounts.find((m: any) => m.name === pod.volumes.find((v: any) => v.configMap?.name === volume)?.name)?.mountPath;
    const providers = parse((await find("ConfigMap", "gf-one-dashboard-providers")).data["dashboards.yaml"]);
    for (const provider of providers.providers) {
      const configMap = await find("ConfigMap", `gf-one-dashboards-${provider.folderUid}`);
      expect(mountOf(`gf-one-dashboards-${provider.folderUid}`)).toBe(provider.options.path);
      expect(Object.keys(configMap.data).length).toBeGreaterThan(0);
      for (const [file, json] of Object.entries<string>(configMap.data)) expect(`${JSON.parse(json).uid}.json`).toBe(file);
    }
    expect(mountOf("gf-one-datasources")).toBe("/etc/grafana/provisioning/datasources");
    expect(mountOf("gf-one-dashboard-providers")).toBe("/etc/grafana/provisioning/dashboards");
  });

  test("NetworkPolicy: egress to Prometheus' pods and Alertmanager's port only; UI only from the given clients", async () => {
    const policy = await find("NetworkPolicy", "gf-one");
    expect(policy.spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "mon" } }, podSelector: { matchLabels: prometheusPods.podLabels } }], ports: [{ port: 9090, protocol: "TCP" }] },
      { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 9093, protocol: "TCP" }] },
    ]);
    // No clients and no scrapers given: nobody may connect (port-forward still works).
    expect(policy.spec.ingress).toEqual([]);
  });

  test("HA with a shared database: replicas, no volume, the URL only in the Secret, egress to the database port", async () => {
    const g = new lib.Grafana("gf-ha", {
      namespace: "mon",
      prometheus: { url: "http://prometheus.mon.svc:9090", port: 9090 },
      replicas: 2,
      databaseUrl: pulumi.secret("postgres://grafana:SENTINEL-DB@db.example:6432/grafana"),
      databasePort: 6432,
      clients: [{ namespace: "ingress", podLabels: { app: "ingress-nginx" } }],
    });
    expect(g.replicas).toBe(2);
    const deployment = await find("Deployment", "gf-ha");
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy.type).toBe("RollingUpdate");
    expect(deployment.spec.template.spec.volumes.find((v: any) => v.name === "data")).toEqual({ name: "data", emptyDir: {} });
    expect(recorder.ofKind("PersistentVolumeClaim").some((r) => r.inputs.metadata.name === "gf-ha-data")).toBe(false);
    expect((await find("Secret", "gf-ha-secrets")).stringData["database-url"]).toContain("SENTINEL-DB");
    expect(JSON.stringify(recorder.resources.filter((r) => r.inputs.kind !== "Secret"))).not.toContain("SENTINEL-DB");
    expect((await find("PodDisruptionBudget", "gf-ha")).spec.maxUnavailable).toBe(1);
    const policy = await find("NetworkPolicy", "gf-ha");
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 6432, protocol: "TCP" }] });
    expect(policy.spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("ingress");
  });

  test("a generated admin password when none is given; Elasticsearch credentials and CA mounted from their Secrets", async () => {
    const g = new lib.Grafana("gf-es", {
      namespace: "mon",
      prometheus: { url: "http://prometheus.mon.svc:9090", port: 9090 },
      loki: { url: "http://loki.mon.svc:3100", port: 3100 },
      jaeger: { url: "http://jaeger.mon.svc:16686", port: 16686 },
      elasticsearch: { url: "https://es-http.mon.svc:9200", port: 9200, credentialsSecret: "es-grafana-reader", caSecret: "es-http-certs-public", indexPatterns: seedIndexPatterns },
    });
    await recorder.settle();
    expect(recorder.resources.some((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name === "gf-es-admin-password")).toBe(true);
    expect(await (g.adminPassword as any).isSecret).toBe(true);
    const ds = byUid(parse(await valueOf(g.datasourcesYaml)));
    expect(Object.keys(ds)).toEqual(expect.arrayContaining(["loki", "jaeger", "elasticsearch-errors"]));
    const pod = (await find("Deployment", "gf-es")).spec.template.spec;
    expect(pod.volumes).toEqual(expect.arrayContaining([
      { name: "elasticsearch-credentials", secret: { secretName: "es-grafana-reader", defaultMode: 0o440 } },
      { name: "elasticsearch-ca", secret: { secretName: "es-http-certs-public", items: [{ key: "ca.crt", path: "ca.crt" }], defaultMode: 0o440 } },
    ]));
    const ports = (await find("NetworkPolicy", "gf-es")).spec.egress.map((e: any) => e.ports[0].port);
    expect(ports).toEqual([9090, 3100, 16686, 9200]);
  });
});
