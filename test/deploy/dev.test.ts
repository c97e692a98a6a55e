// The dev stack with the real Pulumi engine against a real API server on 127.0.0.1 (test/deploy/README.md):
// up from scratch, idempotence, in-place updates (threshold, credential, retention, image, storage), config
// set the documented ways, and destroy. Each `pulumi` operation runs in its own process (driver.ts).
import { startControlPlane, ControlPlane } from "./control-plane";
import { changes, engineStack, EngineStack } from "./engine";
import { discover, dryRunDaemonSetPods, failedPodCreations, objectPath, stateObjects, waitUntilGone, workloadUids } from "./cluster";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { pollUntil } from "../loopback/processes";
import { renderToTempDir } from "../helpers/rendered";

jest.setTimeout(20 * 60_000);

let cp: ControlPlane;
let dev: EngineStack;
const NAMESPACES = ["monitoring", "monitoring-host"];
const WEBHOOK = "https://hooks.example.com/novacron-dev";

beforeAll(async () => {
  cp = await startControlPlane();
  dev = engineStack({ stack: "dev", kubeconfigPath: cp.kubeconfigPath });
  await createExpandableStorage();
  await dev.setConfig([
    { key: "novacron:storageClass", value: STORAGE_CLASS },
    { key: "novacron:webhookUrl", value: WEBHOOK, secret: true },
    // The ECK operator's chart needs a chart repository: test/deploy/elk.test.ts serves one.
    { key: "novacron:elk.enabled", value: "false", path: true },
  ]);
}, 20 * 60_000);

/**
 * TEST-ONLY storage: no provisioner runs here, so a StorageClass that allows expansion and a volume bound
 * ahead to Prometheus' claim (the PV controller binds them); only a bound claim may grow. Nothing is mounted.
 */
const STORAGE_CLASS = "loopback-expandable";
async function createExpandableStorage() {
  const created = (r: { status: number; body: any }) => { if (r.status !== 201) throw new Error(JSON.stringify(r.body)); };
  created(await cp.request("POST", "/apis/storage.k8s.io/v1/storageclasses", {
    apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: STORAGE_CLASS },
    provisioner: "kubernetes.io/no-provisioner", allowVolumeExpansion: true, volumeBindingMode: "Immediate",
  }));
  created(await cp.request("POST", "/api/v1/persistentvolumes", {
    apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "test-prometheus-data" },
    spec: {
      capacity: { storage: "10Gi" }, accessModes: ["ReadWriteOnce"], storageClassName: STORAGE_CLASS,
      persistentVolumeReclaimPolicy: "Retain", hostPath: { path: "/nonexistent/never-mounted" },
      claimRef: { namespace: "monitoring", name: "data-prometheus-0" },
    },
  }));
}

afterAll(async () => {
  await cp?.stop();
});

const DIFF_DOC = path.resolve(__dirname, "..", "..", "docs", "preview-threshold-change.txt");

/** The CLI's `preview --diff` text without what varies between runs (plugin paths, timings, progress). */
function readableDiff(stdout: string): string {
  return stdout.split("\n")
    .filter((l) => !/warning: using pulumi-resource-|^@ previewing|^\s*$|Duration:|View Live|^Previewing update|pulumi:pulumi:Stack/.test(l))
    .map((l) => l.replace(/\s+$/, "").replace(/::[0-9a-f]{8}-[0-9a-f-]{27}\]$/, "::<provider id>]"))
    .join("\n");
}

/** The doc's excerpt: the rules ConfigMap's diff (the dashboards' JSON diff runs to ~1,700 lines) and the summary. */
function excerpt(shown: string): string {
  const lines = shown.split("\n");
  const objects = lines.flatMap((l, i) => (/^\s+~ kubernetes:/.test(l) ? [i] : []));
  const rules = objects.find((i) => lines[i + 2]?.includes("ConfigMap::prometheus-rules"))!;
  const end = objects.find((i) => i > rules) ?? lines.findIndex((l) => l.startsWith("Resources:"));
  return [...lines.slice(rules, end), "    ...", ...lines.slice(lines.findIndex((l) => l.startsWith("Resources:")))].join("\n");
}

