// What a reviewer sees in `pulumi preview` when one alert threshold changes: the prod stack rendered twice,
// with HighCPUUsage raised from 0.8 to 0.85 through stack config. The threshold lives in one place (the
// alert catalog, overridden by novacron:alerts.<Name>.threshold), so exactly the objects that evaluate or draw that
// one threshold differ — the in-cluster rules ConfigMap, the Infrastructure dashboard's ConfigMap, and each
// enabled cloud's copy of the rule — and each differs only in that number. No pod template changes: the
// config-reloader sidecar picks the new rules up and Grafana rescans its dashboard files, so nothing restarts.
import { defaultThresholds } from "../../../components/alerts";
import { parseStackConfig, StackConfigError } from "../../../stacks/config";
import { renderStack, RenderedResource } from "../../../scripts/render";

/** The objects the threshold change may touch, by type and name. */
const expectedToChange = [
  "kubernetes:core/v1:ConfigMap::grafana-dashboards-novacron",
  "kubernetes:core/v1:ConfigMap::prometheus-rules",
  "aws:amp/ruleGroupNamespace:RuleGroupNamespace::aws-novacron-infrastructure",
  "gcp:monitoring/alertPolicy:AlertPolicy::gcp-HighCPUUsage",
  "azure-native:alertsmanagement:PrometheusRuleGroup::azure-infrastructure.alerts",
].sort();

const before: RenderedResource[] = [];
const after: RenderedResource[] = [];
beforeAll(async () => {
  before.push(...(await renderStack("prod")).resources);
  after.push(...(await renderStack("prod", { "novacron:alerts": JSON.stringify({ HighCPUUsage: { threshold: 0.85 } }) })).resources);
});

/** A resource's identity in the engine: its type and name (the URN, without the stack and parents). */
const identity = (r: RenderedResource) => `${r.type}::${r.name}`;
const kube = (rs: RenderedResource[]) => rs.filter((r) => r.type.startsWith("kubernetes:"));

/** Every resource whose inputs differ between two renders, plus any that exist in only one of them. */
function changed(a: RenderedResource[], b: RenderedResource[]): string[] {
  const byId = new Map(a.map((r) => [identity(r), r]));
  const result: string[] = [];
  for (const r of b) {
    const old = byId.get(identity(r));
    if (!old || JSON.stringify(old.inputs) !== JSON.stringify(r.inputs)) result.push(identity(r));
    byId.delete(identity(r));
  }
  return [...result, ...byId.keys()].sort();
}

/** A resource's inputs as the lines a preview shows: every string value split at its newlines. */
function linesOf(value: unknown, path = ""): string[] {
  if (typeof value === "string") return value.split("\n").map((line) => `${path}: ${line}`);
  if (Array.isArray(value)) return value.flatMap((v, i) => linesOf(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => linesOf(v, `${path}.${k}`));
  return [`${path}: ${JSON.stringify(value)}`];
}

/** The (old, new) line pairs that differ between the two renders of one resource. */
function changedLines(id: string): [string, string][] {
  const [x, y] = [before, after].map((rs) => linesOf(rs.find((r) => identity(r) === id)!.inputs));
  expect(y.length).toBe(x.length);
  return x.flatMap((line, i) => (line === y[i] ? [] : [[line, y[i]] as [string, string]]));
}

test("the threshold override is real: the program saw 0.85", () => {
  const rules = after.find((r) => r.inputs.kind === "ConfigMap" && r.inputs.metadata.name === "prometheus-rules")!;
  expect(rules.inputs.data["infrastructure.yml"]).toContain("> 0.85");
});

test("only the objects that evaluate or draw the threshold differ; no workload or pod template does", () => {
  expect(kube(before).length).toBeGreaterThan(20);
  expect(changed(before, after)).toEqual(expectedToChange);
  expect(changed(kube(before), kube(after)).every((id) => id.includes(":ConfigMap::"))).toBe(true);
});

test("every changed line is the threshold and nothing else: 0.8 became 0.85", () => {
  for (const id of expectedToChange) {
    const lines = changedLines(id);
    expect(lines.length).toBeGreaterThan(0);
    for (const [a, b] of lines) {
      expect(a).toMatch(/\b0\.8\b/);
      expect(b).toBe(a.replace(/\b0\.8\b/, "0.85"));
    }
  }
});

test("each rule is one readable line: the HighCPUUsage expression, old and new threshold side by side", () => {
  for (const id of expectedToChange.filter((i) => !i.includes("grafana-dashboards"))) {
    const lines = changedLines(id);
    expect(lines).toHaveLength(1);
    const [[a, b]] = lines;
    // The whole expression is on the one line (no YAML folding), so the reviewer sees the full rule change.
    expect(a).toMatch(/node_cpu_utilisation.*> 0\.8$/);
    expect(b.length).toBeLessThan(240);
  }
});

describe("novacron:alerts.<Name>.threshold validation", () => {
  const base = { "novacron:environment": "dev" };
  const asSettings = (thresholds: Record<string, unknown>) => Object.fromEntries(Object.entries(thresholds).map(([name, threshold]) => [name, { threshold }]));
  const problems = (thresholds: Record<string, unknown>) => {
    try {
      parseStackConfig({ ...base, "novacron:alerts": JSON.stringify(asSettings(thresholds)) });
    } catch (err) {
      return (err as StackConfigError).problems;
    }
    throw new Error("accepted");
  };

  test("every default threshold can be set from stack config, and only those", () => {
    const { spec } = parseStackConfig({ ...base, "novacron:alerts": JSON.stringify(asSettings(defaultThresholds)) });
    expect(spec.alerts).toEqual(asSettings(defaultThresholds));
    expect(problems({ HighCpuUsage: 0.9 })).toEqual([expect.objectContaining({ key: "novacron:alerts" })]);
    // An alert without a threshold has no threshold to set.
    expect(problems({ Watchdog: 1 })).toEqual([expect.objectContaining({ key: "novacron:alerts.Watchdog" })]);
  });

  test("bad values are named by their key, all at once", () => {
    expect(problems({ HighMemoryUsage: 85, VMCreationFailure: 2.5, HighResponseTime: 0 }).map((p) => p.key).sort()).toEqual([
      "novacron:alerts.HighMemoryUsage.threshold",
      "novacron:alerts.HighResponseTime.threshold",
      "novacron:alerts.VMCreationFailure.threshold",
    ]);
  });

  test("the critical CPU threshold must stay above the warning one (it inhibits the warning)", () => {
    expect(problems({ HighCPUUsage: 0.96 })).toEqual([
      { key: "novacron:alerts.CriticalCPUUsage.threshold", message: "(0.95) must be above alerts.HighCPUUsage.threshold (0.96)" },
    ]);
  });
});
