// The cloud integrations under mocks: clouds that are off stay off, what prod with all three registers
// (exactly the catalog's alerts, least-privilege grants), secrets only as Pulumi secrets, and no credential
// in the code. The translations themselves are tested beside them (components/cloud/*/render-resources.test.ts).
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { durationSeconds } from "../../components/alerts";
import { deployedCatalog } from "../helpers/stack-catalog";
import { MONITORING_METRICS_PUBLISHER } from "../../components/cloud/azure/render-resources";
import { parseIsoDuration } from "../../components/cloud/rules";
import { cloudMockState } from "../../scripts/cloud-mock-state";
import { readStackConfig, renderStack, RenderResult, RenderedResource } from "../../scripts/render";
import type { PromRule } from "../helpers/cloud-catalogs";
import { sentinelChannelSecrets } from "../helpers/sentinels";

const repoRoot = path.resolve(__dirname, "..", "..");

const SENTINEL = "SENTINEL-c10ud5";
const sentinelSecrets = sentinelChannelSecrets(SENTINEL);
const prodClouds = JSON.parse(readStackConfig("prod").config["novacron:clouds"]);
const onlyCloud = (cloud: "aws" | "gcp" | "azure") =>
  JSON.stringify(Object.fromEntries(Object.entries(prodClouds).map(([name, settings]) => [name, { ...(settings as object), enabled: name === cloud }])));
const withWebhook = JSON.stringify({ ...JSON.parse(readStackConfig("prod").config["novacron:notifications"]), webhook: { enabled: true } });

const cloudPrefixes: Record<string, string[]> = {
  aws: ["aws:", "pulumi:providers:aws", "novacron:aws:"],
  gcp: ["gcp:", "pulumi:providers:gcp", "novacron:gcp:"],
  azure: ["azure-native:", "pulumi:providers:azure-native", "novacron:azure:"],
};
const ofCloud = (resources: RenderedResource[], cloud: string) => resources.filter((r) => cloudPrefixes[cloud].some((p) => r.type.startsWith(p)));
const ofType = (resources: RenderedResource[], type: string) => resources.filter((r) => r.type === type);

/** Registrations with their inputs as the engine receives them: secret values still wrapped. */
async function rawRegistrations(stack: string, overrides: Record<string, string>): Promise<{ type: string; inputs: unknown }[]> {
  const { config, secretKeys } = readStackConfig(stack);
  const seen: { type: string; inputs: unknown }[] = [];
  await pulumi.runtime.setMocks({
    newResource: (args) => { seen.push({ type: args.type, inputs: args.inputs }); return { id: `${args.name}-id`, state: { ...args.inputs, ...cloudMockState(args.type, args.name, args.inputs) } }; },
    call: (args) => args.inputs,
  }, "novacron", stack, false);
  pulumi.runtime.setAllConfig({ ...config, ...overrides }, secretKeys);
  const { loadStackConfig } = await import("../../stacks/config");
  const { createMonitoringStack } = await import("../../stacks/monitoring-stack");
  createMonitoringStack(loadStackConfig());
  for (let stable = 0, last = -1; stable < 20; stable = seen.length === last ? stable + 1 : 0, last = seen.length) await new Promise((r) => setImmediate(r));
  return seen;
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** JSON of a value with every secret-wrapped part cut out. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === "object") {
    if (SECRET_SIG_KEY in value) return "<secret>";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
  }
  return value;
}

const runs: Record<string, RenderResult> = {};
let raw: { type: string; inputs: unknown }[] = [];
beforeAll(async () => {
  // One after the other: the mocks are process-wide.
  runs.dev = await renderStack("dev", sentinelSecrets);
  runs.prod = await renderStack("prod", { ...sentinelSecrets, "novacron:notifications": withWebhook });
  for (const cloud of ["aws", "gcp", "azure"] as const) runs[cloud] = await renderStack("prod", { ...sentinelSecrets, "novacron:clouds": onlyCloud(cloud) });
  raw = await rawRegistrations("prod", { ...sentinelSecrets, "novacron:notifications": withWebhook });
});

