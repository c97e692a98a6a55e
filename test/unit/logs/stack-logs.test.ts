// The logs and traces part of the dev and prod stacks under Pulumi's mocks: topology, storage, secrets,
// and the NetworkPolicies that admit only the flows the pipeline needs.
import { renderStack, RenderResult } from "../../../scripts/render";
import { parseStackConfig, StackConfigError } from "../../../stacks/config";
import { logstashHeapOptions } from "../../../components/logstash/heap";

const rendered: Record<string, RenderResult> = {};
beforeAll(async () => {
  rendered.dev = await renderStack("dev");
  rendered.prod = await renderStack("prod");
});

const kube = (env: string) => rendered[env].resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs);
const named = (env: string, kind: string, name: string) => {
  const found = kube(env).find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`${env}: no ${kind} ${name}`);
  return found;
};
const ingressFrom = (policy: any, port: number) => policy.spec.ingress.filter((r: any) => r.ports?.some((p: any) => p.port === port)).flatMap((r: any) => r.from);
const appsOf = (peers: any[]) => peers.map((p) => p.ipBlock ? "anywhere" : !p.podSelector ? "any pod" : p.podSelector.matchLabels["app.kubernetes.io/name"]).sort();

describe("Elasticsearch topology per environment", () => {
  test("dev: one node with every role, the stack's default storage class", () => {
    const es = named("dev", "Elasticsearch", "logs");
    expect(es.spec.nodeSets.map((s: any) => [s.name, s.count, s.config["node.roles"]])).toEqual([["default", 1, ["master", "data", "ingest"]]]);
    expect(es.spec.nodeSets[0].volumeClaimTemplates[0].spec).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } });
  });

  test("prod: 3 dedicated masters; hot, warm and cold tiers on their own storage classes and sizes", () => {
    const es = named("prod", "Elasticsearch", "logs");
    const sets = Object.fromEntries(es.spec.nodeSets.map((s: any) => [s.name, s]));
    expect(sets.masters.config["node.roles"]).toEqual(["master"]);
    expect(sets.masters.count).toBe(3);
    expect(sets.hot.config["node.roles"]).toContain("data_hot");
    expect(sets.warm.config["node.roles"]).toEqual(["data_warm"]);
    expect(sets.cold.config["node.roles"]).toEqual(["data_cold"]);
    const storage = (s: any) => [s.volumeClaimTemplates[0].spec.storageClassName, s.volumeClaimTemplates[0].spec.resources.requests.storage];
    expect([storage(sets.hot), storage(sets.warm), storage(sets.cold)]).toEqual([["fast-ssd", "200Gi"], ["standard", "500Gi"], ["cold", "1Ti"]]);
    // Memory request = limit for every JVM.
    for (const s of es.spec.nodeSets) {
      const { requests, limits } = s.podTemplate.spec.containers[0].resources;
      expect(requests.memory).toBe(limits.memory);
    }
  });

  test("prod archives to the snapshot repository with keystore credentials from a Secret, never inline", () => {
    const es = named("prod", "Elasticsearch", "logs");
    expect(es.spec.secureSettings).toEqual([{ secretName: "es-snapshot-credentials" }]);
    const files = rendered.prod.files;
    expect(JSON.parse(files["elasticsearch/snapshot/repository-novacron-archive.json"])).toEqual({ type: "s3", settings: { bucket: "novacron-prod-log-archive", base_path: "novacron-prod/logs", client: "default", compress: true } });
    expect(files["elasticsearch/bootstrap.sh"]).toContain('es PUT "_slm/policy/novacron-archive"');
    expect(rendered.dev.files["elasticsearch/snapshot/repository-novacron-archive.json"]).toBeUndefined();
  });

  test("prod's archive is what Pulumi.prod.yaml and the docs say: every novacron index daily from day one, each snapshot kept 1825 days, deleted indices only once snapshotted", () => {
    const files = rendered.prod.files;
    const slm = JSON.parse(files["elasticsearch/snapshot/slm-novacron-archive.json"]);
    expect(slm.schedule).toBe("0 30 1 * * ?"); // daily, not only after the cold phase
    expect(slm.config.indices).toEqual(["novacron-*"]);
    expect(slm.retention.expire_after).toBe("1825d");
    const ilm = JSON.parse(files["elasticsearch/ilm/novacron-logs.json"]).policy.phases;
    expect([ilm.delete.min_age, ilm.delete.actions.wait_for_snapshot]).toEqual(["365d", { policy: "novacron-archive" }]);
    const prodYaml = require("fs").readFileSync(require("path").resolve(__dirname, "../../../Pulumi.prod.yaml"), "utf8");
    expect(prodYaml).not.toMatch(/snapshots\s+(#\s*)?of indices older than a year/);
    expect(prodYaml).toMatch(/every novacron-\* index daily from its first day/);
  });

  test("the bootstrap Job is named after its content, so a changed policy or template makes a new Job", async () => {
    const jobName = (r: RenderResult) => r.resources.find((x) => x.inputs.kind === "Job")!.inputs.metadata.name;
    const changed = await renderStack("dev", { "novacron:elk": JSON.stringify({ lifecycle: { hotDays: 2, warmDays: 3, coldDays: 7 } }) });
    expect(jobName(changed)).toMatch(/^logs-bootstrap-[0-9a-f]{16}$/);
    expect(jobName(changed)).not.toBe(jobName(rendered.dev));
    const same = await renderStack("dev");
    expect(jobName(same)).toBe(jobName(rendered.dev));
  });
});

