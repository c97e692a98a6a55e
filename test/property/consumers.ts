// The real consumers of every rendered artifact, run over many rendered trees at once (one process per tool
// for the whole batch where the tool takes many files; a tree is checked alone only when its batch fails,
// to say which tree it was). Trees that differ in one value share most of their files: each consumer checks
// each distinct input once (same bytes, same verdict) and reports a refusal to every tree holding it.
// Returns each tree's problems, by consumer.
import { execFileSync, spawnSync, SpawnSyncReturns } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse, parseAllDocuments } from "yaml";
import { loadLokiReference, lokiConfigProblems, LokiReference } from "../helpers/loki-reference";
import { logsToolPath, runLogsTool } from "../helpers/logs-tools";
import { runTool } from "../helpers/tools";

const repoRoot = path.resolve(__dirname, "..", "..");

export interface RenderedTree {
  /** Names the tree in reports (e.g. the property and run it came from). */
  id: string;
  dir: string;
}

/** Writes a render's files under `dir` (the layout of `npm run render`). */
export function writeTree(id: string, dir: string, files: Record<string, string>): RenderedTree {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return { id, dir };
}

const exists = (tree: RenderedTree, file: string) => fs.existsSync(path.join(tree.dir, file));
const under = (tree: RenderedTree, dir: string, suffix: RegExp) =>
  fs.existsSync(path.join(tree.dir, dir)) ? fs.readdirSync(path.join(tree.dir, dir)).filter((f) => suffix.test(f)).sort().map((f) => path.join(tree.dir, dir, f)) : [];
const output = (r: SpawnSyncReturns<string>) => `exit ${r.status}${r.error ? ` (${r.error.message})` : ""}\n${r.stdout ?? ""}${r.stderr ?? ""}`.trim().slice(0, 3000);
const failed = (r: SpawnSyncReturns<string>) => r.status !== 0 || !!r.error;

/** Problems by tree id. */
export type Verdicts = Map<string, string[]>;

