// Grafana: the pure renderers (datasources, providers, settings, dashboards from the alert catalog) and the
// component under Pulumi's mocks (in-cluster datasources, secrets only in a Secret, dashboards mounted).
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { buildAlertCatalog, renderRuleFiles } from "../../components/alerts";
import {
  buildDashboards, dashboardQueries, elasticsearchUid, grafanaReplicas, INFRASTRUCTURE_UID, renderDashboardProviders, renderDatasources,
  renderGrafanaEnv, STACK_HEALTH_UID, TRACE_ID_PATTERN,
} from "../../components/grafana";
import { renderIndexTemplates } from "../../components/elasticsearch/render-indices";
import { fields as logFields } from "../../components/log-parsing/rules";
import { ResourceRecorder, valueOf } from "../helpers/mocks";

const base = { prometheusUrl: "http://prometheus.monitoring.svc:9090", scrapeInterval: "15s", prometheusVersion: "3.16.0" };
const seedIndexPatterns = ["novacron-application-*", "novacron-ml-*", "novacron-access-*", "novacron-errors-*"];
const everything = {
  ...base,
  alertmanagerUrl: "http://alertmanager.monitoring.svc:9093",
  lokiUrl: "http://loki.monitoring.svc:3100",
  jaegerUrl: "http://jaeger.monitoring.svc:16686",
  elasticsearch: { url: "https://novacron-es-http.monitoring.svc:9200", indexPatterns: seedIndexPatterns },
};
const byUid = (file: any) => Object.fromEntries(file.datasources.map((d: any) => [d.uid, d]));

describe("datasources", () => {
  test("only what is given: Prometheus (default) and Alertmanager, no logs or traces", () => {
    const file = renderDatasources({ ...base, alertmanagerUrl: "http://alertmanager.monitoring.svc:9093" });
    expect(file.datasources).toEqual([
      expect.objectContaining({ uid: "prometheus", type: "prometheus", isDefault: true, url: base.prometheusUrl, jsonData: expect.objectContaining({ timeInterval: "15s" }) }),
      expect.objectContaining({ uid: "alertmanager", type: "alertmanager", jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false } }),
    ]);
    // No Jaeger, so no link to it from Prometheus exemplars.
    expect(JSON.stringify(file)).not.toContain("jaeger");
  });

  test("with Loki, Jaeger and Elasticsearch: stable uids, one Elasticsearch datasource per seed index pattern", () => {
    const ds = byUid(renderDatasources(everything));
    expect(Object.keys(ds)).toEqual(["prometheus", "alertmanager", "loki", "jaeger", "elasticsearch-application", "elasticsearch-ml", "elasticsearch-access", "elasticsearch-errors"]);
    expect(ds.loki.url).toBe("http://loki.monitoring.svc:3100");
    expect(ds.jaeger.url).toBe("http://jaeger.monitoring.svc:16686");
    expect(ds["elasticsearch-ml"]).toMatchObject({ url: everything.elasticsearch.url, basicAuth: true, jsonData: { index: "novacron-ml-*", tlsAuthWithCACert: true } });
    expect(elasticsearchUid("novacron-application-*")).toBe("elasticsearch-application");
    // Grafana's log view reads fields the indices really map (the parsing rules' level, the line itself).
    const templates = renderIndexTemplates({ prefix: "novacron", shards: 1, replicas: 1 }) as Record<string, any>;
    for (const family of ["application", "ml", "access", "errors"]) {
      const mapped = Object.keys(templates[`novacron-${family}`].template.mappings.properties);
      const { logLevelField, logMessageField, timeField } = ds[`elasticsearch-${family}`].jsonData;
      expect(mapped).toEqual(expect.arrayContaining([logLevelField, logMessageField, timeField]));
      expect(Object.keys(logFields)).toContain(logLevelField);
    }
  });

  test("correlations: exemplars → Jaeger, Loki trace ids → Jaeger, Jaeger spans → Loki", () => {
    const ds = byUid(renderDatasources(everything));
    expect(ds.prometheus.jsonData.exemplarTraceIdDestinations).toEqual([{ name: "trace_id", datasourceUid: "jaeger" }]);
    expect(ds.loki.jsonData.derivedFields).toEqual([expect.objectContaining({ datasourceUid: "jaeger", matcherRegex: TRACE_ID_PATTERN, url: "$${__value.raw}" })]);
    expect(ds.jaeger.jsonData.tracesToLogsV2).toMatchObject({ datasourceUid: "loki", filterByTraceID: true });
    // The derived field really extracts a trace id from the log formats we ship (JSON and logfmt).
    const re = new RegExp(TRACE_ID_PATTERN);
    expect(re.exec('{"level":"info","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","msg":"ok"}')?.[1]).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(re.exec("level=info traceID=00f067aa0ba902b7 msg=ok")?.[1]).toBe("00f067aa0ba902b7");
    expect(re.exec("level=info msg=no-trace")).toBeNull();
  });

  test("no credential in the file, and every $ Grafana would expand is either escaped or a $__file{} reference", () => {
    const text = JSON.stringify(renderDatasources(everything));
    const dollars = [...text.matchAll(/\$+[^$]/g)].map((m) => m[0]);
    expect(dollars.every((d) => d.startsWith("$$") || d === "$_")).toBe(true);
    expect(text.match(/\$__file\{[^}]+\}/g)).toEqual(expect.arrayContaining([
      "$__file{/etc/grafana/secrets/elasticsearch/username}",
      "$__file{/etc/grafana/secrets/elasticsearch/password}",
      "$__file{/etc/grafana/secrets/elasticsearch-ca/ca.crt}",
    ]));
  });
});