describe("Loki storage per environment", () => {
  test("dev keeps chunks on its volume; prod in an S3 bucket of the enabled cloud, through EKS Pod Identity", () => {
    const { parse } = require("yaml");
    expect(parse(rendered.dev.files["loki/loki.yaml"]).common.storage).toEqual({ filesystem: { chunks_directory: "/var/loki/chunks", rules_directory: "/var/loki/rules" } });
    const prod = parse(rendered.prod.files["loki/loki.yaml"]);
    expect(prod.common.storage.s3).toEqual({ bucketnames: expect.any(String), region: "eu-west-1" });
    expect(prod.limits_config.retention_period).toBe("31d");
    expect(prod.compactor.retention_enabled).toBe(true);
    const types = rendered.prod.resources.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(["aws:s3/bucket:Bucket", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:eks/podIdentityAssociation:PodIdentityAssociation"]));
    // Loki's own association (prod's Thanos has one for its service account too).
    const association = rendered.prod.resources.find((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && r.inputs.serviceAccount === "loki")!.inputs;
    expect(association).toMatchObject({ clusterName: "novacron-prod", namespace: "monitoring", serviceAccount: "loki" });
    expect(rendered.dev.resources.some((r) => r.type.startsWith("aws:"))).toBe(false);
    for (const target of ["loki-write", "loki-backend"]) expect(named("prod", "StatefulSet", target).spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("50Gi");
  });

  test("prod (all three clouds on, the bucket in AWS): every Loki target reaches S3 over HTTPS and the EKS Pod Identity Agent, not GKE's metadata server; dev reaches nothing", () => {
    for (const target of ["loki-write", "loki-read", "loki-backend"]) {
      const rules = named("prod", "NetworkPolicy", target).spec.egress.filter((r: any) => r.to.every((t: any) => t.ipBlock)).map((r: any) => [r.to.map((t: any) => t.ipBlock.cidr), r.ports.map((p: any) => p.port)]);
      expect([target, rules]).toEqual([target, [[["0.0.0.0/0"], [443]], [["169.254.170.23/32"], [80]]]]);
    }
    expect(named("dev", "NetworkPolicy", "loki").spec.egress).toEqual([]);
  });
});

describe.each(["dev", "prod"])("%s: secrets", (env) => {
  test("every Elasticsearch user's password is in a basic-auth Secret; pods read it by reference", () => {
    for (const user of ["logstash", "grafana", "jaeger", "bootstrap"]) {
      const secret = named(env, "Secret", `logs-es-user-${user}`);
      expect(secret.type).toBe("kubernetes.io/basic-auth");
      expect(secret.stringData.password).toBe(`generated-logs-${user}`);
    }
    const generated = /generated-logs-/;
    const leaks = kube(env).filter((o) => o.kind !== "Secret" && generated.test(JSON.stringify(o)));
    expect(leaks.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([]);
    for (const [file, content] of Object.entries(rendered[env].files)) expect([file, generated.test(content)]).toEqual([file, false]);
    const logstash = named(env, "StatefulSet", "logstash").spec.template.spec.containers[0];
    expect(logstash.env.find((e: any) => e.name === "ES_PASSWORD").valueFrom.secretKeyRef).toEqual({ name: "logs-es-user-logstash", key: "password" });
  });
});

describe("Logstash's JVM heap is half its container's memory limit", () => {
  test.each([["dev", "1Gi", 512], ["prod", "2Gi", 1024]])("%s: limit %s, heap %im (Xms = Xmx), not the image's fixed 1g", (env, limit, mib) => {
    const logstash = named(env, "StatefulSet", "logstash").spec.template.spec.containers[0];
    expect(logstash.resources.limits.memory).toBe(limit);
    const opts = logstash.env.find((e: any) => e.name === "LS_JAVA_OPTS").value;
    expect(opts).toBe(`-Xms${mib}m -Xmx${mib}m -Djava.io.tmpdir=/tmp`);
  });

  test("floored to whole MiB; a limit leaving less than 256Mi of heap is refused", () => {
    expect(logstashHeapOptions("1537Mi")).toBe("-Xms768m -Xmx768m");
    expect(logstashHeapOptions("3Gi")).toBe("-Xms1536m -Xmx1536m");
    expect(() => logstashHeapOptions("511Mi")).toThrow(/too small/);
    expect(() => logstashHeapOptions("1G")).toThrow(/must be a quantity/);
  });
});

describe("the log shipper joins multi-line entries only in NovaCron's namespaces", () => {
  test.each(["dev", "prod"])("%s: the NovaCron targets' namespace, nothing else", (env) => {
    const config = rendered[env].files["log-shipper/config.alloy"];
    expect(config).toContain('selector = "{namespace=~\\"novacron\\"}"');
    expect(config.match(/stage\.multiline/g)).toHaveLength(1);
  });

  test("configurable: logShipper.multilineNamespaces replaces the targets' namespaces; [] joins nothing", async () => {
    const custom = await renderStack("dev", { "novacron:logShipper": JSON.stringify({ multilineNamespaces: ["novacron", "novacron-ml"] }) });
    expect(custom.files["log-shipper/config.alloy"]).toContain('selector = "{namespace=~\\"novacron|novacron-ml\\"}"');
    const none = await renderStack("dev", { "novacron:logShipper": JSON.stringify({ multilineNamespaces: [] }) });
    expect(none.files["log-shipper/config.alloy"]).not.toContain("stage.multiline");
  });
});

describe.each(["dev", "prod"])("%s: NetworkPolicies", (env) => {
  test("only the shipper reaches Logstash; Loki's port (push and query) only the shipper, Grafana and Prometheus (its metrics); the shipper reaches only them and the API server", () => {
    expect(appsOf(ingressFrom(named(env, "NetworkPolicy", "logstash"), 8080))).toEqual(["log-shipper"]);
    if (env === "dev") expect(appsOf(ingressFrom(named(env, "NetworkPolicy", "loki"), 3100))).toEqual(["grafana", "log-shipper", "prometheus"]);
    else {
      // Scalable: pushes reach the write path only, queries the read path only; the backend only Loki's own
      // pods; Prometheus scrapes every target's metrics on the same port.
      expect(appsOf(ingressFrom(named(env, "NetworkPolicy", "loki-write"), 3100))).toEqual(["log-shipper", "loki", "prometheus"]);
      expect(appsOf(ingressFrom(named(env, "NetworkPolicy", "loki-read"), 3100))).toEqual(["grafana", "loki", "prometheus"]);
      expect(appsOf(ingressFrom(named(env, "NetworkPolicy", "loki-backend"), 3100))).toEqual(["loki", "prometheus"]);
    }
    const shipper = named(env, "NetworkPolicy", "log-shipper");
    expect(shipper.metadata.namespace).toBe("monitoring-host");
    // Only Prometheus comes in, to Alloy's HTTP port (its /metrics).
    expect(shipper.spec.ingress.map((r: any) => [r.from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/name"]), r.ports.map((p: any) => p.port)])).toEqual([[["prometheus"], [12345]]]);
    const egressApps = shipper.spec.egress.flatMap((r: any) => r.to.filter((t: any) => t.podSelector).map((t: any) => [t.podSelector.matchLabels["app.kubernetes.io/name"], r.ports.map((p: any) => p.port)]));
    expect(egressApps).toEqual([["loki", [3100]], ["logstash", [8080]]]);
  });

  test("Elasticsearch admits its writers, readers and the operator on 9200, only its own nodes on 9300", () => {
    const es = named(env, "NetworkPolicy", "logs");
    const http = appsOf(ingressFrom(es, 9200));
    expect(http).toEqual(expect.arrayContaining(["elastic-operator", "elasticsearch", "elasticsearch-bootstrap", "elasticsearch-exporter", "kibana", "logstash"]));
    expect(http.includes("jaeger")).toBe(env === "prod");
    expect(appsOf(ingressFrom(es, 9300))).toEqual(["elasticsearch"]);
  });

  test("the ECK operator's namespace denies by default; the operator reaches the API server, Elasticsearch and Kibana; only the API server's webhook calls and Prometheus' scrapes reach it", () => {
    const operator = named(env, "NetworkPolicy", "elastic-operator");
    expect(operator.metadata.namespace).toBe("elastic-system");
    expect(operator.spec.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "elastic-operator" } });
    expect(operator.spec.ingress[0]).toEqual({ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 9443, protocol: "TCP" }] });
    expect(operator.spec.ingress.slice(1).map((r: any) => [appsOf(r.from), r.ports.map((p: any) => p.port)])).toEqual([[["prometheus"], [9090]]]);
    const egress = operator.spec.egress.map((r: any) => [appsOf(r.to), r.ports.map((p: any) => p.port)]);
    expect(egress).toEqual([[["anywhere"], [443, 6443]], [["elasticsearch"], [9200]], [["kibana"], [5601]]]);
    expect(operator.spec.egress[1].to[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe("monitoring");
  });

  test("Jaeger: spans from any pod of the cluster (not any address) on the ingest ports, the query port from Grafana only", () => {
    const jaeger = named(env, "NetworkPolicy", "jaeger");
    expect(appsOf(ingressFrom(jaeger, 4317))).toEqual(["any pod"]);
    expect(ingressFrom(jaeger, 4317)).toEqual([{ namespaceSelector: {} }]);
    expect(appsOf(ingressFrom(jaeger, 16686))).toEqual(["grafana"]);
  });
});

describe("queriers (Grafana) are let in to Loki, Jaeger and Elasticsearch", () => {
  test("a querier peer appears on each component's query port", async () => {
    const { createLogsAndTraces } = await import("../../../stacks/logs-and-traces");
    expect(createLogsAndTraces).toBeInstanceOf(Function);
    const { ResourceRecorder } = await import("../../helpers/mocks");
    const recorder = new ResourceRecorder();
    await recorder.install("queriers");
    const pulumi = await import("@pulumi/pulumi");
    const { presets } = await import("../../../stacks/presets");
    createLogsAndTraces({ ...presets.dev, jaeger: { ...presets.dev.jaeger } }, {
      namespace: pulumi.output("monitoring"), hostNamespace: pulumi.output("monitoring-host"),
      queriers: [{ namespace: "monitoring", podLabels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "grafana" } }],
    });
    await recorder.settle();
    const policy = (name: string) => recorder.ofKind("NetworkPolicy").find((r) => r.inputs.metadata.name === name)!.inputs;
    expect(appsOf(ingressFrom(policy("loki"), 3100))).toEqual(["grafana", "log-shipper"]);
    expect(appsOf(ingressFrom(policy("jaeger"), 16686))).toEqual(["grafana"]);
    expect(appsOf(ingressFrom(policy("logs"), 9200))).toContain("grafana");
  });
});

describe("logs and traces config validation", () => {
  const base = { "novacron:environment": "prod", "novacron:notifications": JSON.stringify({ slack: { enabled: true } }), "novacron:slackWebhookUrl": "https://hooks.slack.com/services/x" };
  const secrets = new Set(["novacron:slackWebhookUrl"]);
  const problems = (raw: Record<string, string>) => {
    try { parseStackConfig({ ...base, ...raw }, secrets); return []; } catch (e) { return (e as StackConfigError).problems.map((p) => `${p.key}: ${p.message}`); }
  };

  test("every problem at once, keyed by config path", () => {
    const found = problems({
      "novacron:elk": JSON.stringify({
        nodeSets: [{ name: "all", roles: ["master", "data"], count: 2, storageSize: "10Gi", resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } } }],
        lifecycle: { hotDays: 10, warmDays: 5, coldDays: 365 },
        snapshot: { enabled: true },
      }),
      "novacron:loki": JSON.stringify({ storage: "object", retention: "1h" }),
      "novacron:jaeger": JSON.stringify({ storage: "memory", sampling: { defaultProbability: 2 } }),
    });
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^novacron:elk\.nodeSets: have 2 master-eligible nodes; use an odd number/),
      expect.stringMatching(/^novacron:elk\.nodeSets\[0\]\.roles: must be only \["master"\] in prod/),
      expect.stringMatching(/^novacron:elk\.nodeSets: must include a data_warm node set in prod/),
      expect.stringMatching(/^novacron:elk\.lifecycle\.warmDays: \(5\) must be greater than hotDays \(10\)/),
      expect.stringMatching(/^novacron:elk\.snapshot\.bucket: is required/),
      expect.stringMatching(/^novacron:loki\.retention: retention must be at least 24h/),
      expect.stringMatching(/^novacron:jaeger\.sampling\.defaultProbability: must be between 0 and 1/),
      expect.stringMatching(/^novacron:jaeger\.replicas: must be 1 with memory storage/),
    ]));
  });

  test("object storage for Loki needs an enabled cloud; Azure also the OIDC issuer its workload identity trusts", () => {
    expect(problems({ "novacron:loki": JSON.stringify({ storage: "object" }) })).toEqual([expect.stringMatching(/^novacron:loki\.storage: is object but no cloud is enabled/)]);
    expect(problems({ "novacron:loki": JSON.stringify({ storage: "object" }), "novacron:clouds": JSON.stringify({ azure: { enabled: true, location: "westeurope" } }) }))
      .toEqual(expect.arrayContaining([expect.stringMatching(/^novacron:clouds\.azure\.oidcIssuerUrl: is required/), expect.stringMatching(/^novacron:clouds\.azure\.resourceGroup: is required/)]));
    expect(problems({ "novacron:loki": JSON.stringify({ storage: "object" }), "novacron:clouds": JSON.stringify({ gcp: { enabled: true, project: "novacron-prod", region: "europe-west1" } }) })).toEqual([]);
  });

  test("Logstash's memory limit leaves it at least 256Mi of heap; multiline namespaces are namespace names", () => {
    expect(problems({ "novacron:elk": JSON.stringify({ logstash: { resources: { requests: { cpu: "1", memory: "256Mi" }, limits: { cpu: "1", memory: "384Mi" } } } }) }))
      .toEqual([expect.stringMatching(/^novacron:elk\.logstash\.resources\.limits\.memory: \(384Mi\) must be at least 512Mi/)]);
    expect(problems({ "novacron:logShipper": JSON.stringify({ multilineNamespaces: ["Novacron"] }) }))
      .toEqual([expect.stringMatching(/^novacron:logShipper\.multilineNamespaces\[0\]: must be a Kubernetes namespace name/)]);
  });

  test("Jaeger on Elasticsearch needs the elk cluster", () => {
    expect(problems({ "novacron:elk": JSON.stringify({ enabled: false }) })).toEqual([expect.stringMatching(/^novacron:jaeger\.storage: is elasticsearch but elk\.enabled is false/)]);
  });
});