/** Milliseconds each consumer took over the last batch (for the suite's report). */
export const consumerMs = new Map<string, number>();
function timed<T>(consumer: string, work: () => T): T {
  const start = Date.now();
  try {
    return work();
  } finally {
    consumerMs.set(consumer, (consumerMs.get(consumer) ?? 0) + Date.now() - start);
  }
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The trees whose inputs for a consumer differ, each with the ids of every tree holding the same inputs (their
 * paths inside the tree and their bytes). `inputsOf` names a tree's inputs relative to it.
 */
function distinctTrees(trees: RenderedTree[], inputsOf: (t: RenderedTree) => string[]): { tree: RenderedTree; holders: string[] }[] {
  const byContent = new Map<string, { tree: RenderedTree; holders: string[] }>();
  for (const tree of trees) {
    const key = sha256(JSON.stringify(inputsOf(tree).map((file) => [file, sha256(fs.readFileSync(path.join(tree.dir, file), "utf8"))])));
    const seen = byContent.get(key);
    if (seen) seen.holders.push(tree.id);
    else byContent.set(key, { tree, holders: [tree.id] });
  }
  return [...byContent.values()];
}

/** A problem found in one tree's inputs, for every tree holding the same (named, when it is another tree). */
function report(verdicts: Verdicts, checked: RenderedTree, holders: string[], problem: string) {
  for (const id of holders) verdicts.get(id)!.push(id === checked.id ? problem : `${problem}\n(the same input as ${checked.id}, where it was checked)`);
}

/**
 * Runs `tool` once over every tree's files; when that fails, once per tree (which tree, and its own message).
 * `filesOf` gives a tree's inputs (none: the consumer does not apply to it); `inputsOf` what they are made of,
 * relative to the tree: a tree whose inputs are the same bytes as an earlier one's shares its verdict.
 */
function batched(verdicts: Verdicts, consumer: string, trees: RenderedTree[], filesOf: (t: RenderedTree) => string[], tool: (files: string[]) => SpawnSyncReturns<string>, inputsOf: (t: RenderedTree) => string[]) {
  timed(consumer, () => batchedUntimed(verdicts, consumer, trees, filesOf, tool, inputsOf));
}
function batchedUntimed(verdicts: Verdicts, consumer: string, trees: RenderedTree[], filesOf: (t: RenderedTree) => string[], tool: (files: string[]) => SpawnSyncReturns<string>, inputsOf: (t: RenderedTree) => string[]) {
  const applicable = distinctTrees(trees.filter((t) => inputsOf(t).length > 0), inputsOf);
  if (applicable.length === 0) return;
  if (!failed(tool(applicable.flatMap(({ tree }) => filesOf(tree))))) return;
  for (const { tree, holders } of applicable) {
    const r = tool(filesOf(tree));
    if (failed(r)) report(verdicts, tree, holders, `${consumer}: ${output(r)}`);
  }
}

/**
 * For tools that take any number of files and judge each on its own: every distinct file (by its bytes) once,
 * at one of the paths it was rendered to; when the batch fails, each distinct file alone, its refusal reported
 * to every tree that holds it.
 */
function perFile(verdicts: Verdicts, consumer: string, trees: RenderedTree[], filesOf: (t: RenderedTree) => string[], tool: (files: string[]) => SpawnSyncReturns<string>) {
  timed(consumer, () => {
    const holders = new Map<string, { file: string; tree: RenderedTree; ids: string[] }>();
    for (const tree of trees) {
      for (const file of filesOf(tree)) {
        const key = sha256(fs.readFileSync(file, "utf8"));
        const seen = holders.get(key);
        if (seen) seen.ids.push(tree.id);
        else holders.set(key, { file, tree, ids: [tree.id] });
      }
    }
    if (holders.size === 0) return;
    if (!failed(tool([...holders.values()].map((h) => h.file)))) return;
    for (const { file, tree, ids } of holders.values()) {
      const r = tool([file]);
      if (failed(r)) report(verdicts, tree, ids, `${consumer}: ${output(r)}`);
    }
  });
}

/**
 * For validators that take any number of documents and name the file of each one they refuse: every distinct
 * document across all trees once (trees that differ in one value share most of their objects), each refusal
 * reported to every tree that holds the document.
 */
function deduplicated(verdicts: Verdicts, consumer: string, trees: RenderedTree[], filesOf: (t: RenderedTree) => string[], tool: (files: string[]) => SpawnSyncReturns<string>, refusedFiles: (r: SpawnSyncReturns<string>) => Map<string, string>) {
  timed(consumer, () => {
    const dir = fs.mkdtempSync(path.join(path.dirname(trees[0]?.dir ?? "/tmp"), "documents-"));
    const holders = new Map<string, { trees: Set<string>; source: string }>();
    for (const tree of trees) {
      for (const file of filesOf(tree)) {
        for (const doc of fs.readFileSync(file, "utf8").split(/^---\n/m).filter((d) => d.trim() !== "")) {
          const unique = path.join(dir, `${createHash("sha256").update(doc).digest("hex").slice(0, 24)}.yaml`);
          if (!holders.has(unique)) {
            fs.writeFileSync(unique, doc);
            holders.set(unique, { trees: new Set(), source: path.relative(tree.dir, file) });
          }
          holders.get(unique)!.trees.add(tree.id);
        }
      }
    }
    if (holders.size === 0) return;
    const r = tool([...holders.keys()]);
    if (failed(r)) {
      const refused = refusedFiles(r);
      // A failure that names no document (the tool crashed): every tree gets the message.
      if (refused.size === 0) for (const tree of trees) verdicts.get(tree.id)!.push(`${consumer}: ${output(r)}`);
      for (const [file, message] of refused) {
        const holder = holders.get(file);
        for (const id of holder?.trees ?? trees.map((t) => t.id)) verdicts.get(id)!.push(`${consumer}: ${holder?.source ?? file}: ${message.slice(0, 1500)}`);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** Each tree on its own (tools that read one config per run), once per distinct input (`inputsOf`, relative to the tree). */
function single(verdicts: Verdicts, consumer: string, trees: RenderedTree[], inputsOf: (t: RenderedTree) => string[], tool: (t: RenderedTree) => SpawnSyncReturns<string>) {
  timed(consumer, () => {
    for (const { tree, holders } of distinctTrees(trees.filter((t) => inputsOf(t).length > 0), inputsOf)) {
      const r = tool(tree);
      if (failed(r)) report(verdicts, tree, holders, `${consumer}: ${output(r)}`);
    }
  });
}

/** The directories of every scrape shard's prometheus.yml and rules/: prometheus, then prometheus/shard-<n>. */
const prometheusDirs = (tree: RenderedTree): string[] => [
  "prometheus",
  ...(fs.existsSync(path.join(tree.dir, "prometheus")) ? fs.readdirSync(path.join(tree.dir, "prometheus")).filter((d) => /^shard-\d+$/.test(d)).sort().map((d) => `prometheus/${d}`) : []),
].filter((dir) => exists(tree, `${dir}/prometheus.yml`));

/** Each shard's prometheus.yml as its pod sees it: the service account files and its rule files in place. */
function localPrometheusConfig(tree: RenderedTree): string[] {
  if (!exists(tree, "prometheus/prometheus.yml")) return [];
  const sa = path.join(tree.dir, "sa");
  fs.mkdirSync(sa, { recursive: true });
  fs.writeFileSync(path.join(sa, "token"), "token");
  fs.writeFileSync(path.join(sa, "ca.crt"), "");
  return prometheusDirs(tree).map((dir) => {
    const local = path.join(tree.dir, `${dir.replace("/", "-")}-local.yml`);
    fs.writeFileSync(local, fs.readFileSync(path.join(tree.dir, dir, "prometheus.yml"), "utf8")
      .replaceAll("/var/run/secrets/kubernetes.io/serviceaccount", sa)
      .replaceAll("/etc/prometheus/rules", path.join(tree.dir, dir, "rules")));
    return local;
  });
}

/** AMP's Alertmanager definition holds an alertmanager.yml as a string. */
function ampAlertmanagerConfig(tree: RenderedTree): string[] {
  if (!exists(tree, "cloud/aws/alertmanager-definition.yml")) return [];
  const file = path.join(tree.dir, "amp-alertmanager.yml");
  fs.writeFileSync(file, parse(fs.readFileSync(path.join(tree.dir, "cloud/aws/alertmanager-definition.yml"), "utf8")).alertmanager_config);
  return [file];
}

/** Jaeger's config as the pod sees it: the Elasticsearch user from its mounted Secret, here a stand-in. */
function localJaegerConfig(tree: RenderedTree): string {
  const user = path.join(tree.dir, "es-user");
  fs.mkdirSync(user, { recursive: true });
  fs.writeFileSync(path.join(user, "username"), "novacron-jaeger");
  fs.writeFileSync(path.join(user, "password"), "stand-in");
  const config = path.join(tree.dir, "jaeger-validate.yaml");
  fs.writeFileSync(config, fs.readFileSync(path.join(tree.dir, "jaeger", "config.yaml"), "utf8").replaceAll("/etc/es-user/", `${user}/`));
  return config;
}

let pythonBin: string | undefined;
const kubernetesValidate = () => path.join((pythonBin ??= execFileSync("bash", [path.join(repoRoot, "scripts", "install-python-tools.sh")], { encoding: "utf8" }).trim()), "kubernetes-validate");
const python = () => path.join((pythonBin ??= execFileSync("bash", [path.join(repoRoot, "scripts", "install-python-tools.sh")], { encoding: "utf8" }).trim()), "python");
let eckCrds: string | undefined;
/** ECK's CRDs at the pinned operator version (the Go module holds them). */
function eckCrdFile(): string {
  if (!eckCrds) {
    const version = fs.readFileSync(path.join(repoRoot, "scripts", "versions.env"), "utf8").match(/^ECK_VERSION=(.+)$/m)![1];
    const module = JSON.parse(execFileSync("go", ["mod", "download", "-json", `github.com/elastic/cloud-on-k8s/v3@v${version}`], { encoding: "utf8" }));
    eckCrds = path.join(module.Dir, "config", "crds", "v1", "all-crds.yaml");
  }
  return eckCrds;
}
let lokiReference: LokiReference | undefined;
const pinned = () => Object.fromEntries(fs.readFileSync(path.join(repoRoot, "scripts", "versions.env"), "utf8").split("\n").filter((l) => /^\w+=/.test(l)).map((l) => l.split("=")));

/** The Kubernetes versions we support, oldest and newest (as test/tools/rendered-config.test.ts). */
export const KUBERNETES_VERSIONS = ["1.32.0", "1.37.0"];

/** Which consumers ran (over how many trees), for the suite's report. */
export const consumerNames = [
  "YAML/JSON parse of every file", "promtool check config", "promtool check rules", "amtool check-config", "blackbox_exporter --config.check",
  ...KUBERNETES_VERSIONS.map((v) => `kubernetes-validate --strict ${v}`), "ECK CRDs (strict)", "Alloy parser", "Loki configuration reference", "jaeger validate",
];

/** Every consumer over every tree: tree id → problems (empty when every consumer accepted everything). */
export function checkTrees(trees: RenderedTree[]): Verdicts {
  const verdicts: Verdicts = new Map(trees.map((t) => [t.id, []]));

  // Every file its format's parser reads (what Grafana, Logstash and Elasticsearch are handed is checked no further here);
  // the same bytes in the same format parse the same way, so each distinct file is parsed once.
  const parseErrors = new Map<string, string | undefined>();
  const parseError = (file: string, text: string) => {
    try {
      if (/\.json$/.test(file)) JSON.parse(text);
      else if (/\.ya?ml$/.test(file)) for (const doc of parseAllDocuments(text)) if (doc.errors.length > 0) throw doc.errors[0];
      return undefined;
    } catch (err) {
      return (err as Error).message.slice(0, 500);
    }
  };
  for (const tree of trees) {
    for (const file of listFiles(tree.dir)) {
      const text = fs.readFileSync(file, "utf8");
      const key = `${path.extname(file)} ${sha256(text)}`;
      if (!parseErrors.has(key)) parseErrors.set(key, parseError(file, text));
      const error = parseErrors.get(key);
      if (error !== undefined) verdicts.get(tree.id)!.push(`parse ${path.relative(tree.dir, file)}: ${error}`);
    }
  }

  // check config reads the rule files too: a tree's inputs are each shard's prometheus.yml and its rules.
  const prometheusInputs = (t: RenderedTree) => prometheusDirs(t).flatMap((dir) => [`${dir}/prometheus.yml`, ...under(t, `${dir}/rules`, /\.yml$/).map((f) => path.relative(t.dir, f))]);
  batched(verdicts, "promtool check config", trees, localPrometheusConfig, (files) => runTool("promtool", ["check", "config", ...files]), prometheusInputs);
  const ruleFiles = (t: RenderedTree) => [...prometheusDirs(t).flatMap((dir) => under(t, `${dir}/rules`, /\.yml$/)), ...under(t, "cloud/aws/rules", /\.yml$/), ...(exists(t, "cloud/azure/prometheus-rules.yml") ? [path.join(t.dir, "cloud/azure/prometheus-rules.yml")] : [])];
  perFile(verdicts, "promtool check rules", trees, ruleFiles, (files) => runTool("promtool", ["check", "rules", ...files]));
  perFile(verdicts, "amtool check-config", trees, (t) => [...(exists(t, "alertmanager/alertmanager.yml") ? [path.join(t.dir, "alertmanager/alertmanager.yml")] : []), ...ampAlertmanagerConfig(t)], (files) => runTool("amtool", ["check-config", ...files]));
  const ifExists = (file: string) => (t: RenderedTree) => (exists(t, file) ? [file] : []);
  single(verdicts, "blackbox_exporter --config.check", trees, ifExists("blackbox/blackbox.yml"), (t) => runTool("blackbox_exporter", ["--config.check", `--config.file=${path.join(t.dir, "blackbox/blackbox.yml")}`]));

  const manifests = (t: RenderedTree) => under(t, "kubernetes", /\.yaml$/);
  // "ERROR <file> did not validate for resource <kind>/<name> against version <v>: <why>"
  const kubernetesValidateRefusals = (r: SpawnSyncReturns<string>) => new Map([...`${r.stdout}${r.stderr}`.matchAll(/^ERROR (\S+) (.*)$/gm)].map((m) => [m[1], m[2]]));
  for (const version of KUBERNETES_VERSIONS) {
    deduplicated(verdicts, `kubernetes-validate --strict ${version}`, trees, manifests, (files) => spawnSync(kubernetesValidate(), ["--strict", "--quiet", "-k", version, ...files], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }), kubernetesValidateRefusals);
  }
  // validate-crd.py prints {"problems": ["<file>: <kind>/<name>: <path>: <why>", ...]}
  const crdRefusals = (r: SpawnSyncReturns<string>) => {
    const problems: string[] = (() => { try { return JSON.parse(r.stdout).problems; } catch { return []; } })();
    const out = new Map<string, string>();
    for (const p of problems) { const file = p.slice(0, p.indexOf(": ")); out.set(file, [out.get(file), p.slice(file.length + 2)].filter(Boolean).join("; ")); }
    return out;
  };
  deduplicated(verdicts, "ECK CRDs (strict)", trees, (t) => under(t, "kubernetes/custom-resources", /\.yaml$/), (files) => spawnSync(python(), [path.join(repoRoot, "test", "tools", "validate-crd.py"), eckCrdFile(), ...files], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }), crdRefusals);
  perFile(verdicts, "Alloy parser", trees, (t) => (exists(t, "log-shipper/config.alloy") ? [path.join(t.dir, "log-shipper/config.alloy")] : []), (files) => runLogsTool("alloy-syntax", files));

  for (const tree of trees.filter((t) => exists(t, "loki/loki.yaml"))) {
    lokiReference ??= loadLokiReference(pinned().LOKI_VERSION);
    const problems = lokiConfigProblems(parse(fs.readFileSync(path.join(tree.dir, "loki/loki.yaml"), "utf8")), lokiReference);
    if (problems.length > 0) verdicts.get(tree.id)!.push(`Loki configuration reference: ${problems.join("; ")}`);
  }
  // The Elasticsearch user files localJaegerConfig adds are the same stand-ins in every tree.
  single(verdicts, "jaeger validate", trees, ifExists("jaeger/config.yaml"), (t) => spawnSync(logsToolPath("jaeger"), ["validate", `--config=file:${localJaegerConfig(t)}`], { encoding: "utf8" }));
  return verdicts;
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
