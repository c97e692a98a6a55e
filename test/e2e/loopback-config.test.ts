// The loopback rewrite changes addresses only, and what it produces passes the real config checkers.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { runTool } from "../helpers/tools";
import {
  checkLoopbackConfigs, E2E_NODE_NAME, loopbackAlertmanagerArgs, loopbackAlertmanagerConfig, loopbackPrometheusConfig, LoopbackTargets, renderedContainer,
} from "../loopback/config";
import { renderToTempDir } from "../helpers/rendered";
import { nodeDownBound } from "../loopback/node-down";
import { makeTempDir } from "../loopback/processes";
import { effectiveRoute, durationMs } from "../loopback/rendered-timings";
import { loopbackSecrets, renderDevStack, writeLoopbackConfigs } from "../loopback/stack";

jest.setTimeout(120_000);

const targets: LoopbackTargets = {
  prometheus: "127.0.0.1:19090",
  alertmanager: "127.0.0.1:19093",
  "node-exporter": "127.0.0.1:19100",
  "blackbox-exporter": "127.0.0.1:19115",
};
const rulesDir = "/tmp/e2e/rules";

let tmp: string;
let renderedDir: string;
let promYaml: string;
let amYaml: string;
let rendered: Record<string, any>;
let loopback: Record<string, any>;

beforeAll(() => {
  tmp = makeTempDir("loopback-config");
  renderedDir = renderDevStack();
  promYaml = fs.readFileSync(path.join(renderedDir, "prometheus", "prometheus.yml"), "utf8");
  amYaml = fs.readFileSync(path.join(renderedDir, "alertmanager", "alertmanager.yml"), "utf8");
  rendered = parse(promYaml);
  loopback = parse(loopbackPrometheusConfig(promYaml, { targets, rulesDir, nodeName: E2E_NODE_NAME }));
});

