// The config schema read as data: every leaf of stackSpecSchema (the zod 4 schema in stacks/schema/), what
// kind of value it takes, and its bounds. Nothing here names a config key: a key added to the schema later is
// a leaf here too, so the property suite covers it without an edit.
import { z } from "zod";
import { formatDuration, parseDuration } from "../../components/units";

/** A step into the schema: an object key, any element of an array, or a record's key or value. */
export type Step = string | typeof EACH | typeof RECORD_KEY | typeof RECORD_VALUE;
export const EACH = Symbol("each element");
export const RECORD_KEY = Symbol("record key");
export const RECORD_VALUE = Symbol("record value");

type Def = { type: string; [key: string]: any };
export const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checkDefs = (schema: z.ZodType): Def[] => (defOf(schema).checks ?? []).map((c: { _zod: { def: Def } }) => c._zod.def);

/** Optional wrappers removed: the schema of the value itself. */
export function unwrap(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  return ["optional", "nullable", "default", "readonly", "nonoptional", "catch"].includes(def.type) ? unwrap(def.innerType) : schema;
}
export const isOptional = (schema: z.ZodType) => defOf(schema).type === "optional";

export interface Leaf {
  /** From the top of the spec, e.g. ["targets", EACH, "port"]. */
  path: Step[];
  schema: z.ZodType;
}

/** Every leaf (string, number, boolean, enum) of `schema`, arrays and records walked into. */
export function schemaLeaves(schema: z.ZodType, path: Step[] = []): Leaf[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case "object":
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, field]) => schemaLeaves(field, [...path, key]));
    case "array":
      return schemaLeaves(def.element, [...path, EACH]);
    case "record":
      return [...schemaLeaves(def.keyType, [...path, RECORD_KEY]), ...schemaLeaves(def.valueType, [...path, RECORD_VALUE])];
    default:
      return [{ path, schema: inner }];
  }
}

/** The schema at `path` (wrappers kept). */
export function schemaAt(schema: z.ZodType, path: Step[]): z.ZodType {
  return path.reduce<z.ZodType>((node, step) => {
    const def = defOf(unwrap(node));
    if (step === EACH) return def.element;
    if (step === RECORD_KEY) return def.keyType;
    if (step === RECORD_VALUE) return def.valueType;
    return def.shape[step];
  }, schema);
}

export const pathText = (path: Step[]) =>
  path.map((s, i) => (s === EACH ? "[]" : s === RECORD_KEY ? "{key}" : s === RECORD_VALUE ? "{value}" : `${i === 0 ? "" : "."}${s}`)).join("");

/** Whether the leaf alone accepts `value` (cross-field checks aside). */
export const accepts = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

export interface NumberBounds { min?: number; max?: number; minInclusive: boolean; maxInclusive: boolean; integer: boolean; custom: boolean }

/** A number leaf's bounds, as its checks declare them. */
export function numberBounds(schema: z.ZodType): NumberBounds {
  const bounds: NumberBounds = { minInclusive: true, maxInclusive: true, integer: false, custom: false };
  for (const check of checkDefs(schema)) {
    if (check.check === "greater_than") [bounds.min, bounds.minInclusive] = [Number(check.value), !!check.inclusive];
    else if (check.check === "less_than") [bounds.max, bounds.maxInclusive] = [Number(check.value), !!check.inclusive];
    else if (check.check === "number_format" && /int/.test(check.format)) bounds.integer = true;
    else if (check.check === "custom") bounds.custom = true;
  }
  return bounds;
}

/** A string leaf's regular expressions, prefix and minimum length, and its zod format (url, email) if any. */
export function stringShape(schema: z.ZodType): { patterns: RegExp[]; prefix?: string; minLength?: number; format?: string; custom: boolean } {
  const def = defOf(schema);
  const shape = { patterns: [] as RegExp[], prefix: undefined as string | undefined, minLength: undefined as number | undefined, format: def.format as string | undefined, custom: false };
  for (const check of checkDefs(schema)) {
    if (check.check === "string_format" && check.format === "regex") shape.patterns.push(check.pattern);
    else if (check.check === "string_format" && check.format === "starts_with") shape.prefix = check.prefix;
    else if (check.check === "min_length") shape.minLength = check.minimum;
    else if (check.check === "custom") shape.custom = true;
  }
  return shape;
}

/**
 * A duration leaf's accepted range in whole seconds, found by asking the leaf itself (its check is code, not
 * data): undefined when the leaf does not take durations.
 */
export function durationRange(schema: z.ZodType): { min: number; max: number } | undefined {
  const ok = (seconds: number) => accepts(schema, formatDuration(seconds));
  const probes = [0, 1, 5, 10, 60, 3600, 86400, 7 * 86400, 365 * 86400];
  const inside = probes.find(ok);
  // A name leaf takes "30s" too: a duration leaf refuses plain words.
  if (inside === undefined || ["", "not a duration", "monitoring", "x"].some((word) => accepts(schema, word))) return undefined;
  // Accepted seconds form one interval (a minimum and a maximum): search each edge.
  const edge = (lo: number, hi: number, okBelow: boolean) => {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (ok(mid) === okBelow) lo = mid; else hi = mid;
    }
    return okBelow ? lo : hi;
  };
  const min = ok(0) ? 0 : edge(0, inside, false);
  const ceiling = 20 * 365 * 86400;
  const max = ok(ceiling) ? ceiling : edge(inside, ceiling, true);
  return { min, max };
}

/** Seconds written the ways a user would: `90s`, `1m30s`, and in days or weeks when whole. */
export function durationSpellings(seconds: number): string[] {
  const out = [`${seconds}s`, formatDuration(seconds)];
  if (seconds > 0 && seconds % 86400 === 0) out.push(`${seconds / 86400}d`);
  if (seconds > 0 && seconds % (7 * 86400) === 0) out.push(`${seconds / (7 * 86400)}w`);
  return [...new Set(out)].filter((d) => parseDuration(d) === seconds);
}