describe("clouds that are off stay off", () => {
  test("dev (all clouds off) registers no cloud resource, provider or component", () => {
    for (const cloud of Object.keys(cloudPrefixes)) expect(ofCloud(runs.dev.resources, cloud).map((r) => r.type)).toEqual([]);
    expect(Object.keys(runs.dev.files).filter((f) => f.startsWith("cloud/"))).toEqual([]);
  });

  test.each(["aws", "gcp", "azure"])("with only %s on, the other clouds register nothing", (cloud) => {
    for (const other of Object.keys(cloudPrefixes)) {
      const types = ofCloud(runs[cloud].resources, other).map((r) => r.type);
      if (other === cloud) expect(types.length).toBeGreaterThan(5);
      else expect(types).toEqual([]);
    }
  });

  test("each enabled cloud has its own explicit provider; no default provider is used", () => {
    const providers = runs.prod.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.type).sort();
    expect(providers).toEqual(["pulumi:providers:aws", "pulumi:providers:azure-native", "pulumi:providers:gcp"]);
  });
});

describe("prod with all three clouds, as registered", () => {
  const alertsIn = {
    aws: () => ofType(runs.prod.resources, "aws:amp/ruleGroupNamespace:RuleGroupNamespace").flatMap((r) => (parse(r.inputs.data).groups as { rules: PromRule[] }[]).flatMap((g) => g.rules)).filter((r) => r.alert).map((r) => ({ name: r.alert, expr: r.expr, seconds: durationSeconds(r.for!), severity: r.labels!.severity })),
    gcp: () => ofType(runs.prod.resources, "gcp:monitoring/alertPolicy:AlertPolicy").flatMap((r) => r.inputs.conditions).filter((c: any) => c.conditionPrometheusQueryLanguage).map((c: any) => ({ name: c.conditionPrometheusQueryLanguage.alertRule, expr: c.conditionPrometheusQueryLanguage.query, seconds: parseInt(c.conditionPrometheusQueryLanguage.duration, 10), severity: c.conditionPrometheusQueryLanguage.labels.severity })),
    azure: () => ofType(runs.prod.resources, "azure-native:alertsmanagement:PrometheusRuleGroup").flatMap((r) => r.inputs.rules).filter((r: any) => r.alert).map((r: any) => ({ name: r.alert, expr: r.expression, seconds: r.for ? parseIsoDuration(r.for) : 0, severity: r.labels.severity })),
  };

  test.each(["aws", "gcp", "azure"] as const)("%s evaluates exactly the catalog's alerts", (cloud) => {
    const expected = deployedCatalog("prod").map((a) => ({ name: a.name, expr: a.expr, seconds: durationSeconds(a.for), severity: a.severity }));
    const byName = (x: { name?: string }, y: { name?: string }) => String(x.name).localeCompare(String(y.name));
    expect(alertsIn[cloud]().sort(byName)).toEqual(expected.sort(byName));
  });

  test("AWS: the registered role policy grants exactly aps:RemoteWrite on the workspace, to the Prometheus service account", () => {
    // Prometheus' role (Loki's bucket role, when Loki stores in S3, is the logs component's and is tested there).
    const policy = ofType(runs.prod.resources, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name.endsWith("-prometheus-remote-write"))!;
    const [workspace] = ofType(runs.prod.resources, "aws:amp/workspace:Workspace");
    expect(JSON.parse(policy.inputs.policy).Statement).toEqual([{ Sid: "RemoteWriteOnly", Effect: "Allow", Action: ["aps:RemoteWrite"], Resource: expect.stringContaining(`workspace/ws-${workspace.name}`) }]);
    const role = ofType(runs.prod.resources, "aws:iam/role:Role").find((r) => String(r.inputs.name).endsWith("-prometheus-remote-write"))!;
    const condition = JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Condition.StringEquals;
    const sa = runs.prod.resources.find((r) => r.inputs.kind === "ServiceAccount" && r.inputs.metadata.name === "prometheus")!;
    expect(Object.values(condition)).toContain(`system:serviceaccount:${sa.inputs.metadata.namespace}:${sa.inputs.metadata.name}`);
    expect(sa.inputs.metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam:.*prometheus-remote-write$/);
  });

  test("GCP: the only project role is metricWriter; Workload Identity binds exactly the Prometheus service account", () => {
    expect(ofType(runs.prod.resources, "gcp:projects/iAMMember:IAMMember").map((r) => r.inputs.role)).toEqual(["roles/monitoring.metricWriter"]);
    expect(ofType(runs.prod.resources, "gcp:serviceaccount/iAMMember:IAMMember").map((r) => [r.inputs.role, r.inputs.member]))
      .toEqual([["roles/iam.workloadIdentityUser", "serviceAccount:novacron-prod.svc.id.goog[monitoring/prometheus]"]]);
  });

  test("Azure: one role assignment, Monitoring Metrics Publisher on the data collection rule only; the credential trusts only Prometheus", () => {
    const assignments = ofType(runs.prod.resources, "azure-native:authorization:RoleAssignment");
    expect(assignments.map((r) => r.inputs.roleDefinitionId)).toEqual([`/subscriptions/${prodClouds.azure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${MONITORING_METRICS_PUBLISHER}`]);
    expect(assignments[0].inputs.scope).toBe("azure-dcr-id");
    const [credential] = ofType(runs.prod.resources, "azure-native:managedidentity:FederatedIdentityCredential");
    expect(credential.inputs).toMatchObject({ subject: "system:serviceaccount:monitoring:prometheus", audiences: ["api://AzureADTokenExchange"], issuer: prodClouds.azure.oidcIssuerUrl });
  });

  test("Prometheus remote-writes to AMP (SigV4) and Azure (workload identity), deduplicating its HA pair", () => {
    const config = parse(runs.prod.files["prometheus/prometheus.yml"]);
    expect(config.remote_write.map((rw: any) => [rw.name, Object.keys(rw).filter((k) => ["sigv4", "azuread"].includes(k))])).toEqual([["amp", ["sigv4"]], ["azure-monitor", ["azuread"]]]);
    for (const rw of config.remote_write) expect(rw.write_relabel_configs[0]).toEqual({ source_labels: ["replica"], target_label: "__replica__" });
    expect(config.remote_write[1].azuread.workload_identity.token_file_path).toBe("/var/run/secrets/azure/tokens/token");
    // The token file is a projected service-account token for Entra's audience, mounted read-only.
    const sts = runs.prod.resources.find((r) => r.inputs.kind === "StatefulSet" && r.inputs.metadata.name === "prometheus")!.inputs.spec.template.spec;
    expect(sts.volumes).toContainEqual({ name: "azure-identity-token", projected: { sources: [{ serviceAccountToken: { audience: "api://AzureADTokenExchange", path: "token", expirationSeconds: 3600 } }] } });
    expect(sts.containers[0].volumeMounts).toContainEqual({ name: "azure-identity-token", mountPath: "/var/run/secrets/azure/tokens", readOnly: true });
    const devSts = runs.dev.resources.find((r) => r.inputs.kind === "StatefulSet" && r.inputs.metadata.name === "prometheus")!.inputs.spec.template.spec;
    expect(devSts.volumes.map((v: any) => v.name)).not.toContain("azure-identity-token");
  });

  test("channel secrets reach the clouds only as Pulumi secrets, and no rendered file holds one", () => {
    const cloudTypes = raw.filter((r) => Object.values(cloudPrefixes).flat().some((p) => r.type.startsWith(p)));
    expect(cloudTypes.some((r) => JSON.stringify(r.inputs).includes(SENTINEL))).toBe(true); // they are there …
    const leaking = cloudTypes.filter((r) => JSON.stringify(withoutSecrets(r.inputs)).includes(SENTINEL)).map((r) => r.type);
    expect(leaking).toEqual([]); // … but only inside secrets
    for (const [file, content] of Object.entries(runs.prod.files)) expect([file, content.includes(SENTINEL)]).toEqual([file, false]);
  });

  test("the rendered cloud files hold the generated rules and policies", () => {
    const cloudFiles = Object.keys(runs.prod.files).filter((f) => f.startsWith("cloud/"));
    expect(cloudFiles).toEqual(expect.arrayContaining([
      "cloud/aws/rules/novacron-infrastructure.yml", "cloud/aws/alertmanager-definition.yml", "cloud/aws/iam/novacron-prod-prometheus-remote-write.trust-policy.json",
      "cloud/gcp/alert-policies/gcp-HighCPUUsage.json", "cloud/gcp/iam.json", "cloud/azure/prometheus-rules.yml", "cloud/azure/role-assignments.json",
    ]));
  });
});

test("no credential in the cloud code or the stack config", () => {
  const files = [
    ...fs.readdirSync(path.join(repoRoot, "components", "cloud"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => path.join("components", "cloud", f)),
    "stacks/clouds.ts", "Pulumi.prod.yaml", "Pulumi.dev.yaml",
  ];
  const credentialPatterns = [/AKIA[0-9A-Z]{16}/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /"private_key"\s*:/, /\b(secret_?key|access_?key|client_?secret|password)\s*[:=]\s*["'][^"'<]+["']/i, /AccountKey=/];
  for (const file of files) {
    const text = fs.readFileSync(path.join(repoRoot, file), "utf8");
    for (const pattern of credentialPatterns) expect([file, pattern.test(text)]).toEqual([file, false]);
  }
});
