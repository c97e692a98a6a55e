// The logs and traces configuration, checked by the real consumers that can run here: Go's regexp (RE2,
// the engine of Alloy's loki.process) on the parsing rules, Alloy's own parser on the shipper's config,
// Loki's configuration reference on loki.yaml (Loki's code is AGPL, never built here), `jaeger validate`, and ECK's CRDs (at the pinned operator version) on the
// Elasticsearch and Kibana resources. Logstash and Elasticsearch cannot run here: their files are checked
// against schemas written from their documentation (see docs/logs-and-traces.md for what stays unproven).
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { parse } from "yaml";
import { z } from "zod";
import { allPatterns, enrichers, lineRules, parseLogLine } from "../../components/log-parsing";
import { LokiStorage, renderLokiConfig } from "../../components/loki/render-config";
import { samples } from "../fixtures/log-lines";
import { loadLokiReference, lokiConfigProblems } from "../helpers/loki-reference";
import { runLogsTool } from "../helpers/logs-tools";
import { renderToTempDir } from "../helpers/rendered";

const repoRoot = path.resolve(__dirname, "..", "..");
const out: Record<string, string> = {};
beforeAll(() => {
  out.dev = renderToTempDir("dev");
  out.prod = renderToTempDir("prod");
}, 15 * 60_000); // the first run also builds the tools
afterAll(() => Object.values(out).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const ok = (r: { status: number | null; stdout: string; stderr: string }) => {
  if (r.status !== 0) throw new Error(`exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
};

/** scripts/versions.env: the pinned versions the tools are built (and the images deployed) at. */
const pinnedVersions = (): Record<string, string> =>
  Object.fromEntries(fs.readFileSync(path.join(repoRoot, "scripts", "versions.env"), "utf8").split("\n").filter((l) => /^\w+=/.test(l)).map((l) => l.split("=")));

test("the tools are the versions of the images we deploy", () => {
  const { images, imageTag } = require("../../components/images");
  const pinned = pinnedVersions();
  expect(imageTag(images.jaeger)).toBe(pinned.JAEGER_VERSION);
  expect(imageTag(images.loki)).toBe(pinned.LOKI_VERSION);
  expect(ok(runLogsTool("jaeger", ["version"]))).toContain(`v${pinned.JAEGER_VERSION}`);
});

describe("the parsing rules in Go's regexp (RE2) give what they give in JavaScript", () => {
  const patterns = Object.fromEntries(allPatterns().map((p) => [p.name, p.pattern]));
  const inGo = (cases: { pattern: string; text: string }[]) => JSON.parse(ok(runLogsTool("regex-check", [], JSON.stringify({ patterns, cases }))));
  const inJs = (pattern: string, text: string) => {
    const m = new RegExp(patterns[pattern]).exec(text);
    return m ? Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined)) : null;
  };
  const allCases = (lines: string[]) => lines.flatMap((text) => Object.keys(patterns).map((pattern) => ({ pattern, text })));

  test("every pattern compiles in RE2", () => {
    expect(inGo([]).compileErrors).toEqual({});
  });

  test("every sample line (malformed and multi-line ones included): same match and captures, per pattern", () => {
    const texts = [...samples.map((s) => s.line), ...samples.flatMap((s) => { const m = parseLogLine(s.line).fields.log_message; return m ? [m] : []; })];
    const cases = allCases(texts);
    const go = inGo(cases).results;
    cases.forEach((c, i) => expect([c.pattern, c.text, go[i]]).toEqual([c.pattern, c.text, inJs(c.pattern, c.text)]));
    // The comparison has teeth: some cases match, some do not.
    expect(go.filter(Boolean).length).toBeGreaterThan(lineRules.length + enrichers.length);
    expect(go.filter((r: unknown) => r === null).length).toBeGreaterThan(0);
  });

  test("random near-miss lines: RE2 and JavaScript agree (property, 300 lines x every pattern)", () => {
    const piece = fc.constantFrom("2024-05-01T12:00:00Z ", "2024-05-01 12:00:00,5 ", "INFO ", "ERROR ", "WARNING ", "[main] ", "[", "] ", "Model-", "x:", ": ", " - ",
      "Workflow-", "Stage-", "10.0.0.1 GET /a 200 12ms", "duration=3.5ms", "trace_id=4bf92f3577b34da6a3ce929d0e0e4736", "\n\tat x", "\u00a0", "é", " ");
    const lines = fc.sample(fc.array(piece, { maxLength: 12 }).map((p) => p.join("")), 300);
    const cases = allCases(lines);
    const go = inGo(cases).results;
    cases.forEach((c, i) => expect([c.pattern, c.text, go[i]]).toEqual([c.pattern, c.text, inJs(c.pattern, c.text)]));
  });
});

describe("loki.yaml against Loki's own configuration reference at the deployed version", () => {
  const reference = () => loadLokiReference(pinnedVersions().LOKI_VERSION);

  test.each(["dev", "prod"])("%s: every rendered key is a Loki setting, with a value of its documented type", (env) => {
    const config = parse(fs.readFileSync(path.join(out[env], "loki", "loki.yaml"), "utf8"));
    expect(lokiConfigProblems(config, reference())).toEqual([]);
  });

  test.each([
    { kind: "s3", bucket: "logs", region: "eu-west-1" },
    { kind: "gcs", bucket: "logs" },
    { kind: "azure", accountName: "acct", container: "chunks" },
  ] as LokiStorage[])("$kind object storage: every key is a Loki setting, single binary and scalable targets alike", (storage) => {
    const cluster = { memberlistService: "loki-memberlist.monitoring.svc", clusterLabel: "monitoring.loki", backendService: "loki-backend.monitoring.svc" };
    for (const spec of [{}, { cluster }]) {
      expect(lokiConfigProblems(renderLokiConfig({ storage, retention: "31d", dataDir: "/var/loki", schemaFrom: "2024-04-01", ...spec }), reference())).toEqual([]);
    }
  });

  test("prod's loki.yaml is the scalable one the reference was checked on (memberlist ring, replication factor 3)", () => {
    const config = parse(fs.readFileSync(path.join(out.prod, "loki", "loki.yaml"), "utf8"));
    expect([config.common.replication_factor, config.common.ring.kvstore.store, config.memberlist.join_members.length]).toEqual([3, "memberlist", 1]);
  });

  test("the check has teeth: a misspelt key, a nested unknown key and wrong types are named", () => {
    const broken = { limits_config: { retention_periode: "1d", max_label_names_per_series: "15" }, compactor: { retention_enabled: "yes" }, common: { storage: { s3: { bucketname: "logs" } } } };
    expect(lokiConfigProblems(broken, reference())).toEqual([
      "limits_config.retention_periode: not a Loki setting",
      'limits_config.max_label_names_per_series: "15" is not a int',
      'compactor.retention_enabled: "yes" is not a boolean',
      "common.storage.s3.bucketname: not a Loki setting",
    ]);
  });
});

describe.each(["dev", "prod"])("%s", (env) => {
  test("Alloy's parser reads the rendered shipper config, with every component the pipeline needs", () => {
    const file = path.join(out[env], "log-shipper", "config.alloy");
    const blocks: string[] = JSON.parse(ok(runLogsTool("alloy-syntax", [file])))[file].blocks;
    expect(blocks).toEqual(expect.arrayContaining(["discovery.kubernetes.pods", "loki.source.file.pods", "loki.process.prepare", "loki.process.parse", "loki.write.loki", "otelcol.exporter.otlphttp.logstash"]));
  });

  test("jaeger validate accepts the rendered config", () => {
    const dir = path.join(out[env], "jaeger");
    // prod reads the Elasticsearch user from the mounted Secret (/etc/es-user): point it at a stand-in.
    const user = path.join(out[env], "es-user");
    fs.mkdirSync(user, { recursive: true });
    fs.writeFileSync(path.join(user, "username"), "novacron-jaeger");
    fs.writeFileSync(path.join(user, "password"), "stand-in");
    const config = path.join(out[env], "jaeger-validate.yaml");
    fs.writeFileSync(config, fs.readFileSync(path.join(dir, "config.yaml"), "utf8").replaceAll("/etc/es-user/", `${user}/`));
    const r = spawnSync(require("../helpers/logs-tools").logsToolPath("jaeger"), ["validate", `--config=file:${config}`], { encoding: "utf8" });
    ok(r);
  });

  test("the Elasticsearch and Kibana resources are valid against ECK's CRDs (strict: no unknown fields)", () => {
    const eckVersion = fs.readFileSync(path.join(repoRoot, "scripts", "versions.env"), "utf8").match(/^ECK_VERSION=(.+)$/m)![1];
    const module = JSON.parse(execFileSync("go", ["mod", "download", "-json", `github.com/elastic/cloud-on-k8s/v3@v${eckVersion}`], { encoding: "utf8" }));
    const crds = path.join(module.Dir, "config", "crds", "v1", "all-crds.yaml");
    const py = path.join(execFileSync("bash", [path.join(repoRoot, "scripts", "install-python-tools.sh")], { encoding: "utf8" }).trim(), "python");
    const resources = ["elasticsearch", "kibana"].map((f) => path.join(out[env], "kubernetes", "custom-resources", `${f}.yaml`));
    const result = JSON.parse(spawnSync(py, [path.join(__dirname, "validate-crd.py"), crds, ...resources], { encoding: "utf8" }).stdout);
    expect(result.problems).toEqual([]);
    expect(result.checked).toBe(2);
    // The check can fail: a misspelt field is refused.
    const bad = path.join(out[env], "bad-es.yaml");
    const es = parse(fs.readFileSync(resources[0], "utf8"));
    es.spec.nodeSets[0].volumeClaimTemplate = es.spec.nodeSets[0].volumeClaimTemplates;
    fs.writeFileSync(bad, JSON.stringify(es));
    expect(JSON.parse(spawnSync(py, [path.join(__dirname, "validate-crd.py"), crds, bad], { encoding: "utf8" }).stdout).problems.join("\n")).toContain("volumeClaimTemplate");
  });

  // Elasticsearch cannot run here: the documents are checked against the shapes its reference documents.
  const ilmActions: Record<string, string[]> = {
    hot: ["set_priority", "unfollow", "rollover", "readonly", "downsample", "shrink", "forcemerge", "searchable_snapshot"],
    warm: ["set_priority", "unfollow", "readonly", "downsample", "allocate", "migrate", "shrink", "forcemerge"],
    cold: ["set_priority", "unfollow", "readonly", "downsample", "searchable_snapshot", "allocate", "migrate"],
    delete: ["wait_for_snapshot", "delete"],
  };
  const minAge = z.string().regex(/^\d+(d|h|m|s|ms)$/);
  const ilmSchema = z.strictObject({
    policy: z.strictObject({
      _meta: z.record(z.string(), z.string()).optional(),
      phases: z.partialRecord(z.enum(["hot", "warm", "cold", "frozen", "delete"]), z.strictObject({ min_age: minAge, actions: z.record(z.string(), z.unknown()) })),
    }),
  });
  const mappingTypes = new Set(["keyword", "text", "ip", "float", "integer", "date", "date_nanos", "geo_point", "long", "boolean"]);
  const mappingSchema: z.ZodType = z.lazy(() => z.union([
    z.strictObject({ type: z.string().refine((t) => mappingTypes.has(t), "unknown mapping type"), ignore_above: z.number().int().optional() }),
    z.strictObject({ properties: z.record(z.string(), mappingSchema) }),
  ]));
  const templateSchema = z.strictObject({
    index_patterns: z.array(z.string().regex(/^novacron-[a-z]+-\*$/)).length(1),
    priority: z.number().int().min(0),
    _meta: z.record(z.string(), z.string()),
    template: z.strictObject({
      settings: z.strictObject({ index: z.record(z.string(), z.unknown()) }),
      mappings: z.strictObject({ dynamic: z.literal(false), properties: z.record(z.string(), mappingSchema) }),
    }),
  });

  test("the ILM policy: phases in order, only the actions each phase allows, days increasing", () => {
    const policy = ilmSchema.parse(JSON.parse(fs.readFileSync(path.join(out[env], "elasticsearch", "ilm", "novacron-logs.json"), "utf8")));
    const phases = Object.entries(policy.policy.phases);
    expect(phases.map(([p]) => p)).toEqual(["hot", "warm", "cold", "delete"]);
    for (const [phase, { actions }] of phases) for (const action of Object.keys(actions)) expect([phase, ilmActions[phase]]).toEqual([phase, expect.arrayContaining([action])]);
    const days = phases.map(([, p]) => parseInt(p.min_age, 10));
    expect([...days].sort((a, b) => a - b)).toEqual(days);
    expect(env === "prod" ? days : []).toEqual(env === "prod" ? [0, 7, 30, 365] : []);
    // prod archives before deleting; dev just deletes.
    expect("wait_for_snapshot" in policy.policy.phases.delete!.actions).toBe(env === "prod");
  });

  test("index templates: one per seed index pattern, explicit mappings of known types only", () => {
    const dir = path.join(out[env], "elasticsearch", "index-templates");
    const templates = fs.readdirSync(dir).sort().map((f) => templateSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"))));
    expect(templates.flatMap((t) => t.index_patterns).sort()).toEqual(["novacron-access-*", "novacron-application-*", "novacron-errors-*", "novacron-ml-*"]);
    for (const t of templates) expect(t.template.settings.index).toMatchObject({ lifecycle: { name: "novacron-logs" } });
  });

  test("Logstash pipeline: balanced, every plugin is one Logstash ships", () => {
    const plugins = new Set(["http", "split", "ruby", "mutate", "grok", "date", "geoip", "elasticsearch"]);
    const text = fs.readdirSync(path.join(out[env], "logstash", "pipeline")).sort().map((f) => fs.readFileSync(path.join(out[env], "logstash", "pipeline", f), "utf8")).join("\n");
    const code = text.replace(/"(?:\\"|[^"])*"/g, '""').replace(/'[^']*'/g, "''").replace(/#.*$/gm, "");
    const used = [...code.matchAll(/^\s*([a-z_]+) \{/gm)].map((m) => m[1]).filter((w) => !["input", "filter", "output", "if", "else"].includes(w));
    for (const p of used) expect([p, plugins.has(p)]).toEqual([p, true]);
    expect(code.split("{").length).toBe(code.split("}").length);
  });
});
