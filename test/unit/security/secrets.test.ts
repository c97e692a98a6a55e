// Secrets never in plain text. Every secret key the code declares (discovered from stacks/config.ts, so
// keys added later are covered too) is given a unique sentinel value, set as a Pulumi secret; the program
// (index.ts) runs under Pulumi's mocks for dev and prod, as configured and with every channel enabled.
// No sentinel may appear in any ConfigMap, any resource other than a Secret, any rendered file, any log
// line, or any stack output that is not itself a secret; a cloud resource that must be handed a channel
// credential holds it only as a Pulumi secret. Passwords the stack generates (@pulumi/random) reach only
// Secrets and secret outputs too. And each sentinel does reach its Kubernetes Secret: the test would see a
// leak if there were one.
import { randomBytes } from "crypto";
import * as configModule from "../../../stacks/config";
import { CONFIG_NAMESPACE, parseStackConfig, StackConfigError } from "../../../stacks/config";
import { presets } from "../../../stacks/presets";
import { readStackConfig, renderedFiles } from "../../../scripts/render";
import { generatedPassword, maskSecrets } from "../../../scripts/mock-resources";
import { ProgramRun, runProgram } from "../../helpers/program";
import { acceptedAsSecret, findSecretLeaks } from "../../helpers/sentinels";
import * as pulumi from "@pulumi/pulumi";

// ---------------------------------------------------------------------------------------------------
// Discovery: every string in stacks/config.ts's exports is a candidate; a candidate is a secret key if
// the validator refuses it in plain text because it "must be a secret". Nothing here lists the keys.

function stringsIn(value: unknown, depth = 0, seen = new Set<unknown>()): string[] {
  if (typeof value === "string") return [value];
  if (depth > 4 || value === null || typeof value !== "object" || seen.has(value)) return [];
  seen.add(value);
  const items = value instanceof Set || Array.isArray(value) ? [...value] : value instanceof Map ? [...value.keys(), ...value.values()] : Object.values(value);
  return items.flatMap((v) => stringsIn(v, depth + 1, seen));
}

function refusedAsPlainText(key: string): boolean {
  try {
    parseStackConfig({ [`${CONFIG_NAMESPACE}:environment`]: "dev", [`${CONFIG_NAMESPACE}:${key}`]: "https://plain.example.com/x" });
  } catch (err) {
    return err instanceof StackConfigError && err.problems.some((p) => p.key === `${CONFIG_NAMESPACE}:${key}` && /must be a secret/.test(p.message));
  }
  return false;
}

const candidates = [...new Set(stringsIn(Object.values(configModule)))].filter((s) => /^[A-Za-z][\w.]*$/.test(s));
const secretKeys = candidates.filter(refusedAsPlainText).sort();

/** A unique, recognisable token per key: the part of its sentinel that must never appear anywhere. */
const tokens: Record<string, string> = Object.fromEntries(secretKeys.map((key) => [key, `SENTINEL-${key}-${randomBytes(6).toString("hex")}`]));
/**
 * The shapes a secret value may have to take (the validator checks some: webhook URLs must be https, a
 * database URL postgres:// or mysql://); each key's sentinel is the first shape the validator accepts for
 * it, found by asking the validator, so nothing here lists which key takes which shape. The token sits
 * where the credential does (the URL's path, the database password).
 */
const shapes = [
  (t: string) => `https://sentinel.invalid/${t}`,
  (t: string) => `postgres://grafana:${t}@sentinel.invalid:5432/grafana`,
];
const sentinels: Record<string, string> = Object.fromEntries(secretKeys.map((key) => {
  const value = shapes.map((shape) => shape(tokens[key])).find((v) => acceptedAsSecret(key, v));
  if (!value) throw new Error(`no sentinel shape suits ${CONFIG_NAMESPACE}:${key}; add the shape its validator requires`);
  return [key, value];
}));
/** The keys whose token appears in `text` in any encoding (raw, JSON- or YAML-escaped, URL-encoded, base64…). */
const leaksIn = (text: string) => findSecretLeaks(text, tokens).map(({ secret }) => secret);