describe.each(["dev", "prod"])("%s: the pipeline watched by Prometheus", (env) => {
  const { parse } = require("yaml") as typeof import("yaml");
  const jobs = () => parse(rendered[env].files["prometheus/prometheus.yml"]).scrape_configs as any[];
  const job = (name: string) => {
    const found = jobs().find((j) => j.job_name === name);
    if (!found) throw new Error(`${env}: no scrape job ${name}`);
    return found;
  };
  const keepOf = (j: any, label: string) => j.relabel_configs.find((r: any) => r.action === "keep" && r.source_labels[0] === label)?.regex;

  test("Loki (its workloads' Services, not the headless ones), Jaeger, every node's Alloy and the Elasticsearch exporter each have their job", () => {
    const lokiServices = env === "dev" ? "loki" : "loki-write|loki-read|loki-backend";
    expect(keepOf(job("loki"), "__meta_kubernetes_service_name")).toBe(lokiServices);
    expect(keepOf(job("jaeger"), "__meta_kubernetes_endpointslice_port_name")).toBe("metrics");
    expect(job("log-shipper").kubernetes_sd_configs[0].namespaces.names).toEqual(["monitoring-host"]);
    expect(job("elasticsearch-exporter").metric_relabel_configs).toEqual(expect.arrayContaining([{ action: "labeldrop", regex: "cluster" }]));
    // The shipper's Service only exists for discovery.
    expect(named(env, "Service", "log-shipper").spec.clusterIP).toBe("None");
  });

  test("the exporter logs in as the monitoring user from its generated Secret (never plain text) and verifies the cluster's CA", () => {
    const deployment = named(env, "Deployment", "elasticsearch-exporter");
    const container = deployment.spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: "ES_USERNAME", valueFrom: { secretKeyRef: { name: "logs-es-user-monitoring", key: "username" } } },
      { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: "logs-es-user-monitoring", key: "password" } } },
    ]);
    expect(container.args).toEqual(expect.arrayContaining(["--es.uri=https://logs-es-http.monitoring.svc:9200", "--es.ca=/etc/es-ca/ca.crt"]));
    expect(named(env, "Secret", "logs-es-user-monitoring").stringData.roles).toBe("novacron_monitor");
    const policy = named(env, "NetworkPolicy", "elasticsearch-exporter");
    expect(appsOf(ingressFrom(policy, 9114))).toEqual(["prometheus"]);
    expect(policy.spec.egress.flatMap((r: any) => r.to.map((t: any) => [t.podSelector?.matchLabels["app.kubernetes.io/name"], r.ports.map((p: any) => p.port)]))).toEqual([["elasticsearch", [9200]]]);
  });

  test("Grafana is scraped once, under its own job (its pods no longer ask the annotation job to scrape them)", () => {
    expect(keepOf(job("grafana"), "__meta_kubernetes_service_name")).toBe("grafana");
    const pod = named(env, "Deployment", "grafana").spec.template;
    const annotations = pod.metadata?.annotations ?? {};
    expect(Object.keys(annotations).filter((k: string) => k.startsWith("prometheus.io/"))).toEqual([]);
  });

  test("the ECK operator's metrics: its own job through a Service selecting the chart's pods, and Prometheus let in", () => {
    expect(keepOf(job("eck-operator"), "__meta_kubernetes_service_name")).toBe("elastic-operator-metrics");
    expect(job("eck-operator").kubernetes_sd_configs[0].namespaces.names).toEqual(["elastic-system"]);
    const service = named(env, "Service", "elastic-operator-metrics");
    expect(service.spec.selector).toEqual({ "app.kubernetes.io/name": "elastic-operator" });
    expect(appsOf(ingressFrom(named(env, "NetworkPolicy", "elastic-operator"), 9090))).toEqual(["prometheus"]);
  });

  test("Jaeger lets Prometheus in to its metrics port only", () => {
    const jaeger = named(env, "NetworkPolicy", "jaeger");
    expect(appsOf(ingressFrom(jaeger, 8888))).toEqual(["prometheus"]);
  });

  test("Logstash: its sidecar's /probe scraped as job logstash through the headless Service, reading the API over loopback; only Prometheus let in", () => {
    const logstash = job("logstash");
    expect(keepOf(logstash, "__meta_kubernetes_service_name")).toBe("logstash-headless");
    expect(keepOf(logstash, "__meta_kubernetes_endpointslice_port_name")).toBe("metrics");
    expect(logstash).toMatchObject({ metrics_path: "/probe", params: { module: ["logstash"], target: ["http://127.0.0.1:9600/_node/stats"] } });
    expect(named(env, "Service", "logstash-headless").spec.ports.map((p: any) => [p.name, p.port])).toEqual([["api", 9600], ["metrics", 7979]]);
    // The OTLP Service stays as it was: the shipper's traffic never reaches the sidecar.
    expect(named(env, "Service", "logstash").spec.ports.map((p: any) => p.port)).toEqual([8080]);
    const policy = named(env, "NetworkPolicy", "logstash");
    expect(appsOf(ingressFrom(policy, 7979))).toEqual(["prometheus"]);
    expect(appsOf(ingressFrom(policy, 9600))).toEqual([]);
  });

  test("Logstash's metrics sidecar is hardened like every container, with its own small resources and probes on its own /metrics", () => {
    const pod = named(env, "StatefulSet", "logstash").spec.template;
    const sidecar = pod.spec.containers.find((c: any) => c.name === "metrics");
    expect(sidecar.image).toBe("quay.io/prometheuscommunity/json-exporter:v0.7.0");
    expect(sidecar.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(sidecar.resources).toEqual({ requests: { cpu: "10m", memory: "24Mi" }, limits: { cpu: "100m", memory: "64Mi" } });
    expect(sidecar.livenessProbe.httpGet).toEqual({ path: "/metrics", port: "metrics" });
    expect(sidecar.readinessProbe.httpGet).toEqual({ path: "/metrics", port: "metrics" });
    expect(sidecar.args).toEqual(["--config.file=/etc/json-exporter/config.yml", "--web.listen-address=:7979"]);
    expect(pod.spec.securityContext.runAsNonRoot ?? sidecar.securityContext.runAsNonRoot).toBe(true);
    // The exporter's config is part of the pod's config hash: changing it rolls the pods.
    expect(rendered[env].files["logstash/exporter/config.yml"]).toContain("name: logstash_pipeline_events_in_total");
  });
});
