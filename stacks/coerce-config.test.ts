import { z } from "zod";
import { coerceConfigStrings } from "./coerce-config";

const schema = z.strictObject({
  ratio: z.number().min(0).max(1),
  count: z.number().int().optional(),
  enabled: z.boolean(),
  name: z.string(),
  nested: z.lazy(() => z.strictObject({ port: z.number(), on: z.boolean() })),
  list: z.array(z.strictObject({ weight: z.number() })),
  thresholds: z.record(z.string(), z.number()),
});

test("numeric and boolean strings become numbers and booleans where the schema expects them", () => {
  const raw = { ratio: "0.9", count: "3", enabled: "true", name: "42", nested: { port: "8080", on: "false" }, list: [{ weight: "-1.5e2" }], thresholds: { HighCPUUsage: ".85" } };
  expect(coerceConfigStrings(raw, schema)).toEqual({ ratio: 0.9, count: 3, enabled: true, name: "42", nested: { port: 8080, on: false }, list: [{ weight: -150 }], thresholds: { HighCPUUsage: 0.85 } });
});

test("strings that are not numbers or booleans stay strings, so the schema still refuses them", () => {
  const raw = { ratio: "0.9x", count: "", enabled: "yes", name: "n", nested: { port: "0x1F", on: "True" }, list: [], thresholds: {} };
  const coerced = coerceConfigStrings(raw, schema);
  expect(coerced).toEqual(raw);
  const paths = schema.safeParse(coerced).error!.issues.map((i) => i.path.join("."));
  expect(paths).toEqual(expect.arrayContaining(["ratio", "count", "enabled", "nested.port", "nested.on"]));
});

test("a union keeps a string that one option accepts as it is", () => {
  const union = z.union([z.string().regex(/^\d+[smhd]$/), z.number()]);
  expect(coerceConfigStrings("30s", union)).toBe("30s");
  expect(coerceConfigStrings("30", union)).toBe(30);
});

test("unknown keys pass through untouched (the strict schema refuses them by name), and __proto__ stays an own key", () => {
  const coerced = coerceConfigStrings(JSON.parse('{"ratio":"1","enabled":"false","name":"x","nested":{"port":1,"on":true},"list":[],"thresholds":{},"extra":"1","__proto__":{"polluted":"1"}}'), schema) as Record<string, unknown>;
  expect(coerced.extra).toBe("1");
  expect(Object.hasOwn(coerced, "__proto__")).toBe(true);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
