// The API server's own validation of generated configs (issue 15, part 3; the tools half is
// test/tools/property-config.test.ts): the first rendered configs of the property suite's generator, fixed
// seed, each of their Kubernetes objects submitted to a real kube-apiserver on 127.0.0.1 (one control plane
// for all of them) in a server-side dry run with strict field validation, namespaces first. Where
// kubernetes-validate knows only the OpenAPI schema, the API server also checks names, label syntax,
// selectors, quantities, requests against limits, immutable and cross-field rules, and its admission
// (Pod Security on each workload's pod template, as a dry-run pod).
import { execFileSync } from "child_process";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { pollUntil } from "../loopback/processes";
import { generatedConfig } from "../property/generate";
import { runConfig } from "../property/run-config";
import { discover } from "./cluster";
import { ControlPlane, startControlPlane } from "./control-plane";

const SEED = Number(process.env.FC_SEED ?? 1503);
/** How many rendered configs go to the API server (each is a few hundred requests). */
const CONFIGS = Number(process.env.FC_DEPLOY_CONFIGS ?? 16);

const repoRoot = path.resolve(__dirname, "..", "..");
let cp: ControlPlane;
let api: Awaited<ReturnType<typeof discover>>;

beforeAll(async () => {
  cp = await startControlPlane();
  await installEckCrds();
  api = await discover(cp);
}, 20 * 60_000);
afterAll(async () => {
  await cp?.stop();
});