describe("settings and replicas", () => {
  test("sign-up and anonymous access off, Grafana evaluates no alerts, secrets only as file paths", () => {
    const env = renderGrafanaEnv({ database: true, rootUrl: "https://grafana.novacron.com" });
    expect(env).toMatchObject({
      GF_USERS_ALLOW_SIGN_UP: "false",
      GF_AUTH_ANONYMOUS_ENABLED: "false",
      GF_UNIFIED_ALERTING_EXECUTE_ALERTS: "false",
      GF_SECURITY_COOKIE_SECURE: "true",
      GF_SECURITY_ADMIN_PASSWORD__FILE: "/etc/grafana/secrets/grafana/admin-password",
      GF_DATABASE_URL__FILE: "/etc/grafana/secrets/grafana/database-url",
    });
    expect(Object.keys(env).filter((k) => /PASSWORD|SECRET|DATABASE_URL/.test(k)).every((k) => k.endsWith("__FILE"))).toBe(true);
    expect(renderGrafanaEnv({ database: false })).not.toHaveProperty("GF_DATABASE_URL__FILE");
  });

  test("more than one replica only with a shared database", () => {
    expect(grafanaReplicas(2, true)).toEqual({ replicas: 2 });
    expect(grafanaReplicas(2, false)).toEqual({ replicas: 1, reason: expect.stringMatching(/replicas share state only through a database/) });
    expect(grafanaReplicas(1, false)).toEqual({ replicas: 1 });
  });

  test("one read-only file provider per folder", () => {
    const providers = renderDashboardProviders(buildDashboards()) as any;
    expect(providers.providers.map((p: any) => [p.folder, p.options.path, p.allowUiUpdates])).toEqual([
      ["NovaCron", "/etc/grafana/dashboards/novacron", false],
      ["Monitoring stack", "/etc/grafana/dashboards/novacron-monitoring-stack", false],
    ]);
  });
});

