// The largest config the schema accepts: every bounded list at its maximum length, every text in it as long
// as its field allows. It must be accepted, and every ConfigMap it renders must stay under the 1 MiB
// Kubernetes allows (a larger one is refused by the API server after everything before it was created).
// One item over any list's maximum, or one character over the text bound, is refused by its key.
import { CONFIG_NAMESPACE } from "../../stacks/config";
import { MAX_TEXT_LENGTH } from "../../stacks/schema/primitives";
import { readStackConfig } from "../../scripts/render";
import { runProgram } from "../helpers/program";
import { problemsOf } from "../helpers/config-problems";

/** Kubernetes' limit on a ConfigMap's data (and on any object in etcd, roughly). */
const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

const label = (prefix: string, i: number) => `${prefix}-${i}-${"x".repeat(63)}`.slice(0, 62) + "z";
const longPath = (base: string) => `${base}/${"p".repeat(MAX_TEXT_LENGTH)}`.slice(0, MAX_TEXT_LENGTH);
const longUrl = (i: number) => longPath(`https://probe-${i}.novacron.example.com/healthz`);

/** A user alert with every text as long as allowed, and as many labels and cases as allowed. */
const longText = (i: number) => `${i} ${"t".repeat(MAX_TEXT_LENGTH)}`.slice(0, MAX_TEXT_LENGTH);
const largestCustomAlert = (i: number) => ({
  name: `UserAlert${i}`,
  expr: `up{job="${"j".repeat(MAX_TEXT_LENGTH - 20)}"} == 0`,
  for: "1h",
  severity: "critical",
  domain: "application",
  summary: longText(i),
  description: longText(i),
  labels: Object.fromEntries(Array.from({ length: 8 }, (_, j) => [`label_${j}`, longText(j).slice(0, 128)])),
  runbookUrl: longPath(`https://runbooks.example.com/${i}`),
  tests: Array.from({ length: 20 }, (_, j) => ({ description: `case ${j}`, series: Array.from({ length: 20 }, (_, k) => ({ series: `up{k="${k}"}`, values: "1x10" })), evalTime: "1m", fires: j === 0 })),
});

const largest = {
  customAlerts: { metrics: Array.from({ length: 500 }, (_, i) => `m_${i}_${"m".repeat(MAX_TEXT_LENGTH - 10)}`), alerts: Array.from({ length: 100 }, (_, i) => largestCustomAlert(i)) },
  targets: Array.from({ length: 100 }, (_, i) => ({ name: label("t", i), namespace: label("ns", i), service: label("svc", i), port: 65535, path: longPath("/metrics"), domain: "application" })),
  blackbox: {
    enabled: true,
    probes: Array.from({ length: 50 }, (_, i) => ({ name: label("probe", i), module: "http_2xx", targets: Array.from({ length: 10 }, (_, j) => longUrl(i * 10 + j)) })),
  },
  prometheus: { remoteWrite: Array.from({ length: 10 }, (_, i) => ({ name: label("rw", i), url: longPath(`https://lts-${i}.example.com/api/v1/write`) })) },
  jaeger: { sampling: { defaultProbability: 0.1, services: Array.from({ length: 200 }, (_, i) => ({ service: `s${i}-${"v".repeat(128)}`.slice(0, 128), probability: 0.5 })) } },
  logShipper: { multilineNamespaces: Array.from({ length: 100 }, (_, i) => label("ml", i)) },
  grafana: { ingressFrom: Array.from({ length: 20 }, (_, i) => ({ namespace: label("in", i), podLabels: Object.fromEntries(Array.from({ length: 20 }, (_, j) => [`example.com/l${j}`, label("v", j)])) })) },
};

const withStack = (config: Record<string, unknown>) => {
  const { config: base, secretKeys } = readStackConfig("prod");
  return { raw: { ...base, ...Object.fromEntries(Object.entries(config).map(([k, v]) => [`${CONFIG_NAMESPACE}:${k}`, JSON.stringify(v)])) }, secretKeys };
};

test("the largest config the schema accepts renders every ConfigMap under 1 MiB", async () => {
  const { raw, secretKeys } = withStack(largest);
  const run = await runProgram(raw, secretKeys, "prod");
  if (run.error) throw run.error;
  const sizes = run.resources
    .filter((r) => r.inputs.kind === "ConfigMap")
    .map((r) => ({ name: r.inputs.metadata?.name as string, bytes: Buffer.byteLength(JSON.stringify(r.inputs.data ?? {})) }))
    .sort((a, b) => b.bytes - a.bytes);
  // The config is really large: Prometheus' config holds every probe target and scrape job, its rules every user alert.
  const size = (name: string) => sizes.find((s) => s.name === name)?.bytes ?? 0;
  expect(size("prometheus-config")).toBeGreaterThan(CONFIGMAP_LIMIT_BYTES / 4);
  expect(size("prometheus-rules")).toBeGreaterThan(CONFIGMAP_LIMIT_BYTES / 4);
  expect(sizes.filter((s) => s.bytes >= CONFIGMAP_LIMIT_BYTES)).toEqual([]);
});

test.each([
  ["targets", { targets: [...largest.targets, { ...largest.targets[0], name: "one-more" }] }, "targets"],
  ["blackbox.probes", { blackbox: { probes: [...largest.blackbox.probes, { name: "one-more", module: "icmp", targets: ["h"] }] } }, "blackbox.probes"],
  ["a probe's targets", { blackbox: { probes: [{ name: "p", module: "icmp", targets: Array.from({ length: 11 }, (_, i) => `h${i}`) }] } }, "blackbox.probes[0].targets"],
  ["customAlerts.alerts", { customAlerts: { alerts: [...largest.customAlerts.alerts, { ...largest.customAlerts.alerts[0], name: "OneMore" }] } }, "customAlerts.alerts"],
  ["a user alert's labels", { customAlerts: { alerts: [{ ...largest.customAlerts.alerts[0], labels: { ...largest.customAlerts.alerts[0].labels, one_more: "x" } }] } }, "customAlerts.alerts[0].labels"],
  ["a user alert's label value", { customAlerts: { alerts: [{ ...largest.customAlerts.alerts[0], labels: { team: "x".repeat(129) } }] } }, "customAlerts.alerts[0].labels.team"],
  ["a text one character too long", { notifications: { email: { username: "u".repeat(MAX_TEXT_LENGTH + 1) } } }, "notifications.email.username"],
])("one over the bound of %s is refused by its key", (_, config, key) => {
  const problems = problemsOf({ environment: "dev", ...config });
  expect(problems.map((p) => p.split(": ")[0])).toContain(`${CONFIG_NAMESPACE}:${key}`);
});
