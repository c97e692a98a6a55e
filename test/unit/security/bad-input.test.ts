// Bad input is refused before anything is created. Each invalid configuration runs through the program
// entry (index.ts) under Pulumi's mocks, as `pulumi up` would run it: it must fail with one
// StackConfigError naming the offending key (`novacron:<path>`), and the mock monitor must have seen no
// resource at all. A property test then throws random, mostly near-valid configurations at the
// validator: only a StackConfigError may ever escape, and whatever it accepts satisfies the schema and
// the environment's rules.
import fc from "fast-check";
import { channelSecretKeys, parseStackConfig, RawConfig, StackConfigError } from "../../../stacks/config";
import { presets } from "../../../stacks/presets";
import { environmentPolicies } from "../../../stacks/schema";
import { parseBytes, parseDuration, stackSpecSchema } from "../../../stacks/schema";
import { runProgram } from "../../helpers/program";

/** Config as the engine hands it over: full keys, structured values as JSON. */
const raw = (values: Record<string, unknown>): RawConfig =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`novacron:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));

const target = { name: "api", namespace: "novacron", service: "novacron-api", port: 8080, path: "/metrics", domain: "application" };
const probe = { name: "web", module: "http_2xx", targets: ["https://novacron.com/healthz"] };
/** prod needs a channel; this one, with its secret set as a secret, makes an otherwise valid prod config. */
const prodBase = { environment: "prod", notifications: { webhook: { enabled: true } }, webhookUrl: "https://hooks.example.com/x" };
const prodSecrets = ["webhookUrl"];

/**
 * The error, checked to be a StackConfigError. index.ts runs in its own module registry, so its error class
 * is a twin of the one imported here: compare by name and shape, not identity.
 */
function configError(err: unknown): StackConfigError {
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).name).toBe("StackConfigError");
  expect(Array.isArray((err as StackConfigError).problems)).toBe(true);
  return err as StackConfigError;
}

interface BadCase {
  what: string;
  config: Record<string, unknown>;
  /** Short keys Pulumi holds as secrets. */
  secrets?: string[];
  /** The key the error must name, without the `novacron:` prefix. */
  key: string;
}

const dev = (config: Record<string, unknown>) => ({ environment: "dev", ...config });

const badCases: BadCase[] = [
  // Wrong types
  { what: "replicas given as a word", config: dev({ prometheus: { replicas: "two" } }), key: "prometheus.replicas" },
  { what: "fractional replicas", config: dev({ alertmanager: { replicas: 2.5 } }), key: "alertmanager.replicas" },
  { what: "a duration given as a number", config: dev({ alertmanager: { groupWait: -1 } }), key: "alertmanager.groupWait" },
  { what: "a boolean given as a string", config: dev({ exporters: { nodeExporter: { enabled: "yes" } } }), key: "exporters.nodeExporter.enabled" },
  { what: "a list given as an object", config: dev({ targets: { api: target } }), key: "targets" },
  { what: "a structured key that is not YAML/JSON", config: dev({ prometheus: "{retentionTime: 30d" }), key: "prometheus" },
  { what: "networkPolicies not a boolean", config: dev({ networkPolicies: "maybe" }), key: "networkPolicies" },
  // Retention and sizes
  { what: "negative retention", config: dev({ prometheus: { retentionTime: "-5d" } }), key: "prometheus.retentionTime" },
  { what: "absurd retention (100 years)", config: dev({ prometheus: { retentionTime: "100y" } }), key: "prometheus.retentionTime" },
  { what: "retention shorter than a TSDB block", config: dev({ prometheus: { retentionTime: "10m" } }), key: "prometheus.retentionTime" },
  { what: "retention size without a unit", config: dev({ prometheus: { retentionSize: "50" } }), key: "prometheus.retentionSize" },
  { what: "retention size filling the whole volume", config: dev({ prometheus: { retentionSize: "10GB", storageSize: "10Gi" } }), key: "prometheus.retentionSize" },
  { what: "a volume size in decimal units", config: dev({ alertmanager: { storageSize: "100G" } }), key: "alertmanager.storageSize" },
  { what: "a memory limit Kubernetes would misread", config: dev({ prometheus: { resources: { requests: { cpu: "1", memory: "1GB" }, limits: { cpu: "2", memory: "2Gi" } } } }), key: "prometheus.resources.requests.memory" },
  // Timings
  { what: "scrape timeout above the interval", config: dev({ prometheus: { scrapeTimeout: "30s", scrapeInterval: "15s" } }), key: "prometheus.scrapeTimeout" },
  { what: "a scrape interval below the 5s floor", config: dev({ prometheus: { scrapeInterval: "1s", scrapeTimeout: "1s" } }), key: "prometheus.scrapeInterval" },
  { what: "a repeat interval above 7 days", config: dev({ alertmanager: { repeatInterval: "30d" } }), key: "alertmanager.repeatInterval" },
  // Environment
  { what: "an unknown environment", config: { environment: "staging" }, key: "environment" },
  { what: "no environment at all", config: { prometheus: { replicas: 1 } }, key: "environment" },
  { what: "prod with a single Alertmanager (no gossip cluster)", config: { ...prodBase, alertmanager: { replicas: 1 } }, secrets: prodSecrets, key: "alertmanager.replicas" },
  { what: "prod with a single Prometheus", config: { ...prodBase, prometheus: { replicas: 1 } }, secrets: prodSecrets, key: "prometheus.replicas" },
  { what: "prod notifying nobody", config: { environment: "prod" }, key: "notifications" },
  { what: "a group_interval shorter than the last gossip peer's wait", config: { ...prodBase, alertmanager: { groupInterval: "30s" } }, secrets: prodSecrets, key: "alertmanager.groupInterval" },
  // URLs, emails, names
  { what: "a runbook URL that is not http(s)", config: dev({ runbookBaseUrl: "ftp://runbooks.novacron.com" }), key: "runbookBaseUrl" },
  { what: "a remote_write URL that is not a URL", config: dev({ prometheus: { remoteWrite: [{ name: "lts", url: "not a url" }] } }), key: "prometheus.remoteWrite[0].url" },
  { what: "an external URL without a scheme", config: dev({ alertmanager: { externalUrl: "alertmanager.novacron.com" } }), key: "alertmanager.externalUrl" },
  { what: "an ML endpoint without a scheme", config: dev({ mlModelExporter: { endpoint: "ml-service:8000" } }), key: "mlModelExporter.endpoint" },
  { what: "a malformed recipient email", config: dev({ notifications: { email: { to: "ops-at-novacron.com" } } }), key: "notifications.email.to" },
  { what: "a malformed sender email", config: dev({ notifications: { email: { from: "alerts@" } } }), key: "notifications.email.from" },
  { what: "an SMTP smarthost without a port", config: dev({ notifications: { email: { smarthost: "smtp.gmail.com" } } }), key: "notifications.email.smarthost" },
  { what: "a Slack channel without #", config: dev({ notifications: { slack: { enabled: false, channel: "alerts" } } }), key: "notifications.slack.channel" },
  { what: "a namespace that is not a DNS label", config: dev({ namespace: "Monitoring_NS" }), key: "namespace" },
  { what: "an ML exporter image that is not pinned", config: dev({ mlModelExporter: { image: "ghcr.io/novacron/ml-model-exporter:latest" } }), key: "mlModelExporter.image" },
  // Channels and secrets
  { what: "a channel enabled without its secret", config: dev({ notifications: { slack: { enabled: true } } }), key: "notifications.slack.enabled" },
  { what: "a credential set in plain text", config: dev({ notifications: { webhook: { enabled: true } }, webhookUrl: "https://hooks.example.com/x" }), key: "webhookUrl" },
  { what: "a webhook secret that is not https", config: dev({ notifications: { webhook: { enabled: true } }, webhookUrl: "http://hooks.example.com/x" }), secrets: ["webhookUrl"], key: "webhookUrl" },
  { what: "an empty secret", config: dev({ smtpPassword: "" }), secrets: ["smtpPassword"], key: "smtpPassword" },
  // Targets and probes
  { what: "duplicate scrape job names", config: dev({ targets: [target, target] }), key: "targets[1].name" },
  { what: "a target taking the ML exporter's job name", config: dev({ targets: [{ ...target, name: "ml-model-exporter" }] }), key: "targets[0].name" },
  { what: "a target port out of range", config: dev({ targets: [{ ...target, port: 70000 }] }), key: "targets[0].port" },
  { what: "a metrics path without a leading slash", config: dev({ targets: [{ ...target, path: "metrics" }] }), key: "targets[0].path" },
  { what: "duplicate probe names", config: dev({ blackbox: { probes: [probe, probe] } }), key: "blackbox.probes[1].name" },
  { what: "a probe target that does not fit its module", config: dev({ blackbox: { probes: [{ name: "db", module: "tcp_connect", targets: ["db.novacron.svc"] }] } }), key: "blackbox.probes[0].targets[0]" },
  // Unknown keys
  { what: "a misspelt top-level key", config: dev({ promethues: { replicas: 2 } }), key: "promethues" },
  { what: "a misspelt nested key", config: dev({ prometheus: { retension: "30d" } }), key: "prometheus" },
  { what: "a __proto__ key smuggled in through JSON", config: dev({ prometheus: '{"__proto__": {"replicas": 0}}' }), key: "prometheus" },
  { what: "an enabled cloud without its region", config: dev({ clouds: { aws: { enabled: true } } }), key: "clouds.aws.region" },
  // Round two (issue 15): what reached an artifact before
  { what: "credentials in a remote_write URL's user-info", config: dev({ prometheus: { remoteWrite: [{ name: "lts", url: "https://u:p4ss@lts.example.com/api/v1/write" }] } }), key: "prometheus.remoteWrite[0].url" },
  { what: "credentials in the ML endpoint's user-info", config: dev({ mlModelExporter: { endpoint: "http://ml:secret@ml-service:8000" } }), key: "mlModelExporter.endpoint" },
  { what: "a token in a probe target's query", config: dev({ blackbox: { probes: [{ ...probe, targets: ["https://novacron.com/healthz?token=abc"] }] } }), key: "blackbox.probes[0].targets[0]" },
  { what: "template text in the runbook URL", config: dev({ runbookBaseUrl: "https://runbooks.example.com/{{ .Labels.x }}" }), key: "runbookBaseUrl" },
  { what: "a probe port above 65535", config: dev({ blackbox: { probes: [{ name: "db", module: "tcp_connect", targets: ["db.novacron.svc:70000"] }] } }), key: "blackbox.probes[0].targets[0]" },
  { what: "an SMTP port above 65535", config: dev({ notifications: { email: { smarthost: "smtp.gmail.com:65536" } } }), key: "notifications.email.smarthost" },
  { what: "a duration Alloy's Go parser cannot read", config: dev({ logShipper: { multilineMaxWait: "0d" } }), key: "logShipper.multilineMaxWait" },
  { what: "a label key with invalid syntax in a NetworkPolicy selector", config: dev({ grafana: { ingressFrom: [{ namespace: "ingress", podLabels: { "bad key!": "x" } }] } }), key: "grafana.ingressFrom[0].podLabels.bad key!" },
  { what: "a label value with invalid syntax in a NetworkPolicy selector", config: dev({ grafana: { ingressFrom: [{ namespace: "ingress", podLabels: { app: "-nginx-" } }] } }), key: "grafana.ingressFrom[0].podLabels.app" },
  { what: "requests above limits", config: dev({ prometheus: { resources: { requests: { cpu: "4", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } } } }), key: "prometheus.resources.requests.cpu" },
  { what: "a zero-sized volume", config: dev({ alertmanager: { storageSize: "0Gi" } }), key: "alertmanager.storageSize" },
  { what: "the host namespace equal to the stack's", config: dev({ namespace: "obs", hostNamespace: "obs" }), key: "hostNamespace" },
  { what: "kube-system as the stack's namespace", config: dev({ namespace: "kube-system" }), key: "namespace" },
  { what: "a failure-count threshold past what increase() can tell apart", config: dev({ alerts: { VMCreationFailure: { threshold: Number.MAX_SAFE_INTEGER } } }), key: "alerts.VMCreationFailure.threshold" },
  { what: "two remote_write queues of one name", config: dev({ prometheus: { remoteWrite: [{ name: "lts", url: "https://a.example.com/w" }, { name: "lts", url: "https://b.example.com/w" }] } }), key: "prometheus.remoteWrite[1].name" },
  { what: "a remote_write queue named like a cloud's own", config: dev({ prometheus: { remoteWrite: [{ name: "amp", url: "https://a.example.com/w" }] } }), key: "prometheus.remoteWrite[0].name" },
  { what: "TargetDown's threshold at a share no job can pass", config: dev({ alerts: { TargetDown: { threshold: 1 } } }), key: "alerts.TargetDown.threshold" },
  { what: "credentials in the ECK chart repository's URL", config: dev({ elk: { operatorChartRepository: "https://u:p4ss@charts.example.com/" } }), key: "elk.operatorChartRepository" },
  { what: "a plain key set as a Pulumi secret", config: dev({ cluster: "novacron-dev" }), secrets: ["cluster"], key: "cluster" },
  { what: "a secret's value pasted into a plain key", config: dev({ notifications: { email: { username: "smtp-hunter2-password" } }, smtpPassword: "smtp-hunter2-password" }), secrets: ["smtpPassword"], key: "notifications.email.username" },
];

describe("invalid stack configurations are refused before any resource is registered", () => {
  test("the table covers at least 25 distinct invalid configurations", () => {
    expect(new Set(badCases.map((c) => c.what)).size).toBe(badCases.length);
    expect(badCases.length).toBeGreaterThanOrEqual(25);
  });

  test("a valid configuration through the same path does register resources (the assertion below can fail)", async () => {
    const run = await runProgram(raw(prodBase), prodSecrets.map((k) => `novacron:${k}`), "prod");
    expect(run.error).toBeUndefined();
    expect(run.resources.length).toBeGreaterThan(20);
  });

  test.each(badCases)("$what → novacron:$key", async ({ config, secrets = [], key }) => {
    const run = await runProgram(raw(config), secrets.map((k) => `novacron:${k}`));
    const error = configError(run.error);
    expect(error.problems.map((p) => p.key)).toContain(`novacron:${key}`);
    expect(error.message).toContain(`novacron:${key}:`);
    expect(run.resources).toEqual([]);
  });

  test("every problem of a config is listed at once, each by its key", async () => {
    const config = dev({
      prometheus: { replicas: 0, retentionTime: "forever" },
      alertmanager: { repeatInterval: "30d" },
      notifications: { email: { to: "nobody" }, pagerduty: { enabled: true } },
      targets: [target, target],
      typo: true,
    });
    const run = await runProgram(raw(config));
    expect(configError(run.error).problems.map((p) => p.key).sort()).toEqual([
      "novacron:alertmanager.repeatInterval",
      "novacron:notifications.email.to",
      "novacron:notifications.pagerduty.enabled",
      "novacron:prometheus.replicas",
      "novacron:prometheus.retentionTime",
      "novacron:targets[1].name",
      "novacron:typo",
    ]);
    expect(run.resources).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Property: random configurations, mostly near-valid (a preset's sections with a few mutations), plus
// random secrets and raw strings where JSON is expected.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => leafPaths(v, [...prefix, i]))];
  if (value && typeof value === "object") return [prefix, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
  return [prefix];
}

type Mutation =
  | { op: "set"; at: number; value: Json }
  | { op: "delete"; at: number }
  | { op: "addKey"; at: number; key: string; value: Json };

function mutate(base: Json, mutations: Mutation[]): Json {
  let doc = structuredClone(base);
  for (const m of mutations) {
    const paths = leafPaths(doc);
    const path = paths[m.at % paths.length];
    if (path.length === 0) {
      if (m.op === "set") doc = m.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<any>((node, k) => node[k], doc);
    const last = path[path.length - 1];
    if (m.op === "set") parent[last] = m.value;
    else if (m.op === "delete") Array.isArray(parent) ? parent.splice(Number(last), 1) : delete parent[last];
    else if (parent[last] && typeof parent[last] === "object" && !Array.isArray(parent[last])) parent[last][m.key] = m.value;
  }
  return doc;
}

/** Values a mutation writes: near-miss scalars of the kinds the schema expects, and arbitrary JSON. */
const nearMiss: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>("", "0s", "-5m", "1.5h", "30d", "100y", "50GB", "10Gi", "100G", "https://x", "http://127.0.0.1:1", "not a url", "a@b", "#alerts", "dev", "prod", 0, -1, 1, 2, 3, 65536, 2.5, true, false, null, [], {}),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("set" as const), at: fc.nat(), value: nearMiss }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("addKey" as const), at: fc.nat(), key: fc.oneof(fc.constantFrom("enabled", "replicas", "extra", "__proto__", "constructor"), fc.string({ maxLength: 8 })), value: nearMiss }),
);

const sectionNames = Object.keys(presets.dev).filter((k) => typeof (presets.dev as Record<string, unknown>)[k] === "object") as (keyof typeof presets.dev)[];
const scalarNames = Object.keys(presets.dev).filter((k) => !sectionNames.includes(k as keyof typeof presets.dev) && k !== "environment");
const secretKeyList = Object.values(channelSecretKeys) as string[];

/** A value one time in ten, otherwise undefined. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: arb, weight: 1 });

const randomConfig = fc.record({
  // Mostly dev (which needs no channel), so that a fair share of configurations is valid.
  environment: fc.oneof(
    { arbitrary: fc.constant("dev"), weight: 6 },
    { arbitrary: fc.constant("prod"), weight: 2 },
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
  ),
  sections: fc.array(fc.record({
    name: fc.constantFrom(...sectionNames),
    from: fc.constantFrom("dev", "prod"),
    // Untouched sections (a valid override) as often as mutated ones.
    mutations: fc.oneof(fc.constant<Mutation[]>([]), fc.array(mutation, { minLength: 1, maxLength: 3 })),
    asText: rarely(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('{"__proto__":{"replicas":0}}', "[]", "null", "42", '"x"'))),
  }), { maxLength: 4 }),
  scalars: fc.array(fc.tuple(fc.constantFrom(...scalarNames), fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("novacron-x", "https://runbooks.example.com", "true", "monitoring"))), { maxLength: 1 }),
  secrets: fc.array(fc.record({ key: fc.constantFrom(...secretKeyList), value: fc.oneof(fc.constant("https://hooks.example.com/k"), fc.string({ maxLength: 10 })), isSecret: fc.constantFrom(true, true, true, false) }), { maxLength: 3 }),
  unknownKey: rarely(fc.string({ minLength: 1, maxLength: 8 })),
});

type RandomConfig = typeof randomConfig extends fc.Arbitrary<infer T> ? T : never;

function toRaw(c: RandomConfig): { config: RawConfig; secretKeys: Set<string> } {
  const config: RawConfig = {};
  const secretKeys = new Set<string>();
  if (c.environment !== undefined) config["novacron:environment"] = c.environment;
  for (const s of c.sections) {
    const base = (presets as Record<string, any>)[s.from][s.name] as Json;
    config[`novacron:${s.name}`] = s.asText ?? JSON.stringify(mutate(base, s.mutations));
  }
  for (const [name, value] of c.scalars) config[`novacron:${name}`] = value;
  for (const s of c.secrets) {
    config[`novacron:${s.key}`] = s.value;
    if (s.isSecret) secretKeys.add(`novacron:${s.key}`);
  }
  if (c.unknownKey !== undefined) config[`novacron:${c.unknownKey}`] = "x";
  return { config, secretKeys };
}

describe("property: the validator never fails with anything but a StackConfigError", () => {
  test("random and near-valid configurations", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(randomConfig, (c) => {
        const { config, secretKeys } = toRaw(c);
        let parsed;
        try {
          parsed = parseStackConfig(config, secretKeys);
        } catch (err) {
          if (!(err instanceof StackConfigError)) throw err;
          refused++;
          expect(err.problems.length).toBeGreaterThan(0);
          for (const p of err.problems) {
            expect(p.key).toMatch(/^novacron:./s);
            expect(p.message.length).toBeGreaterThan(0);
          }
          return;
        }
        accepted++;
        // What is accepted satisfies the schema and the environment's rules.
        const { spec } = parsed;
        expect(stackSpecSchema.safeParse(spec).success).toBe(true);
        const policy = environmentPolicies[spec.environment];
        expect(spec.alertmanager.replicas).toBeGreaterThanOrEqual(policy.minAlertmanagerReplicas);
        expect(spec.prometheus.replicas).toBeGreaterThanOrEqual(policy.minPrometheusReplicas);
        expect(parseBytes(spec.prometheus.retentionSize)!).toBeLessThanOrEqual(0.85 * parseBytes(spec.prometheus.storageSize)!);
        expect(parseDuration(spec.prometheus.scrapeTimeout)!).toBeLessThanOrEqual(parseDuration(spec.prometheus.scrapeInterval)!);
        expect(new Set(spec.targets.map((t) => t.name)).size).toBe(spec.targets.length);
        expect(parseDuration(spec.alertmanager.groupInterval)!).toBeGreaterThan((spec.alertmanager.replicas - 1) * 15);
        for (const [channel, key] of Object.entries(channelSecretKeys)) {
          if ((spec.notifications as Record<string, { enabled: boolean }>)[channel].enabled) {
            expect(parsed.secretKeysPresent).toContain(key);
            expect(secretKeys.has(`novacron:${key}`)).toBe(true);
          }
        }
      }),
      { numRuns: 1500 },
    );
    // Both outcomes were exercised, so the properties above were really checked.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(300);
  });
});