// ---------------------------------------------------------------------------------------------------

const allChannelsOn = JSON.stringify(Object.fromEntries(Object.keys(configModule.channelSecretKeys).map((channel) => [channel, { enabled: true }])));

interface Scenario {
  name: string;
  stack: "dev" | "prod";
  overrides: Record<string, string>;
}
/** Thanos on an S3-compatible store: the one configuration that uses its key pair (the secrets thanosS3*). */
const thanosOnS3 = { [`${CONFIG_NAMESPACE}:thanos`]: JSON.stringify({ enabled: true, storage: "s3-compatible", s3Compatible: { url: "https://s3.sentinel.invalid", bucket: "novacron-thanos", pathStyle: true } }) };
const scenarios: Scenario[] = [
  { name: "dev as configured", stack: "dev", overrides: {} },
  { name: "prod as configured", stack: "prod", overrides: {} },
  { name: "dev with every channel enabled and Thanos on an S3-compatible store", stack: "dev", overrides: { [`${CONFIG_NAMESPACE}:notifications`]: allChannelsOn, ...thanosOnS3 } },
  { name: "prod with every channel enabled and Thanos on an S3-compatible store", stack: "prod", overrides: { [`${CONFIG_NAMESPACE}:notifications`]: allChannelsOn, ...thanosOnS3 } },
];

interface Rendered {
  run: ProgramRun;
  files: Record<string, string>;
  /** Stack outputs: name → { secret, value }. */
  outputs: Record<string, { secret: boolean; value: unknown }>;
}
const rendered = new Map<string, Rendered>();

beforeAll(async () => {
  // One scenario after the other: the mocks are process-wide.
  for (const s of scenarios) {
    const base = readStackConfig(s.stack);
    const config = { ...base.config, ...s.overrides };
    for (const key of secretKeys) config[`${CONFIG_NAMESPACE}:${key}`] = sentinels[key];
    const run = await runProgram(config, [...new Set([...base.secretKeys, ...secretKeys.map((k) => `${CONFIG_NAMESPACE}:${k}`)])], s.stack);
    if (run.error) throw run.error;
    const outputs: Rendered["outputs"] = {};
    for (const [name, value] of Object.entries(run.exports ?? {})) {
      if (pulumi.Output.isInstance(value)) {
        const output = value as pulumi.Output<unknown>;
        outputs[name] = { secret: await pulumi.isSecret(output), value: await new Promise((resolve) => output.apply((v) => { resolve(v); return v; })) };
      } else {
        outputs[name] = { secret: false, value };
      }
    }
    const secretValues = Object.fromEntries(secretKeys.map((key) => [`${CONFIG_NAMESPACE}:${key}`, sentinels[key]]));
    rendered.set(s.name, { run, files: renderedFiles(run.resources, secretValues), outputs });
  }
});

test("secret keys are discovered from the code, channel credentials among them", () => {
  expect(secretKeys).toEqual(expect.arrayContaining(Object.values(configModule.channelSecretKeys)));
  // Every discovered key is also in the module's own declaration of secret keys.
  expect([...configModule.secretConfigKeys].sort()).toEqual(secretKeys);
});

