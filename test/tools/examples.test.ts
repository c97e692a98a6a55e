// The library as a platform team gets it (test/helpers/packed-library.ts), beside each program in examples/.
// Each example is compiled by tsc against the package's `exports` and `.d.ts` (node16 resolution, as a
// consumer's would be),
// then run under Pulumi's mocks; the resources it registers are the ones the components promise.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RenderedResource, unwrapSecrets } from "../../scripts/mock-resources";
import { installPackedLibrary } from "../helpers/packed-library";

const repoRoot = path.resolve(__dirname, "..", "..");
const bin = (name: string) => path.join(repoRoot, "node_modules", ".bin", name);
let work: string;
let packageFiles: string[] = [];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "novacron-examples-"));
  packageFiles = installPackedLibrary(work);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Compiles an example with tsc and runs it under mocks; returns what it registered and exported. */
function runExample(name: string, config: Record<string, string>, secretKeys: string[]): { resources: RenderedResource[]; outputs: Record<string, unknown> } {
  const dir = path.join(work, name);
  fs.cpSync(path.join(repoRoot, "examples", name), dir, { recursive: true });
  execFileSync(bin("tsc"), ["-p", "tsconfig.json"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  // The project name from Pulumi.yaml: config keys are namespaced by it, as under the CLI.
  const project = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))![1];
  const runner = `
    const pulumi = require("@pulumi/pulumi");
    const resources = [];
    pulumi.runtime.setMocks({
      newResource: (a) => { resources.push({ type: a.type, name: a.name, inputs: a.inputs }); return { id: a.name + "-id", state: a.inputs }; },
      call: (a) => a.inputs,
    }, ${JSON.stringify(project)}, "dev", false).then(async () => {
      pulumi.runtime.setAllConfig(${JSON.stringify(config)}, ${JSON.stringify(secretKeys)});
      const program = require("./bin/index.js");
      const outputs = {};
      for (const [k, v] of Object.entries(program)) outputs[k] = await new Promise((resolve) => pulumi.output(v).apply((x) => { resolve(x); return x; }));
      for (let stable = 0, last = -1; stable < 20; stable = resources.length === last ? stable + 1 : 0, last = resources.length) await new Promise((r) => setImmediate(r));
      process.stdout.write(JSON.stringify({ resources, outputs }));
    });`;
  fs.writeFileSync(path.join(dir, "run.js"), runner);
  const out = execFileSync(process.execPath, ["run.js"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const parsed = JSON.parse(out);
  return { resources: unwrapSecrets(parsed.resources), outputs: unwrapSecrets(parsed.outputs) };
}

const kubeObjects = (rs: RenderedResource[]) => rs.filter((r) => r.type.startsWith("kubernetes:")).map((r) => `${r.inputs.kind}/${r.inputs.metadata.name}`).sort();

test("the published files: compiled JS and .d.ts for every export, the changelog; no sources, tests or config", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  expect(packageFiles).toEqual(expect.arrayContaining(["package.json", "CHANGELOG.md", "README.md", "dist/index.js", "dist/index.d.ts"]));
  for (const [subpath, target] of Object.entries<any>(pkg.exports)) {
    if (typeof target === "string") continue;
    for (const file of [target.types, target.default]) expect({ subpath, file, packed: packageFiles.includes(file.replace(/^\.\//, "")) }).toEqual({ subpath, file, packed: true });
  }
  expect(packageFiles.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f))).toEqual([]);
  expect(packageFiles.filter((f) => /^(test|stacks|scripts|policy|Pulumi\.)/.test(f))).toEqual([]);
});

test("every component folder with an index.ts is an export of the package", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  const folders = fs.readdirSync(path.join(repoRoot, "components")).filter((d) => fs.existsSync(path.join(repoRoot, "components", d, "index.ts")));
  expect(folders.filter((d) => !(`./${d}` in pkg.exports))).toEqual([]);
});

test("examples/alertmanager-only: just Alertmanager, a 3-replica cluster whose Slack URL stays a secret", () => {
  const webhook = "https://hooks.slack.com/services/T000/B000/example-secret";
  const { resources, outputs } = runExample("alertmanager-only", { "team-a-alerting:slackWebhookUrl": webhook }, ["team-a-alerting:slackWebhookUrl"]);
  expect(resources.filter((r) => !r.type.startsWith("kubernetes:")).map((r) => r.type)).toEqual(["pulumi:providers:kubernetes", "novacron:alertmanager:Alertmanager"]);
  expect(kubeObjects(resources)).toEqual(["ConfigMap/alertmanager-config", "NetworkPolicy/alertmanager", "PersistentVolumeClaim/data-alertmanager-0", "PersistentVolumeClaim/data-alertmanager-1", "PersistentVolumeClaim/data-alertmanager-2", "PodDisruptionBudget/alertmanager", "Secret/alertmanager-secrets", "Service/alertmanager", "Service/alertmanager-headless", "StatefulSet/alertmanager"]);
  const sts = resources.find((r) => r.inputs.kind === "StatefulSet")!.inputs;
  expect(sts.metadata.namespace).toBe("team-a-monitoring");
  expect(sts.spec.replicas).toBe(3);
  const config = resources.find((r) => r.inputs.kind === "ConfigMap")!.inputs.data["alertmanager.yml"];
  expect(config).toContain("#team-a-app-alerts");
  expect(JSON.stringify(resources.filter((r) => r.inputs.kind !== "Secret"))).not.toContain(webhook);
  expect(resources.find((r) => r.inputs.kind === "Secret")!.inputs.stringData).toEqual({ slackWebhookUrl: webhook });
  expect(outputs.peers).toEqual([0, 1, 2].map((i) => `alertmanager-${i}.alertmanager-headless.team-a-monitoring.svc:9093`));
});

test("examples/prometheus-exporters: Prometheus x2 scraping node-exporter and kube-state-metrics, with the alert catalog", () => {
  const { resources, outputs } = runExample("prometheus-exporters", { "team-b-metrics:alertmanagers": JSON.stringify(["am-0.team-b.svc:9093"]) }, []);
  expect(resources.filter((r) => r.type.startsWith("novacron:")).map((r) => r.type).sort()).toEqual(["novacron:exporters:KubeStateMetrics", "novacron:exporters:NodeExporter", "novacron:prometheus:Prometheus"]);
  const byKind = (kind: string) => resources.filter((r) => r.inputs?.kind === kind).map((r) => r.inputs);
  expect(byKind("StatefulSet").map((s) => [s.metadata.name, s.spec.replicas])).toEqual([["prometheus", 2]]);
  expect(byKind("DaemonSet").map((d) => [d.metadata.name, d.metadata.namespace])).toEqual([["node-exporter", "team-b-monitoring-host"]]);
  const promConfig = byKind("ConfigMap").find((c) => c.metadata.name === "prometheus-config")!.data["prometheus.yml"];
  expect(promConfig).toContain("job_name: node-exporter");
  expect(promConfig).toContain("job_name: kube-state-metrics");
  expect(promConfig).toContain("am-0.team-b.svc:9093");
  expect(Object.keys(byKind("ConfigMap").find((c) => c.metadata.name === "prometheus-rules")!.data).sort()).toEqual(["application.yml", "infrastructure.yml", "kubernetes.yml", "ml-pipeline.yml", "stack.yml"]);
  expect(outputs.prometheusUrl).toBe("http://prometheus.team-b-monitoring.svc:9090");
});
