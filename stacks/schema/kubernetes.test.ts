// novacron:kubernetes.managedControlPlane: typed, with an error naming the key, and read from `--path` strings.
import { parseStackConfig, StackConfigError } from "../config";

const base = { "novacron:environment": "prod", "novacron:notifications": JSON.stringify({ webhook: { enabled: true } }), "novacron:webhookUrl": "https://hooks.example/alerts" };
const secretKeys = new Set(["novacron:webhookUrl"]);

function problems(raw: Record<string, string>): { key: string; message: string }[] {
  try {
    parseStackConfig(raw, secretKeys);
    return [];
  } catch (error) {
    if (error instanceof StackConfigError) return error.problems;
    throw error;
  }
}

test("defaults to a self-managed control plane in every preset", () => {
  expect(parseStackConfig(base, secretKeys).spec.kubernetes).toEqual({ managedControlPlane: false });
  expect(parseStackConfig({ ...base, "novacron:environment": "dev" }, secretKeys).spec.kubernetes).toEqual({ managedControlPlane: false });
});

test("reads the flag as an object and as `pulumi config set --path` stores it (a string)", () => {
  expect(parseStackConfig({ ...base, "novacron:kubernetes": JSON.stringify({ managedControlPlane: true }) }, secretKeys).spec.kubernetes.managedControlPlane).toBe(true);
  expect(parseStackConfig({ ...base, "novacron:kubernetes": JSON.stringify({ managedControlPlane: "true" }) }, secretKeys).spec.kubernetes.managedControlPlane).toBe(true);
});

test("refuses a value that is not a boolean, and an unknown field, naming each key", () => {
  const found = problems({ ...base, "novacron:kubernetes": JSON.stringify({ managedControlPlane: "eks", distribution: "gke" }) });
  expect(found.map((p) => p.key).sort()).toEqual(["novacron:kubernetes", "novacron:kubernetes.managedControlPlane"]);
});