/** A config change's preview (only the steps that change something), then its `up`; workloads' UIDs before and after. */
async function change(config: Parameters<EngineStack["setConfig"]>[0]) {
  if (config.length > 0) await dev.setConfig(config);
  const preview = await dev.must("preview");
  const before = await workloadUids(cp);
  await dev.must("up");
  const after = await workloadUids(cp);
  return { steps: changes(preview), preview, before, after };
}

const noReplacement = (steps: string[]) => steps.filter((s) => !s.startsWith("update "));

test("up from scratch: every object is accepted, and Pod Security admits every pod the controllers create", async () => {
  const up = await dev.must("up");
  expect(up.changeSummary?.create).toBeGreaterThan(60);
  const objects = stateObjects(await dev.must("export"));
  expect(objects.length).toBeGreaterThan(60);
  const api = await discover(cp);
  for (const o of objects) {
    const live = await cp.get(objectPath(api, o.apiVersion, o.kind, o.name, o.namespace));
    expect({ object: `${o.kind} ${o.namespace}/${o.name}`, uid: live?.metadata?.uid }).toEqual({ object: `${o.kind} ${o.namespace}/${o.name}`, uid: o.uid });
  }

  // The controllers create every replica's pod (no kubelet: they stay Pending); admission refused none.
  const expected = objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
  await pollUntil(async () => {
    const pods = await cp.get("/api/v1/pods");
    const owned = (name: string) => pods.items.filter((p: any) => p.metadata.name.startsWith(`${name}-`)).length;
    const live = await Promise.all(expected.map(async (o) => ({ o, replicas: (await cp.get(objectPath(api, o.apiVersion, o.kind, o.name, o.namespace))).spec.replicas })));
    return live.every(({ o, replicas }) => owned(o.name) >= replicas) ? true : undefined;
  }, { timeoutMs: 120_000, intervalMs: 1_000, describe: () => "not every workload's pods were created" });
  expect(await failedPodCreations(cp, NAMESPACES)).toEqual([]);
  // DaemonSets have no node to run on here: their pod templates go through admission as a dry run.
  const daemonSets = await dryRunDaemonSetPods(cp);
  expect(daemonSets.length).toBeGreaterThanOrEqual(2);
  expect(daemonSets.filter((d) => d.status !== 201)).toEqual([]);
});

test("the offline render writes the objects the engine created, field for field", async () => {
  const out = renderToTempDir("dev", { "novacron:elk": JSON.stringify({ enabled: false }), "novacron:storageClass": STORAGE_CLASS });
  const api = await discover(cp);
  const rendered = fs.readdirSync(path.join(out, "kubernetes")).filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(out, "kubernetes", f), "utf8")).map((d) => d.toJS()));
  fs.rmSync(out, { recursive: true, force: true });
  expect(rendered.length).toBeGreaterThan(60);
  const mismatches: string[] = [];
  for (const object of rendered) {
    const live = await cp.get(objectPath(api, object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace));
    const where = `${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name}`;
    if (!live) { mismatches.push(`${where}: not in the cluster`); continue; }
    // Secrets: the render holds placeholders and the provider sends stringData as data.
    const { stringData: _s, data: _d, ...comparable } = object.kind === "Secret" ? object : { ...object, stringData: undefined, data: object.data };
    void _s; void _d;
    mismatches.push(...notWithin(comparable, live, where));
  }
  expect(mismatches).toEqual([]);
});