/** ECK's CRDs at the pinned operator version, so the Elasticsearch and Kibana resources are validated too. */
async function installEckCrds() {
  const version = fs.readFileSync(path.join(repoRoot, "scripts", "versions.env"), "utf8").match(/^ECK_VERSION=(.+)$/m)![1];
  const module = JSON.parse(execFileSync("go", ["mod", "download", "-json", `github.com/elastic/cloud-on-k8s/v3@v${version}`], { encoding: "utf8" }));
  const crds = parseAllDocuments(fs.readFileSync(path.join(module.Dir, "config", "crds", "v1", "all-crds.yaml"), "utf8")).map((d) => d.toJS()).filter((d) => d?.kind === "CustomResourceDefinition");
  for (const crd of crds) {
    const r = await cp.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
    if (r.status !== 201) throw new Error(`CRD ${crd.metadata.name}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
  }
  await pollUntil(async () => {
    for (const crd of crds) {
      const got = await cp.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
      if (!got?.status?.conditions?.some((c: { type: string; status: string }) => c.type === "Established" && c.status === "True")) return undefined;
    }
    return true;
  }, { timeoutMs: 120_000, intervalMs: 500, describe: () => "ECK CRDs not established" });
}

/** The collection an object is created in. */
function collection(apiVersion: string, kind: string, namespace?: string): string {
  const r = api.get(`${apiVersion}/${kind}`);
  if (!r) throw new Error(`the API server does not serve ${apiVersion} ${kind}`);
  const [prefix, plural] = [r.path.slice(0, r.path.lastIndexOf("/")), r.path.slice(r.path.lastIndexOf("/") + 1)];
  return r.namespaced ? `${prefix}/namespaces/${namespace ?? "default"}/${plural}` : `${prefix}/${plural}`;
}

const refusal = (r: { status: number; body: any }) => `HTTP ${r.status}: ${typeof r.body === "string" ? r.body : r.body?.message ?? JSON.stringify(r.body)}`.slice(0, 1500);

test("the dry run can fail: an object the schema allows but the API server refuses is refused", async () => {
  const bad = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bad-labels", namespace: "default", labels: { "not a key": "x" } }, data: { a: "b" } };
  const r = await cp.request("POST", `${collection("v1", "ConfigMap", "default")}?dryRun=All&fieldValidation=Strict`, bad);
  expect(r.status).toBe(422);
  // And a dry run creates nothing.
  const good = { ...bad, metadata: { name: "dry-run-only", namespace: "default" } };
  expect((await cp.request("POST", `${collection("v1", "ConfigMap", "default")}?dryRun=All`, good)).status).toBe(201);
  expect(await cp.get("/api/v1/namespaces/default/configmaps/dry-run-only")).toBeUndefined();
});

test(`the API server accepts every object of the first ${CONFIGS} rendered generated configs (seed ${SEED}), in a dry run`, async () => {
  const problems: string[] = [];
  let tried = 0;
  let submitted = 0;
  const samples = fc.sample(generatedConfig, { seed: SEED, numRuns: 50 * CONFIGS });
  let used = 0;
  for (const generated of samples) {
    if (used >= CONFIGS) break;
    tried++;
    const run = await runConfig(generated);
    if (run.error !== undefined) continue;
    const id = `config #${tried - 1} (${generated.stack}: ${Object.keys(generated.config).filter((k) => !/Url$|Password$|Key$/.test(k)).join(", ")})`;
    used++;
    const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v4:Chart").map((r) => r.inputs);
    // Two objects of one kind and name in one namespace: the second would be refused (or overwrite the first).
    const seen = new Set<string>();
    for (const o of objects) {
      const key = `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
      if (seen.has(key)) problems.push(`${id}: two objects ${key}`);
      seen.add(key);
    }
    // Namespaces first, then service accounts: each validated in a dry run, then made real (or updated to
    // this config's), as the dry runs of namespaced objects and of pods need them.
    for (const kind of ["Namespace", "ServiceAccount"]) {
      for (const o of objects.filter((o) => o.kind === kind)) {
        const url = `${collection(o.apiVersion, kind, o.metadata?.namespace)}`;
        const existing = await cp.get(`${url}/${o.metadata.name}`).catch(() => undefined);
        const update = (query: string) => cp.request("PUT", `${url}/${o.metadata.name}${query}`, { ...o, metadata: { ...o.metadata, resourceVersion: existing.metadata.resourceVersion } });
        const r = existing ? await update("?dryRun=All&fieldValidation=Strict") : await cp.request("POST", `${url}?dryRun=All&fieldValidation=Strict`, o);
        submitted++;
        if (r.status >= 300) problems.push(`${id}: ${kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}: ${refusal(r)}`);
        else {
          const made = existing ? await update("") : await cp.request("POST", url, o);
          if (made.status >= 300) problems.push(`${id}: ${kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}, made real: ${refusal(made)}`);
        }
      }
    }
    for (const o of objects.filter((o) => o.kind !== "Namespace" && o.kind !== "ServiceAccount")) {
      const r = await cp.request("POST", `${collection(o.apiVersion, o.kind, o.metadata?.namespace)}?dryRun=All&fieldValidation=Strict`, o);
      submitted++;
      if (r.status >= 300) problems.push(`${id}: ${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}: ${refusal(r)}`);
      // Pod Security admission judges pods, not workloads: each pod template as a dry-run pod in its namespace,
      // with the claim volumes the StatefulSet controller adds to its pods.
      const template = o.spec?.template;
      if (["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind) && template) {
        const claims = (o.spec.volumeClaimTemplates ?? []).map((c: { metadata: { name: string } }) => ({ name: c.metadata.name, persistentVolumeClaim: { claimName: `${c.metadata.name}-${o.metadata.name}-0` } }));
        const spec = { ...template.spec, volumes: [...(template.spec.volumes ?? []), ...claims] };
        const pod = { apiVersion: "v1", kind: "Pod", metadata: { ...template.metadata, name: `${o.metadata.name}-dry-run`, namespace: o.metadata.namespace }, spec };
        const p = await cp.request("POST", `/api/v1/namespaces/${o.metadata.namespace}/pods?dryRun=All`, pod);
        submitted++;
        if (p.status >= 300) problems.push(`${id}: ${o.kind} ${o.metadata.namespace}/${o.metadata.name}'s pod: ${refusal(p)}`);
      }
    }
  }
  console.log(`API server dry run: ${used} rendered configs (of ${tried} generated, seed ${SEED}), ${submitted} objects and pods submitted`);
  expect(used).toBe(CONFIGS);
  expect(problems).toEqual([]);
}, 60 * 60_000);