afterAll(() => [tmp, renderedDir].forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const job = (config: Record<string, any>, name: string) => config.scrape_configs.find((j: any) => j.job_name === name);
const withoutTargets = ({ kubernetes_sd_configs: _sd, static_configs: _static, ...rest }: Record<string, any>) => rest;

describe("loopbackPrometheusConfig", () => {
  it("keeps exactly the jobs of the processes run on loopback, in rendered order", () => {
    expect(loopback.scrape_configs.map((j: any) => j.job_name)).toEqual(
      rendered.scrape_configs.map((j: any) => j.job_name).filter((n: string) => n in targets));
    expect(Object.keys(targets).every((n) => job(loopback, n))).toBe(true);
  });

  it("changes nothing but the targets of the kept jobs", () => {
    for (const name of Object.keys(targets)) {
      expect(withoutTargets(job(loopback, name))).toEqual(withoutTargets(job(rendered, name)));
      expect(job(loopback, name).kubernetes_sd_configs).toBeUndefined();
      expect(job(loopback, name).static_configs[0].targets).toEqual([targets[name as keyof LoopbackTargets]]);
    }
    expect(loopback.global).toEqual(rendered.global);
    expect(loopback.alerting.alert_relabel_configs).toEqual(rendered.alerting.alert_relabel_configs);
  });

  it("supplies the discovery labels the relabel rules select on, naming node-exporter's instance after the node", () => {
    expect(job(loopback, "node-exporter").static_configs[0].labels).toEqual({
      __meta_kubernetes_namespace: "monitoring-host",
      __meta_kubernetes_pod_name: "node-exporter-e2e-0",
      __meta_kubernetes_pod_node_name: E2E_NODE_NAME,
      __meta_kubernetes_service_label_app_kubernetes_io_name: "node-exporter",
      __meta_kubernetes_endpointslice_port_name: "metrics",
    });
    const instanceRule = job(loopback, "node-exporter").relabel_configs.find((r: any) => r.target_label === "instance");
    expect(instanceRule.source_labels).toEqual(["__meta_kubernetes_pod_node_name"]);
  });

  it("sends alerts to the loopback Alertmanager and reads rules from the copied rule files", () => {
    expect(loopback.alerting.alertmanagers.map((a: any) => a.static_configs)).toEqual([[{ targets: [targets.alertmanager] }]]);
    expect(loopback.rule_files).toEqual(rendered.rule_files.map((f: string) => path.join(rulesDir, path.basename(f))));
  });

  it("fails loudly on a keep rule it cannot satisfy rather than silently scraping nothing", () => {
    const broken = structuredClone(rendered);
    job(broken, "node-exporter").relabel_configs.unshift({ source_labels: ["__meta_kubernetes_pod_label_x"], regex: "a|b", action: "keep" });
    expect(() => loopbackPrometheusConfig(JSON.stringify(broken), { targets, rulesDir, nodeName: E2E_NODE_NAME })).toThrow(/cannot simulate discovery/);
  });
});

describe("loopbackAlertmanagerConfig", () => {
  it("moves the webhook secret file and changes nothing else", () => {
    const { yaml, secretFiles } = loopbackAlertmanagerConfig(amYaml, "/tmp/e2e/secrets");
    expect(secretFiles).toEqual(["webhookUrl"]);
    const original = parse(amYaml);
    const rewritten = parse(yaml);
    for (const receiver of rewritten.receivers) {
      for (const hook of receiver.webhook_configs ?? []) expect(hook.url_file).toBe("/tmp/e2e/secrets/webhookUrl");
    }
    const normalise = (text: string) => text.split("/etc/alertmanager/secrets/").join("/tmp/e2e/secrets/");
    expect(rewritten).toEqual(parse(normalise(amYaml)));
    expect(rewritten.route).toEqual(original.route);
  });
});

describe("timings read from the rendered configuration", () => {
  it("parses durations", () => {
    expect(durationMs("0s")).toBe(0);
    expect(durationMs("1m30s")).toBe(90_000);
    expect(durationMs("500ms")).toBe(500);
    expect(() => durationMs("1 m")).toThrow();
  });

  it("routes NodeDown as amtool does, with the critical group_wait, and the Watchdog to the heartbeat", () => {
    const labels = { alertname: "NodeDown", severity: "critical", domain: "infrastructure", cluster: "novacron-dev" };
    const route = effectiveRoute(amYaml, labels);
    const bound = nodeDownBound(renderedDir);
    expect(bound).toMatchObject({ forMs: 30_000, scrapeMs: 15_000, groupWaitMs: route.groupWaitMs, receiver: route.receiver });
    expect(route.groupWaitMs).toBe(5_000);
    expect(effectiveRoute(amYaml, { alertname: "Watchdog", severity: "none", domain: "stack" }).receiver).toBe("heartbeat");

    const amFile = path.join(tmp, "routes.yml");
    fs.writeFileSync(amFile, amYaml);
    const amtool = runTool("amtool", ["config", "routes", "test", `--config.file=${amFile}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
    expect(amtool.stdout.trim()).toBe(route.receiver);
  });
});

describe("the written loopback configuration", () => {
  it("passes promtool check config and amtool check-config", () => {
    const work = path.join(tmp, "work");
    const files = writeLoopbackConfigs(renderedDir, work, targets, loopbackSecrets("http://127.0.0.1:1/alerts"));
    expect(fs.readFileSync(path.join(work, "alertmanager", "secrets", "webhookUrl"), "utf8")).toBe("http://127.0.0.1:1/alerts");
    const { promtool, amtool } = checkLoopbackConfigs(files);
    expect(promtool).toMatchObject({ ok: true });
    expect(amtool).toMatchObject({ ok: true });
  });
});

describe("several instances, probe stand-ins and the rendered Alertmanager command line (prod)", () => {
  let prodDir: string;
  let prodProm: Record<string, any>;
  const peers = ["127.0.0.1:19093", "127.0.0.1:19094", "127.0.0.1:19095"];
  const ml = ["127.0.0.1:19200", "127.0.0.1:19201"];
  const standIn = "http://127.0.0.1:18080/healthz";
  let rewritten: Record<string, any>;

  beforeAll(() => {
    prodDir = renderToTempDir("prod");
    prodProm = parse(fs.readFileSync(path.join(prodDir, "prometheus", "prometheus.yml"), "utf8"));
    rewritten = parse(loopbackPrometheusConfig(fs.readFileSync(path.join(prodDir, "prometheus", "prometheus.yml"), "utf8"), {
      targets: { ...targets, alertmanager: peers, "novacron-ml-model-exporter": ml },
      rulesDir,
      nodeName: E2E_NODE_NAME,
      probeTargets: { "http://novacron-api.novacron.svc:8080/healthz": standIn },
    }));
  });
  afterAll(() => fs.rmSync(prodDir, { recursive: true, force: true }));

  it("sends alerts to every Alertmanager peer and scrapes each as its own pod", () => {
    expect(rewritten.alerting.alertmanagers[0].static_configs).toEqual([{ targets: peers }]);
    const am = job(rewritten, "alertmanager");
    expect(am.static_configs.map((c: any) => [c.targets, c.labels.__meta_kubernetes_pod_name])).toEqual(peers.map((p, i) => [[p], `alertmanager-e2e-${i}`]));
  });

  it("rewrites a keep on the target's port to the loopback ports, and nothing else of the job", () => {
    const rendered = job(prodProm, "novacron-ml-model-exporter");
    const loop = job(rewritten, "novacron-ml-model-exporter");
    const portRule = (j: any) => j.relabel_configs.findIndex((r: any) => r.source_labels?.[0] === "__address__");
    expect(rendered.relabel_configs[portRule(rendered)].regex).toBe(".+:9200");
    expect(loop.relabel_configs[portRule(loop)].regex).toBe(".+:(19200|19201)");
    const others = (j: any) => j.relabel_configs.filter((_: any, i: number) => i !== portRule(j));
    expect(others(loop)).toEqual(others(rendered));
    expect(loop.static_configs.map((c: any) => c.targets[0])).toEqual(ml);
  });

  it("keeps a probe job only when its targets have stand-ins, probing them through the loopback exporter", () => {
    const http = job(rewritten, "blackbox-http");
    expect(http.static_configs).toEqual([{ targets: [standIn], labels: { probe: "api-health" } }]);
    expect(http.relabel_configs.find((r: any) => r.target_label === "__address__" && !r.source_labels).replacement).toBe(targets["blackbox-exporter"]);
    expect(job(rewritten, "blackbox-dns")).toBeUndefined(); // cluster DNS has no stand-in
    const { static_configs: _s, relabel_configs: _r, ...rest } = http;
    const { static_configs: _s2, relabel_configs: _r2, ...renderedRest } = job(prodProm, "blackbox-http");
    expect(rest).toEqual(renderedRest);
  });

  it("runs the rendered Alertmanager command line with loopback addresses, every other flag kept", () => {
    const rendered = renderedContainer(fs.readFileSync(path.join(prodDir, "kubernetes", "alertmanager.yaml"), "utf8"), "alertmanager");
    expect(rendered.replicas).toBe(3);
    const gossip = ["127.0.0.1:19301", "127.0.0.1:19302", "127.0.0.1:19303"];
    const args = loopbackAlertmanagerArgs(rendered.args, { configFile: "/tmp/am.yml", storagePath: "/tmp/am", web: peers[1], cluster: { listen: gossip[1], peers: gossip } });
    expect(args).toEqual(expect.arrayContaining([
      "--config.file=/tmp/am.yml", "--storage.path=/tmp/am", `--web.listen-address=${peers[1]}`,
      `--cluster.listen-address=${gossip[1]}`, `--cluster.advertise-address=${gossip[1]}`, ...gossip.map((g) => `--cluster.peer=${g}`),
    ]));
    expect(args.length).toBe(rendered.args.length);
    expect(args.filter((a) => !rendered.args.includes(a)).length).toBe(3 + 2 + 3);
    expect(args.join(" ")).not.toMatch(/\.svc|\$\(/);
    expect(() => loopbackAlertmanagerArgs(rendered.args, { configFile: "c", storagePath: "s", web: "w" })).toThrow(/gossips/);
    expect(() => loopbackAlertmanagerArgs(rendered.args, { configFile: "c", storagePath: "s", web: "w", cluster: { listen: gossip[0], peers: gossip.slice(0, 2) } })).toThrow(/3 peers/);
  });
});
