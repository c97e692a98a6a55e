// What a reviewer sees in `pulumi preview` when one alert threshold changes: the prod stack rendered twice,
// with HighCPUUsage raised from 0.8 to 0.85 through stack config. Exactly one Kubernetes object may differ
// (the rules ConfigMap, updated in place), by exactly one line. No pod template changes: the config-reloader
// sidecar picks the new rules up, so the design needs no rollout annotation and nothing restarts.
import { defaultThresholds } from "../../../components/alerts";
import { parseStackConfig, StackConfigError } from "../../../stacks/config";
import { renderStack, RenderedResource } from "../../../scripts/render";

/** The objects the threshold change may touch, as `<kind> <namespace>/<name>`. */
const expectedToChange = ["ConfigMap monitoring/prometheus-rules"];

const before: RenderedResource[] = [];
const after: RenderedResource[] = [];
beforeAll(async () => {
  before.push(...(await renderStack("prod")).resources);
  after.push(...(await renderStack("prod", { "novacron:alertThresholds": JSON.stringify({ HighCPUUsage: 0.85 }) })).resources);
}, 60_000);

/** A resource's identity in the engine: its type and name (the URN, without the stack and parents). */
const identity = (r: RenderedResource) => `${r.type}::${r.name}`;
const describe_ = (r: RenderedResource) => `${r.inputs.kind} ${r.inputs.metadata?.namespace ?? ""}/${r.inputs.metadata?.name}`;

/** Every resource whose inputs differ between two renders, plus any that exist in only one of them. */
function changed(a: RenderedResource[], b: RenderedResource[]): RenderedResource[] {
  const byId = new Map(a.map((r) => [identity(r), r]));
  const result: RenderedResource[] = [];
  for (const r of b) {
    const old = byId.get(identity(r));
    if (!old || JSON.stringify(old.inputs) !== JSON.stringify(r.inputs)) result.push(r);
    byId.delete(identity(r));
  }
  return [...result, ...byId.values()];
}

/** Line diff of two texts with the same number of lines: the (old, new) pairs that differ. */
function changedLines(a: string, b: string): [string, string][] {
  const x = a.split("\n");
  const y = b.split("\n");
  expect(y.length).toBe(x.length);
  return x.flatMap((line, i) => (line === y[i] ? [] : [[line, y[i]] as [string, string]]));
}

test("the threshold override is real: the program saw 0.85", () => {
  const rules = after.find((r) => r.inputs.kind === "ConfigMap" && r.inputs.metadata.name === "prometheus-rules")!;
  expect(rules.inputs.data["infrastructure.yml"]).toContain("> 0.85");
});

test("exactly one Kubernetes object differs: the rules ConfigMap", () => {
  const kube = (rs: RenderedResource[]) => rs.filter((r) => r.type.startsWith("kubernetes:"));
  expect(kube(before).length).toBeGreaterThan(20);
  expect(changed(kube(before), kube(after)).map(describe_)).toEqual(expectedToChange);
});

test("nothing else in the program differs either (components, Secrets, the workloads' pod templates)", () => {
  expect(changed(before, after).map(identity)).toEqual(["kubernetes:core/v1:ConfigMap::prometheus-rules"]);
});

test("the diff is one readable line: the HighCPUUsage expression, old and new threshold side by side", () => {
  const find = (rs: RenderedResource[]) => rs.find((r) => identity(r) === "kubernetes:core/v1:ConfigMap::prometheus-rules")!.inputs.data as Record<string, string>;
  const [old, now] = [find(before), find(after)];
  expect(Object.keys(now)).toEqual(Object.keys(old));
  const diffs = Object.keys(old).flatMap((file) => changedLines(old[file], now[file]).map(([a, b]) => ({ file, a, b })));
  expect(diffs).toHaveLength(1);
  const [{ file, a, b }] = diffs;
  expect(file).toBe("infrastructure.yml");
  // The whole expression is on the one line (no YAML folding), so the reviewer sees the full rule change.
  expect(a).toMatch(/^\s+expr: .*node_cpu_utilisation.*> 0\.8$/);
  expect(b).toBe(a.replace(/> 0\.8$/, "> 0.85"));
  expect(b.length).toBeLessThan(200);
});

describe("novacron:alertThresholds validation", () => {
  const base = { "novacron:environment": "dev" };
  const problems = (thresholds: unknown) => {
    try {
      parseStackConfig({ ...base, "novacron:alertThresholds": JSON.stringify(thresholds) });
    } catch (err) {
      return (err as StackConfigError).problems;
    }
    throw new Error("accepted");
  };

  test("every default threshold can be set from stack config, and only those", () => {
    const { spec } = parseStackConfig({ ...base, "novacron:alertThresholds": JSON.stringify(defaultThresholds) });
    expect(spec.alertThresholds).toEqual(defaultThresholds);
    expect(problems({ HighCpuUsage: 0.9 })).toEqual([expect.objectContaining({ key: "novacron:alertThresholds" })]);
  });

  test("bad values are named by their key, all at once", () => {
    expect(problems({ HighMemoryUsage: 85, VMCreationFailure: 2.5, HighResponseTime: 0 }).map((p) => p.key).sort()).toEqual([
      "novacron:alertThresholds.HighMemoryUsage",
      "novacron:alertThresholds.HighResponseTime",
      "novacron:alertThresholds.VMCreationFailure",
    ]);
  });

  test("the critical CPU threshold must stay above the warning one (it inhibits the warning)", () => {
    expect(problems({ HighCPUUsage: 0.96 })).toEqual([
      { key: "novacron:alertThresholds.CriticalCPUUsage", message: "(0.95) must be above alertThresholds.HighCPUUsage (0.96)" },
    ]);
  });
});