describe.each(scenarios.map((s) => s.name))("%s", (name) => {
  const get = () => rendered.get(name)!;

  test("each enabled channel's sentinel reaches a Kubernetes Secret (so a leak would be seen)", () => {
    const { run } = get();
    const secretText = JSON.stringify(run.resources.filter((r) => r.inputs.kind === "Secret").map((r) => r.inputs));
    const spec = parseStackConfig(
      {
        ...readStackConfig(scenarios.find((s) => s.name === name)!.stack).config, ...scenarios.find((s) => s.name === name)!.overrides,
        ...Object.fromEntries(secretKeys.map((k) => [`${CONFIG_NAMESPACE}:${k}`, sentinels[k]])),
      },
      new Set(secretKeys.map((k) => `${CONFIG_NAMESPACE}:${k}`)),
    ).spec;
    const enabled = Object.entries(configModule.channelSecretKeys).filter(([channel]) => (spec.notifications as Record<string, { enabled: boolean }>)[channel].enabled);
    expect(enabled.length).toBeGreaterThan(0);
    for (const [, key] of enabled) expect([key, leaksIn(secretText).includes(key)]).toEqual([key, true]);
  });

  test("no sentinel in any ConfigMap", () => {
    const leaks = get().run.resources.filter((r) => r.inputs.kind === "ConfigMap").flatMap((r) => leaksIn(JSON.stringify(r.inputs)).map((key) => `${r.inputs.metadata?.name}: ${key}`));
    expect(leaks).toEqual([]);
  });

  test("no sentinel in any Kubernetes object other than a Secret, nor in clear in any other resource", () => {
    const { run } = get();
    expect(run.resources.length).toBeGreaterThan(20);
    const leaks = run.resources
      .filter((r) => !(r.type === "kubernetes:core/v1:Secret" && r.inputs.kind === "Secret"))
      // A Kubernetes object other than a Secret holds the value in clear in the cluster, secret-wrapped or not.
      // A cloud resource that delivers a channel (an SNS subscription, a notification channel, an action
      // group) has to be handed the credential, which the provider then keeps; it may hold it only as a
      // Pulumi secret (encrypted in state, masked in previews), so secret values are masked before the search.
      .flatMap((r) => leaksIn(JSON.stringify(r.type.startsWith("kubernetes:") ? r.inputs : maskSecrets(r.wireInputs))).map((key) => `${r.type} ${r.name}: ${key}`));
    expect(leaks).toEqual([]);
  });

  test("component secrets (Grafana's admin password and database URL; Thanos' S3 keys where it uses them) reach a Kubernetes Secret too", () => {
    const secretText = JSON.stringify(get().run.resources.filter((r) => r.inputs.kind === "Secret").map((r) => r.inputs));
    const usesThanosKeys = Object.hasOwn(scenarios.find((s) => s.name === name)!.overrides, `${CONFIG_NAMESPACE}:thanos`);
    const thanosKeys: readonly string[] = configModule.thanosS3SecretKeys;
    for (const key of Object.keys(configModule.componentSecretKeys)) {
      expect([key, leaksIn(secretText).includes(key)]).toEqual([key, usesThanosKeys || !thanosKeys.includes(key)]);
    }
  });

  test("generated passwords (Grafana's, Elasticsearch users') reach only Secrets and secret outputs", () => {
    const { run, files, outputs } = get();
    const generated = run.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword").map((r) => ({ name: r.name, value: generatedPassword(r.name) }));
    expect(generated.length).toBeGreaterThan(0);
    const where = (text: string) => generated.filter((g) => text.includes(g.value)).map((g) => g.name);
    const secrets = run.resources.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.kind === "Secret");
    // Each one is used, through a Secret: the search below would see it elsewhere.
    expect([...new Set(secrets.flatMap((r) => where(JSON.stringify(r.inputs))))].sort()).toEqual(generated.map((g) => g.name).sort());
    const leaks = [
      ...run.resources.filter((r) => !secrets.includes(r) && r.type !== "random:index/randomPassword:RandomPassword").flatMap((r) => where(JSON.stringify(r.inputs)).map((n) => `${r.type} ${r.name}: ${n}`)),
      ...Object.entries(files).flatMap(([file, content]) => where(content).map((n) => `${file}: ${n}`)),
      ...where(run.logs.join("\n")).map((n) => `log: ${n}`),
      ...Object.entries(outputs).filter(([, o]) => !o.secret).flatMap(([name, o]) => where(JSON.stringify(o.value) ?? "").map((n) => `output ${name}: ${n}`)),
    ];
    expect(leaks).toEqual([]);
  });

  test("no sentinel in any rendered file (Secret manifests show markers only)", () => {
    const { files } = get();
    expect(Object.keys(files).length).toBeGreaterThan(5);
    const leaks = Object.entries(files).flatMap(([file, content]) => leaksIn(content).map((key) => `${file}: ${key}`));
    expect(leaks).toEqual([]);
  });

  test("no sentinel in any log line", () => {
    expect(leaksIn(get().run.logs.join("\n"))).toEqual([]);
  });

  test("no sentinel in any stack output that is not a secret", () => {
    const { outputs } = get();
    expect(Object.keys(outputs).length).toBeGreaterThan(0);
    const leaks = Object.entries(outputs).filter(([, o]) => !o.secret).flatMap(([name, o]) => leaksIn(JSON.stringify(o.value) ?? "").map((key) => `${name}: ${key}`));
    expect(leaks).toEqual([]);
  });
});