describe("dashboards", () => {
  const dashboards = buildDashboards();
  const panelsOf = (uid: string, d = dashboards) => (d.find((x) => x.uid === uid)!.model.panels ?? []) as any[];
  const stepsOf = (uid: string, title: string, d = dashboards) => panelsOf(uid, d).find((p) => p.title === title)!.fieldConfig.defaults.thresholds.steps;

  test("the seed's three dashboards plus Stack health, in folders, each with environment and its own variables", () => {
    expect(dashboards.map((d) => [d.title, d.folder])).toEqual([["Infrastructure", "novacron"], ["Application", "novacron"], ["ML Pipeline", "novacron"], ["Stack health", "stack"]]);
    const variables = Object.fromEntries(dashboards.map((d) => [d.title, d.model.templating!.list!.map((v) => v.name)]));
    expect(variables).toEqual({
      Infrastructure: ["environment", "instance", "namespace"],
      Application: ["environment", "namespace", "service"],
      "ML Pipeline": ["environment", "model"],
      "Stack health": ["environment", "job"],
    });
  });

  test("every panel is described, reads the Prometheus datasource by uid, fits the grid, and has a unique id", () => {
    for (const d of dashboards) {
      const panels = panelsOf(d.uid).filter((p) => p.type !== "row");
      expect(panels.filter((p) => !p.description).map((p) => p.title)).toEqual([]);
      expect(panels.every((p) => p.datasource?.uid === "prometheus" && p.targets.every((t: any) => t.datasource.uid === "prometheus" && t.refId))).toBe(true);
      expect(panels.every((p) => p.gridPos.x + p.gridPos.w <= 24)).toBe(true);
      const ids = panelsOf(d.uid).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  test("threshold lines are the alert catalog's thresholds", () => {
    expect(stepsOf(INFRASTRUCTURE_UID, "CPU utilisation").map((s: any) => s.value)).toEqual([null, 0.8, 0.95]);
    expect(stepsOf(INFRASTRUCTURE_UID, "Memory utilisation").map((s: any) => s.value)).toEqual([null, 0.85]);
    expect(stepsOf(INFRASTRUCTURE_UID, "Disk usage by filesystem").map((s: any) => s.value)).toEqual([null, 0.8]);
    expect(stepsOf("novacron-application", "Error rate").map((s: any) => s.value)).toEqual([null, 0.05]);
    expect(stepsOf("novacron-ml-pipeline", "Accuracy")).toEqual([{ value: null, color: "red" }, { value: 0.85, color: "green" }]);
    // "More than 0 migration failures" colours from the first failure, not from zero.
    expect(stepsOf("novacron-application", "Migration failures (5m)").map((s: any) => s.value)).toEqual([null, 1]);
    const cpu = panelsOf(INFRASTRUCTURE_UID).find((p) => p.title === "CPU utilisation");
    expect(cpu.fieldConfig.defaults.custom.thresholdsStyle).toEqual({ mode: "dashed" });
  });

  test("a threshold changed in the catalog changes both the alert rule and the dashboards", () => {
    const catalog = buildAlertCatalog({ HighCPUUsage: 0.7, ModelPerformanceDegradation: 0.9 });
    const rules = parse(renderRuleFiles({ runbookBaseUrl: "https://runbooks.example", alerts: catalog })["infrastructure.yml"]);
    const rule = rules.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === "HighCPUUsage");
    expect(rule.expr).toMatch(/> 0\.7$/);
    const changed = buildDashboards(catalog);
    expect(stepsOf(INFRASTRUCTURE_UID, "CPU utilisation", changed).map((s: any) => s.value)).toEqual([null, 0.7, 0.95]);
    expect(stepsOf(INFRASTRUCTURE_UID, "CPU (busiest node)", changed).map((s: any) => s.value)).toEqual([null, 0.7, 0.95]);
    // Thresholds inside queries follow too.
    const ml = dashboardQueries(changed.find((d) => d.uid === "novacron-ml-pipeline")!.model);
    expect(ml.find((q) => q.panel === "Models below the accuracy floor")!.expr).toContain("< 0.9)");
    // Everything else is unchanged.
    expect(stepsOf(INFRASTRUCTURE_UID, "Memory utilisation", changed).map((s: any) => s.value)).toEqual([null, 0.85]);
  });

  test("a dashboard refuses an alert without a threshold instead of drawing no line", () => {
    const catalog = buildAlertCatalog().map((a) => (a.name === "HighDiskUsage" ? { ...a, threshold: undefined } : a));
    expect(() => buildDashboards(catalog)).toThrow(/HighDiskUsage has no threshold/);
  });

  test("Stack health covers targets, scrapes, rule evaluation, alerts and notifications", () => {
    const rows = panelsOf(STACK_HEALTH_UID).filter((p) => p.type === "row").map((p) => p.title);
    expect(rows).toEqual(["Targets", "Scrapes", "Rule evaluation", "Notifications"]);
  });
});

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