/** Every field the render sets, with the value the API server holds (which may add defaults of its own). */
function notWithin(rendered: unknown, live: unknown, at: string): string[] {
  if (rendered === undefined || rendered === null) return [];
  if (Array.isArray(rendered)) {
    // The API server drops empty lists (omitempty): `egress: []` with policyType Egress is stored as no egress.
    if (rendered.length === 0 && live === undefined) return [];
    if (!Array.isArray(live) || live.length !== rendered.length) return [`${at}: ${JSON.stringify(rendered)} != ${JSON.stringify(live)}`];
    return rendered.flatMap((r, i) => notWithin(r, live[i], `${at}[${i}]`));
  }
  if (typeof rendered === "object") {
    if (typeof live !== "object" || live === null) return [`${at}: missing`];
    return Object.entries(rendered).flatMap(([k, v]) => notWithin(v, (live as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return String(rendered) === String(live) ? [] : [`${at}: ${JSON.stringify(rendered)} != ${JSON.stringify(live)}`];
}

test("idempotent: a preview right after up changes nothing, and refresh finds no drift", async () => {
  const preview = await dev.must("preview");
  expect(changes(preview)).toEqual([]);
  const refresh = await dev.must("refresh");
  expect(Object.keys(refresh.changeSummary ?? {})).toEqual(["same"]);
  expect(changes(await dev.must("preview"))).toEqual([]);
});

test("a threshold change set with `config set --path` updates only the objects that carry it, in place", async () => {
  await dev.setConfig([{ key: "novacron:alerts.HighCPUUsage.threshold", value: "0.9", path: true }]);
  // What a reviewer reads in the pull request: docs/delivery.md shows this very output (checked line by line).
  const diff = await dev.must("preview", { diff: true });
  const shown = readableDiff(diff.stdout);
  if (process.env.NOVACRON_UPDATE_DOCS) fs.writeFileSync(DIFF_DOC, `${excerpt(shown)}\n`);
  expect(shown).toContain("~ kubernetes:core/v1:ConfigMap: (update)");
  expect(fs.readFileSync(DIFF_DOC, "utf8").trimEnd().split("\n").filter((l) => l !== "    ..." && !shown.split("\n").includes(l))).toEqual([]);
  const { steps, before, after } = await change([]);
  expect(dev.stackFile()).toMatch(/HighCPUUsage:\n\s+threshold: "0.9"/); // the CLI stores the number as a string
  expect(steps).toEqual(["update kubernetes:core/v1:ConfigMap::grafana-dashboards-novacron", "update kubernetes:core/v1:ConfigMap::prometheus-rules"]);
  expect(after).toEqual(before);
  const rules = await cp.get("/api/v1/namespaces/monitoring/configmaps/prometheus-rules");
  expect(JSON.stringify(rules.data)).toContain("> 0.9");
});

test("a credential rotation updates only the Secret Alertmanager reads the credential from", async () => {
  const rotated = "https://hooks.example.com/novacron-dev-rotated";
  const { steps, before, after } = await change([{ key: "novacron:webhookUrl", value: rotated, secret: true }]);
  expect(steps).toEqual(["update kubernetes:core/v1:Secret::alertmanager-secrets"]);
  expect(after).toEqual(before);
  const secret = await cp.get("/api/v1/namespaces/monitoring/secrets/alertmanager-secrets");
  expect(Object.values(secret.data).map((v) => Buffer.from(v as string, "base64").toString())).toContain(rotated);
  expect(dev.stackFile()).not.toContain(rotated); // stored encrypted
});

test("a retention change and an image bump roll the pods and replace nothing", async () => {
  const retention = await change([{ key: "novacron:prometheus.retentionTime", value: "10d", path: true }]);
  expect(retention.steps).toEqual(["update kubernetes:apps/v1:StatefulSet::prometheus"]);
  expect(retention.after).toEqual(retention.before);
  const sts = await cp.get("/apis/apps/v1/namespaces/monitoring/statefulsets/prometheus");
  expect(sts.spec.template.spec.containers[0].args).toContain("--storage.tsdb.retention.time=10d");

  const image = await change([{ key: "novacron:mlModelExporter.image", value: "ghcr.io/novacron/ml-model-exporter:0.1.1", path: true }]);
  // The version label (app.kubernetes.io/version, from the tag) moves on the Service and NetworkPolicy too.
  expect(noReplacement(image.steps)).toEqual([]);
  expect(image.steps).toContain("update kubernetes:apps/v1:Deployment::ml-model-exporter");
  expect(image.after).toEqual(image.before);
});

test("storage growth resizes the claims in place and never deletes a replica", async () => {
  await pollUntil(async () => (await cp.get("/api/v1/namespaces/monitoring/persistentvolumeclaims/data-prometheus-0"))?.status?.phase === "Bound" || undefined,
    { timeoutMs: 120_000, intervalMs: 1_000, describe: () => "data-prometheus-0 not bound to its test volume" });
  const { steps, preview, before, after } = await change([{ key: "novacron:prometheus.storageSize", value: "20Gi", path: true }]);
  expect(noReplacement(steps)).toEqual([]);
  expect(steps).toEqual(["update kubernetes:core/v1:PersistentVolumeClaim::prometheus-data-0"]);
  expect(preview.steps.some((s) => s.type === "kubernetes:apps/v1:StatefulSet" && s.op !== "same")).toBe(false);
  expect(after).toEqual(before);
  const claim = await cp.get("/api/v1/namespaces/monitoring/persistentvolumeclaims/data-prometheus-0");
  expect(claim.spec.resources.requests.storage).toBe("20Gi");
});

test("lists, objects and integers set with `config set --path` work as documented", async () => {
  const { steps, after, before } = await change([
    { key: "novacron:prometheus.remoteWrite[0].name", value: "archive", path: true },
    { key: "novacron:prometheus.remoteWrite[0].url", value: "https://archive.example.com/api/v1/write", path: true },
  ]);
  expect(steps).toEqual(["update kubernetes:core/v1:ConfigMap::prometheus-config"]);
  expect(after).toEqual(before);
  const config = await cp.get("/api/v1/namespaces/monitoring/configmaps/prometheus-config");
  expect(config.data["prometheus.yml"]).toContain("https://archive.example.com/api/v1/write");
});

test("an invalid config prints one error, once, without a stack trace, and creates nothing", async () => {
  const bad = engineStack({ stack: "prod", kubeconfigPath: cp.kubeconfigPath });
  await bad.setConfig([{ key: "novacron:prometheus.retentionTime", value: "forever", path: true }]);
  const preview = await bad.run("preview");
  expect(preview.ok).toBe(false);
  const text = `${preview.error}\n${preview.stdout}`;
  // The program reports the error once, as a clean message. The Automation API's inline server (which stands
  // in for the Node.js language host here) hands a failed run's message back to the engine, which reports it
  // a second time, identically; pulumi-language-nodejs instead exits with "already reported" and prints nothing.
  const errors = preview.diagnostics.filter((d) => d.severity === "error");
  expect(errors.length).toBeGreaterThanOrEqual(1);
  expect(errors.length).toBeLessThanOrEqual(2);
  expect(new Set(errors.map((e) => e.message.trim())).size).toBe(1);
  expect(errors[0].message.match(/Invalid stack configuration/g)).toHaveLength(1);
  expect(text).toContain("novacron:prometheus.retentionTime");
  expect(text).toContain("novacron:notifications.pagerduty.enabled: is true but the secret novacron:pagerdutyRoutingKey is not set");
  expect(text).not.toMatch(/Unhandled exception|StackConfigError:|\n\s+at .+\(.+:\d+:\d+\)/);
  const up = await bad.run("up");
  expect(up.ok).toBe(false);
  expect(stateObjects(await bad.must("export"))).toEqual([]);
});

test("destroy leaves nothing of ours behind", async () => {
  const objects = stateObjects(await dev.must("export"));
  const api = await discover(cp);
  await dev.must("destroy");
  await waitUntilGone(cp, api, [...objects, ...NAMESPACES.map((name) => ({ apiVersion: "v1", kind: "Namespace", name }))]);
  const pvs = await cp.get("/api/v1/persistentvolumeclaims");
  expect(pvs.items.filter((c: any) => NAMESPACES.includes(c.metadata.namespace))).toEqual([]);
});