test("prod hands channel credentials to cloud resources, each only as a Pulumi secret (so the masking above is exercised)", () => {
  const { run } = rendered.get("prod with every channel enabled and Thanos on an S3-compatible store")!;
  const holders = run.resources.filter((r) => !r.type.startsWith("kubernetes:") && leaksIn(JSON.stringify(r.inputs)).length > 0);
  expect(holders.length).toBeGreaterThan(0);
  for (const r of holders) expect([r.name, leaksIn(JSON.stringify(maskSecrets(r.wireInputs)))]).toEqual([r.name, []]);
});

test("a secret too short to search for safely is still never written: the render marks secrets, it does not search for them", async () => {
  // Characters no rendered file holds by chance, so a 3-character token is still a sure sign of a leak.
  const short = { smtpPassword: "Ωq§", pagerdutyRoutingKey: "Ωk¤" };
  const base = readStackConfig("prod");
  const config: Record<string, string> = { ...base.config, [`${CONFIG_NAMESPACE}:notifications`]: allChannelsOn };
  for (const [key, value] of Object.entries(short)) config[`${CONFIG_NAMESPACE}:${key}`] = value;
  const run = await runProgram(config, base.secretKeys, "prod");
  if (run.error) throw run.error;
  const files = renderedFiles(run.resources, Object.fromEntries(Object.entries(short).map(([key, value]) => [`${CONFIG_NAMESPACE}:${key}`, value])));
  const found = (text: string) => findSecretLeaks(text, short).map((l) => `${l.secret} (${l.encoding})`);
  // Each reaches its Secret (so the search can see it) and a cloud resource as a secret input…
  expect(found(JSON.stringify(run.resources.filter((r) => r.inputs.kind === "Secret").map((r) => r.inputs))).sort()).toEqual(["pagerdutyRoutingKey (raw)", "smtpPassword (raw)"]);
  // …and nothing else, in any encoding.
  expect(Object.entries(files).flatMap(([file, text]) => found(text).map((leak) => `${file}: ${leak}`))).toEqual([]);
  expect(run.resources.filter((r) => r.inputs.kind !== "Secret").flatMap((r) => found(JSON.stringify(r.type.startsWith("kubernetes:") ? r.inputs : maskSecrets(r.wireInputs))).map((leak) => `${r.name}: ${leak}`))).toEqual([]);
});

test("a refused config never echoes a secret: not in the error, not in the log", async () => {
  // Every secret set in plain text (refused) plus a bad key, through index.ts.
  const config: Record<string, string> = { [`${CONFIG_NAMESPACE}:environment`]: "prod", [`${CONFIG_NAMESPACE}:prometheus`]: JSON.stringify({ replicas: 0 }) };
  for (const key of secretKeys) config[`${CONFIG_NAMESPACE}:${key}`] = sentinels[key];
  const run = await runProgram(config, []);
  expect((run.error as Error).name).toBe("StackConfigError");
  const problems = (run.error as StackConfigError).problems.map((p) => p.key);
  for (const key of secretKeys) expect(problems).toContain(`${CONFIG_NAMESPACE}:${key}`);
  expect(leaksIn(`${(run.error as Error).message}\n${(run.error as Error).stack}\n${run.logs.join("\n")}`)).toEqual([]);
  expect(run.resources).toEqual([]);
});

test("the presets themselves hold no credential", () => {
  expect(leaksIn(JSON.stringify(presets))).toEqual([]);
  for (const key of secretKeys) expect(JSON.stringify(presets)).not.toMatch(new RegExp(`"${key}"`));
});
