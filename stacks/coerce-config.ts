// `pulumi config set --path novacron:alerts.HighCPUUsage.threshold 0.9` stores the string "0.9" (so does
// `--type float` with `--path`), and the CLI writes nested booleans the same way. The schema says where a
// number or a boolean belongs: there, and only there, a string that reads exactly as one becomes one. Any
// other string stays a string, so the schema still refuses it by key ("expected number").
import type { z } from "zod";

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** Returns `value` with numeric and boolean strings converted where `schema` expects a number or boolean. */
export function coerceConfigStrings(value: unknown, schema: z.ZodType): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "readonly":
    case "nonoptional":
    case "catch":
      return coerceConfigStrings(value, def.innerType as z.ZodType);
    case "lazy":
      return coerceConfigStrings(value, (def.getter as () => z.ZodType)());
    case "pipe":
      return coerceConfigStrings(value, def.in as z.ZodType);
    case "number":
      return typeof value === "string" && NUMBER.test(value.trim()) ? Number(value) : value;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : value;
    case "union": {
      // A string that some option accepts as it is stays a string; otherwise the first option that
      // converts it wins (e.g. a threshold given as a number or a duration string).
      const options = def.options as z.ZodType[];
      if (typeof value === "string" && options.some((o) => o.safeParse(value).success)) return value;
      for (const option of options) {
        const coerced = coerceConfigStrings(value, option);
        if (option.safeParse(coerced).success) return coerced;
      }
      return value;
    }
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
      const shape = def.shape as Record<string, z.ZodType>;
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        // defineProperty keeps a `__proto__` key an own (and so refused) key.
        Object.defineProperty(out, key, { value: Object.hasOwn(shape, key) ? coerceConfigStrings(v, shape[key]) : v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case "record": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        Object.defineProperty(out, key, { value: coerceConfigStrings(v, def.valueType as z.ZodType), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case "array":
      return Array.isArray(value) ? value.map((v) => coerceConfigStrings(v, def.element as z.ZodType)) : value;
    default:
      return value;
  }
}
