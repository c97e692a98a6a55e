// Generated stack configs, derived from the schema: a base (a stack's Pulumi.<stack>.yaml, or only its
// environment) plus a few overrides, each at a leaf the schema walk found, with a value that mixes the valid
// (the presets' values, the leaf's own bounds: at the minimum, at the maximum, just outside) and the hostile
// (hostile.ts). Secrets carry sentinel tokens the leak check searches for. The result is raw Pulumi config as
// the engine hands it to the program: full keys, strings, structured values as JSON.
import fc from "fast-check";
import { z } from "zod";
import { readStackConfig } from "../../scripts/render";
import { CONFIG_NAMESPACE, parseStackConfig, SecretKey, secretKeys as allSecretKeys } from "../../stacks/config";
import { presets } from "../../stacks/presets";
import { acceptedAsSecret } from "../helpers/sentinels";
import { exampleCustomAlerts } from "../fixtures/custom-alerts";
import { exampleTeamRoutes } from "../fixtures/team-routes";
import { stackSpecSchema } from "../../stacks/schema";
import { hostileDurations, hostileNames, hostileNumbers, hostileRawText, hostileText, hostileUrls, strayKeys, USERINFO_MARK, wrongTypes } from "./hostile";
import { accepts, defOf, durationRange, durationSpellings, EACH, isOptional, Leaf, numberBounds, pathText, RECORD_KEY, RECORD_VALUE, schemaAt, schemaLeaves, Step, stringShape, unwrap } from "./schema-walk";

export type Stack = "dev" | "prod";
export const stacks: Stack[] = ["dev", "prod"];

/** One generated config, ready for the program. */
export interface GeneratedConfig {
  stack: Stack;
  /** Full key → value, as `pulumi.runtime.allConfig()` returns it. */
  config: Record<string, string>;
  /** Full keys Pulumi holds as secrets. */
  secretKeys: string[];
  /** Name → token that must appear nowhere but in a Secret or a secret input (in any encoding). */
  sentinels: Record<string, string>;
}

const topLevel = defOf(unwrap(stackSpecSchema)).shape as Record<string, z.ZodType>;
const topLevelKeys = Object.keys(topLevel);
/** Keys Pulumi hands over as plain text; every other key's value is JSON. */
const isTextKey = (key: string) => ["string", "enum"].includes(defOf(unwrap(topLevel[key])).type);
export const textKeys = topLevelKeys.filter(isTextKey);
export const leaves: Leaf[] = schemaLeaves(stackSpecSchema);

// ---------------------------------------------------------------------------------------------------
// Valid values: the presets' and both stacks' own (every value a real config holds at that leaf).

/**
 * A stack's own values: its preset and its Pulumi.<stack>.yaml (values that fit beside each other), and the
 * docs' user alerts and team routes, which neither stack sets (their secrets are set by toRawConfig).
 */
const examplesOf = (stack: Stack): unknown[] => {
  const { config, secretKeys } = readStackConfig(stack);
  const onInventoryMetrics = exampleCustomAlerts.alerts.filter((alert) => alert.name === "ApiTrafficStopped");
  // One user alert only (on an inventory metric): a leaf of one alert set into another would break the pair.
  return [presets[stack], parseStackConfig(config, new Set(secretKeys)).spec, { customAlerts: { metrics: exampleCustomAlerts.metrics, alerts: onInventoryMetrics }, alertmanager: { teamRoutes: exampleTeamRoutes } },
    // docs/thanos.md's S3-compatible store, which neither stack uses (its key pair is set by toRawConfig).
    { thanos: { s3Compatible: { url: "https://minio.storage.svc:9000", bucket: "novacron-metrics", region: "us-east-1", pathStyle: true } } }];
};

/** The secret keys the team routes of a raw `alertmanager` value name, with whether each holds a URL (hostile values tolerated). */
function teamSecretsNamed(alertmanager: string | undefined): [string, boolean][] {
  let routes: unknown;
  try {
    routes = (JSON.parse(alertmanager ?? "{}") as { teamRoutes?: unknown } | null)?.teamRoutes;
  } catch {
    return [];
  }
  if (!Array.isArray(routes)) return [];
  const named = new Map<string, boolean>();
  for (const route of routes) {
    const receiver = (route as { receiver?: Record<string, Record<string, unknown> | undefined> } | null)?.receiver;
    if (typeof receiver !== "object" || receiver === null) continue;
    for (const [channel, field, url] of [["slack", "webhookUrlSecret", true], ["pagerduty", "routingKeySecret", false], ["webhook", "urlSecret", true]] as const) {
      const name = (receiver[channel] as Record<string, unknown> | undefined)?.[field];
      if (typeof name === "string" && /^[a-z][A-Za-z0-9]{0,62}$/.test(name)) named.set(name, url || named.get(name) === true);
    }
  }
  return [...named];
}
type Examples = unknown[];

/** Every value the examples hold at `path` (through every array element and record entry). */
function exampleValues(examples: Examples, path: Step[]): unknown[] {
  let nodes: unknown[] = examples;
  for (const step of path) {
    nodes = nodes.flatMap((node): unknown[] => {
      if (step === EACH) return Array.isArray(node) ? node : [];
      if (node === null || typeof node !== "object" || Array.isArray(node)) return [];
      if (step === RECORD_KEY) return Object.keys(node);
      if (step === RECORD_VALUE) return Object.values(node);
      return step in node ? [(node as Record<string, unknown>)[step]] : [];
    });
  }
  return [...new Map(nodes.filter((v) => v !== undefined).map((v) => [JSON.stringify(v), v])).values()];
}

const constants = <T>(values: T[]) => (values.length > 0 ? fc.constantFrom(...values) : undefined);
const present = <T>(arbs: (fc.Arbitrary<T> | undefined)[]) => arbs.filter((a): a is fc.Arbitrary<T> => a !== undefined);

/**
 * Ordinary values of every kind a text leaf may take; a leaf whose check is code (a refine, not a regex) gets
 * the ones it accepts as its valid values.
 */
const ordinaryText = [
  "https://example.com/", "https://lts.example.com/api/v1/write", "http://ml-service.novacron.svc:8000", "https://runbooks.example.com/novacron",
  "oci://registry.example.com/charts", "ops@example.com", "monitoring", "novacron", "app", "app.kubernetes.io/name", "example.com/team", "ingress-nginx",
  "a", "x_y.z", "eu-west-1", "arn:aws:iam::123456789012:role/amp", "smtp.example.com:587", "db.novacron.svc:5432", "novacron-api", "/metrics", "#alerts", "10.0.0.1", "",
];

/** What kind of text a string leaf takes, by asking the leaf. */
function stringKind(schema: z.ZodType): "duration" | "url" | "email" | "name" | "text" {
  if (durationRange(schema)) return "duration";
  if (accepts(schema, "https://example.com/") && !accepts(schema, "monitoring")) return "url";
  if (accepts(schema, "ops@example.com") && !accepts(schema, "monitoring")) return "email";
  if (accepts(schema, "monitoring") && !accepts(schema, "Monitoring")) return "name";
  return "text";
}

/** Values a leaf accepts on its own: examples, its bounds, random values matching its pattern. */
function validLeaf(schema: z.ZodType, path: Step[], examples: Examples): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const fromExamples = constants(exampleValues(examples, path));
  switch (def.type) {
    case "boolean":
      return fc.boolean();
    case "enum": {
      const entries = fc.constantFrom(...Object.values(def.entries as Record<string, string>));
      return fromExamples ? fc.oneof({ arbitrary: fromExamples, weight: 2 }, { arbitrary: entries, weight: 1 }) : entries;
    }
    case "number": {
      const b = numberBounds(schema);
      if (b.custom) {
        // A check in code (e.g. CloudWatch's retention periods): the accepted values, found by asking it.
        const accepted = Array.from({ length: 4000 }, (_, i) => i).filter((n) => accepts(schema, n));
        return fc.constantFrom(...accepted);
      }
      const min = b.min ?? -1e6;
      const max = b.max ?? Math.max(min + 1e6, 1e6);
      const edges = [b.min, b.max].filter((v): v is number => v !== undefined && accepts(schema, v));
      return fc.oneof(
        ...present([fromExamples, fromExamples, constants(edges)]),
        b.integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER)) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
      );
    }
    case "string": {
      const shape = stringShape(schema);
      const range = durationRange(schema);
      if (range) {
        const spellings = [range.min, range.max, Math.round((range.min + range.max) / 2)].flatMap(durationSpellings).filter((d) => accepts(schema, d));
        return fc.oneof(...present([fromExamples, constants(spellings)]));
      }
      const accepted = constants(ordinaryText.filter((text) => accepts(schema, text)));
      const kind = stringKind(schema);
      // stringMatching takes no `i` flag: the pattern's own case gives valid values anyway.
      const generated = shape.patterns.length > 0 ? fc.stringMatching(new RegExp(shape.patterns[0].source, shape.patterns[0].flags.replace("i", "")))
        : shape.prefix !== undefined ? fc.string().map((s) => shape.prefix + s)
        : kind === "url" ? fc.webUrl({ validSchemes: ["https"] }).filter((url) => accepts(schema, url))
        : kind === "email" ? fc.emailAddress().filter((email) => accepts(schema, email))
        : accepted ?? fc.string({ minLength: shape.minLength ?? 0, maxLength: 20 });
      // Real values first: a leaf checked against its siblings (a probe target against its module) fits those.
      return fc.oneof(...[fromExamples && { arbitrary: fromExamples, weight: 3 }, accepted && { arbitrary: accepted, weight: 2 }, { arbitrary: generated, weight: 1 }].filter((a): a is { arbitrary: fc.Arbitrary<unknown>; weight: number } => !!a));
    }
    default:
      throw new Error(`no generator for a ${def.type} leaf at ${pathText(path)}`);
  }
}

/** Values just outside a leaf's bounds, and the hostile values of its kind. */
function edgeLeaf(schema: z.ZodType): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case "boolean":
      return fc.constantFrom<unknown>("true", "false", "yes", "True", 1, 0, null, "");
    case "enum": {
      const entries = Object.values(def.entries as Record<string, string>);
      return fc.constantFrom<unknown>("", ...entries.map((e) => e.toUpperCase()), ...entries.map((e) => ` ${e}`), ...entries.map((e) => `${e}\u200B`), "unknown");
    }
    case "number": {
      const b = numberBounds(schema);
      const step = b.integer ? 1 : 0.001;
      const outside = [b.min !== undefined ? b.min - step : undefined, b.max !== undefined ? b.max + step : undefined, b.integer && b.min !== undefined ? b.min + 0.5 : undefined];
      return fc.constantFrom<unknown>(...outside.filter((v) => v !== undefined), ...hostileNumbers);
    }
    case "string": {
      const range = durationRange(schema);
      const kind = stringKind(schema);
      const outside = range ? [range.min - 1, range.max + 1].filter((s) => s >= 0).flatMap(durationSpellings) : [];
      const pool = { duration: [...outside, ...hostileDurations], url: hostileUrls, email: ["a@b", "@b.co", "a@b.c", "a b@c.co", "a@b.co\n", "\"a\"@b.co", "a+{{x}}@b.co", "é@b.co"], name: hostileNames, text: [] as string[] }[kind];
      const hostile = fc.constantFrom<unknown>(...pool, ...hostileText);
      // A credential in a plain URL is the mistake that matters most for URLs: as often as all the others.
      return kind === "url" ? fc.oneof(fc.constantFrom(...hostileUrls.filter((u) => u.includes(USERINFO_MARK))), hostile) : hostile;
    }
    default:
      throw new Error(`no edge values for a ${def.type} leaf`);
  }
}

/** A leaf's generator: mostly valid, often at or past an edge, sometimes any hostile text or a wrong type. */
function leafValue(schema: z.ZodType, path: Step[], examples: Examples): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: validLeaf(schema, path, examples), weight: 5 },
    { arbitrary: edgeLeaf(schema), weight: 3 },
    { arbitrary: fc.constantFrom(...hostileText), weight: 1 },
    { arbitrary: fc.constantFrom(...wrongTypes), weight: 1 },
  );
}

/** A whole valid value of any schema node (objects complete, optional fields sometimes absent). */
function validNode(schema: z.ZodType, path: Step[], examples: Examples): fc.Arbitrary<unknown> {
  const inner = unwrap(schema);
  const def = defOf(inner);
  const fromExamples = constants(exampleValues(examples, path));
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, z.ZodType>;
      const fields = Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, validNode(field, [...path, key], examples)]));
      const optional = Object.keys(shape).filter((key) => isOptional(shape[key]));
      const generated = fc.record(fields, { requiredKeys: Object.keys(shape).filter((key) => !optional.includes(key)) });
      return fromExamples ? fc.oneof(fromExamples, generated) : generated;
    }
    case "array": {
      const minLength = Math.max(0, ...(def.checks ?? []).map((c: any) => c._zod.def.minimum ?? 0));
      const generated = fc.array(validNode(def.element, [...path, EACH], examples), { minLength, maxLength: 3 });
      return fromExamples ? fc.oneof(fromExamples, generated) : generated;
    }
    case "record":
      return fc.dictionary(validLeaf(unwrap(def.keyType), [...path, RECORD_KEY], examples) as fc.Arbitrary<string>, validNode(def.valueType, [...path, RECORD_VALUE], examples), { minKeys: 1, maxKeys: 3 });
    default:
      return validLeaf(inner, path, examples);
  }
}

// ---------------------------------------------------------------------------------------------------
// Overrides: one leaf changed. Arrays are replaced whole (as Pulumi replaces them): valid elements, the
// changed leaf in one of them. Records likewise.

/** A concrete path into the config tree (array indices as numbers) and what to put there. */
export interface Override {
  path: (string | number)[];
  value: unknown;
}

/** The override of the leaf at `path` below `schema` (relative), as a value for the path's first container. */
function overrideBelow(schema: z.ZodType, path: Step[], fullPath: Step[], examples: Examples): fc.Arbitrary<Override> {
  const container = path.findIndex((s) => s === EACH || s === RECORD_KEY || s === RECORD_VALUE);
  const leafSchema = unwrap(schemaAt(schema, path));
  if (container < 0) {
    // A leaf inside an optional object the preset (examples[0]) leaves out: the whole object, its other fields
    // valid, so the leaf is judged beside siblings it needs (thanos.s3Compatible.url wants a bucket).
    const absent = path.findIndex((_, i) => i < path.length - 1 && isOptional(schemaAt(schema, path.slice(0, i + 1)))
      && defOf(unwrap(schemaAt(schema, path.slice(0, i + 1)))).type === "object" && exampleValues(examples.slice(0, 1), fullPath.slice(0, fullPath.length - path.length + i + 1)).length === 0);
    if (absent >= 0 && fullPath.length === path.length) {
      const objectPath = path.slice(0, absent + 1) as string[];
      return fc.tuple(validNode(unwrap(schemaAt(schema, objectPath)), objectPath, examples), leafValue(leafSchema, fullPath, examples))
        .map(([object, value]) => ({ path: objectPath, value: setIn(object, path.slice(absent + 1) as string[], value) }));
    }
    return leafValue(leafSchema, fullPath, examples).map((value) => ({ path: path as string[], value }));
  }
  const before = path.slice(0, container) as string[];
  const node = unwrap(schemaAt(schema, before));
  const nodePath = fullPath.slice(0, fullPath.length - path.length + container);
  const def = defOf(node);
  const step = path[container];
  if (step === EACH) {
    // Mostly the stack's own list (its elements fit together), one element changed; sometimes a new list.
    const ownLists = (exampleValues(examples, nodePath) as unknown[][]).filter((list) => list.length > 0);
    const generatedList = fc.array(validNode(def.element, [...nodePath, EACH], examples), { minLength: 1, maxLength: 3 });
    const list = ownLists.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...ownLists), weight: 3 }, { arbitrary: generatedList, weight: 1 }) : generatedList;
    return fc.tuple(list, fc.nat(), overrideBelow(def.element, path.slice(container + 1), fullPath, examples))
      .map(([elements, at, inner]) => {
        const array = structuredClone(elements);
        const i = at % array.length;
        array[i] = inner.path.length === 0 ? inner.value : setIn(array[i], inner.path, inner.value);
        return { path: before, value: array };
      });
  }
  const validKey = validLeaf(unwrap(def.keyType), [...nodePath, RECORD_KEY], examples) as fc.Arbitrary<string>;
  const validValue = validNode(def.valueType, [...nodePath, RECORD_VALUE], examples);
  const entry = step === RECORD_KEY
    ? fc.tuple(leafValue(unwrap(def.keyType), fullPath, examples).map(String), validValue)
    // A leaf inside the value: a valid value with that leaf changed (a record of objects, like slos).
    : fc.tuple(validKey, validValue, overrideBelow(def.valueType, path.slice(container + 1), fullPath, examples))
      .map(([key, base, inner]) => [key, inner.path.length === 0 ? inner.value : setIn(base, inner.path, inner.value)] as [string, unknown]);
  return fc.tuple(fc.dictionary(validKey, validValue, { maxKeys: 2 }), entry).map(([others, [key, value]]) => {
    const record: Record<string, unknown> = { ...others };
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
    return { path: before, value: record };
  });
}

/** `value` at `path` inside `tree` (objects created on the way; a non-object on the way is replaced). */
export function setIn(tree: unknown, path: (string | number)[], value: unknown): any {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const base = tree !== null && typeof tree === "object" ? (Array.isArray(tree) ? [...tree] : { ...tree }) : typeof head === "number" ? [] : {};
  const current = (base as Record<string | number, unknown>)[head];
  // defineProperty: a `__proto__` key stays an own key, as JSON.parse makes it.
  Object.defineProperty(base, head, { value: setIn(current, rest, value), enumerable: true, writable: true, configurable: true });
  return base;
}

/** Per stack, each leaf's override generator (valid values are the stack's own, so they fit their siblings). */
export const leafOverrides = leaves.map((leaf) => ({
  leaf,
  byStack: Object.fromEntries(stacks.map((stack) => [stack, overrideBelow(stackSpecSchema, leaf.path, leaf.path, examplesOf(stack))])) as Record<Stack, fc.Arbitrary<Override>>,
}));

/** A node that is not a leaf (an object, an array, a record) given a wrong type, or an object given a stray key. */
const structuralNodes = (() => {
  const out: string[][] = [];
  const walk = (schema: z.ZodType, path: string[]) => {
    const def = defOf(unwrap(schema));
    if (def.type !== "object") return;
    if (path.length > 0) out.push(path);
    for (const [key, field] of Object.entries(def.shape as Record<string, z.ZodType>)) {
      const fieldDef = defOf(unwrap(field));
      if (fieldDef.type === "object") walk(field, [...path, key]);
      else if (fieldDef.type === "array" || fieldDef.type === "record") out.push([...path, key]);
    }
  };
  walk(stackSpecSchema, []);
  return out;
})();
const structuralOverride: fc.Arbitrary<Override> = fc.oneof(
  fc.tuple(fc.constantFrom(...structuralNodes), fc.constantFrom(...wrongTypes, ...hostileText.slice(0, 8))).map(([path, value]) => ({ path, value })),
  fc.tuple(fc.constantFrom(...structuralNodes.filter((p) => defOf(unwrap(schemaAt(stackSpecSchema, p))).type === "object")), fc.constantFrom(...strayKeys), fc.constantFrom(...wrongTypes))
    .map(([path, key, value]) => ({ path: [...path, key], value })),
);

/** Two name leaves given the same value (e.g. namespace = hostNamespace), from the names pool. */
const nameLeaves = leaves.filter((l) => !l.path.some((s) => typeof s !== "string") && defOf(l.schema).type === "string" && stringKind(l.schema) === "name");
const twinOverrides: fc.Arbitrary<Override[]> = fc.tuple(fc.constantFrom(...nameLeaves), fc.constantFrom(...nameLeaves), fc.constantFrom(...hostileNames.slice(0, 8), ...exampleValues(examplesOf("dev"), ["namespace"]) as string[]))
  .map(([a, b, value]) => [{ path: a.path as string[], value }, { path: b.path as string[], value }]);

// ---------------------------------------------------------------------------------------------------
// Secrets: every secret key the code declares (stacks/config.ts), each with a sentinel token in a shape its
// validator accepts (asked, not listed), sometimes another shape, a 3-character token, an ordinary word, or
// set in plain text. A plain key is sometimes set as a Pulumi secret too.

const secretShapes: ((token: string) => string)[] = [
  (t) => `https://hooks.example.com/services/${t}`,
  (t) => `postgres://grafana:${t}@db.example.com:5432/grafana`,
  (t) => t,
  (t) => `https://user:${t}@hooks.example.com/x`,
  (t) => `https://hooks.example.com/x?k=${t}&q="{{ .Labels.x }}"`,
  (t) => `mysql://grafana:${t}@db:3306/grafana?tls=true`,
  (t) => `${t}"'\n: #{{ x }}\${y}`,
  (t) => ` ${t}\u0000\u202E`,
];
/** Tokens short enough that a search could miss them, of characters rendered text never holds by chance. */
const shortTokens = ["Ωq§", "Ωk¤", "Ψ¤q", "§Ω7", "¤ψΩ", "Ω§§", "qΩ¤", "ΨΨ§"];
const fittingShape = Object.fromEntries(allSecretKeys.map((key) => [key, secretShapes.findIndex((shape) => acceptedAsSecret(key, shape("Sentinel0token")))])) as Record<SecretKey, number>;

/** How one secret departs from a well-formed secret value (every other secret is one). */
type SecretDeviation =
  | { kind: "unset" | "short token" | "ordinary word" | "plain text" }
  | { kind: "shape"; shape: number };
const secretDeviation: fc.Arbitrary<{ key: SecretKey; deviation: SecretDeviation }> = fc.record({
  key: fc.constantFrom(...allSecretKeys),
  deviation: fc.oneof(
    fc.constantFrom<SecretDeviation>({ kind: "unset" }, { kind: "short token" }, { kind: "ordinary word" }, { kind: "plain text" }),
    fc.nat({ max: secretShapes.length - 1 }).map((shape): SecretDeviation => ({ kind: "shape", shape })),
  ),
});

/** Mostly `none`, sometimes one of `arbs`. */
const rarely = <T>(arb: fc.Arbitrary<T>, weight = 1, noneWeight = 5) => fc.oneof({ arbitrary: fc.constant(undefined), weight: noneWeight }, { arbitrary: arb, weight });

// ---------------------------------------------------------------------------------------------------

export interface ConfigChoices {
  stack: Stack;
  /** Pulumi.<stack>.yaml as it is, or only `environment` (the preset alone). */
  base: "stack file" | "preset only";
  environment?: string;
  overrides: Override[];
  /** A structured key handed over as raw text that is not the JSON it should be. */
  rawText?: { key: string; text: string };
  /** Every secret is set, well formed, as a secret, but for these. */
  secretDeviations: { key: SecretKey; deviation: SecretDeviation }[];
  /** A plain text key set as a Pulumi secret, its value carrying a token. */
  plainAsSecret?: string;
  /** Distinguishes this config's tokens from every other's. */
  tokenSeed: number;
}

const anyLeafOverride = Object.fromEntries(stacks.map((stack) => [stack, fc.oneof(...leafOverrides.map((o) => o.byStack[stack]))])) as Record<Stack, fc.Arbitrary<Override>>;

/** The choices, with `overrides` from the given generator for the chosen stack (every other dimension random). */
export const configChoicesWith = (overridesFor: (stack: Stack) => fc.Arbitrary<Override[]>): fc.Arbitrary<ConfigChoices> =>
  fc.constantFrom<Stack>(...stacks).chain((stack) => configChoicesOf(stack, overridesFor(stack)));
const configChoicesOf = (stack: Stack, overrides: fc.Arbitrary<Override[]>): fc.Arbitrary<ConfigChoices> => fc.record({
  stack: fc.constant(stack),
  base: fc.constantFrom<ConfigChoices["base"]>("stack file", "preset only"),
  environment: rarely(fc.constantFrom("", "staging", "Dev", "PROD", " dev", "dev\n", "{{ env }}"), 1, 30),
  overrides,
  rawText: rarely(fc.record({ key: fc.constantFrom(...topLevelKeys.filter((k) => !isTextKey(k))), text: fc.constantFrom(...hostileRawText) }), 1, 20),
  secretDeviations: fc.oneof({ arbitrary: fc.constant<ConfigChoices["secretDeviations"]>([]), weight: 4 }, { arbitrary: fc.array(secretDeviation, { minLength: 1, maxLength: 2 }), weight: 1 }),
  plainAsSecret: rarely(fc.constantFrom(...textKeys.filter((k) => k !== "environment")), 1, 15),
  tokenSeed: fc.nat({ max: 0xffffff }),
}, { requiredKeys: ["stack", "base", "overrides", "secretDeviations", "tokenSeed"] });

/** Any mix: up to three leaves changed, or a wrong type / stray key / two names made equal beside up to two. */
export const mixedConfigChoices = configChoicesWith((stack) => fc.oneof(
  { arbitrary: fc.array(anyLeafOverride[stack], { maxLength: 3 }), weight: 8 },
  { arbitrary: fc.tuple(fc.array(anyLeafOverride[stack], { maxLength: 2 }), fc.oneof(structuralOverride.map((o) => [o]), twinOverrides)).map(([a, b]) => [...a, ...b]), weight: 2 },
));

/** The leaf at `index` changed, and sometimes one other. */
export const configChoicesFor = (index: number) =>
  configChoicesWith((stack) => fc.tuple(leafOverrides[index].byStack[stack], fc.array(anyLeafOverride[stack], { maxLength: 1 })).map(([own, others]) => [own, ...others]));

/** A plain value's user-info password (a credential in a non-secret key), which must reach no file either. */
const USERINFO = new RegExp(`${USERINFO_MARK}\\w+`, "g");

/** The raw config the choices describe. */
export function toRawConfig(c: ConfigChoices): GeneratedConfig {
  const key = (k: string) => `${CONFIG_NAMESPACE}:${k}`;
  const base = c.base === "stack file" ? readStackConfig(c.stack) : { config: { [key("environment")]: c.stack }, secretKeys: [] };
  const tree: Record<string, unknown> = {};
  for (const [full, value] of Object.entries(base.config)) {
    const k = full.slice(CONFIG_NAMESPACE.length + 1);
    if (base.secretKeys.includes(full) || !topLevelKeys.includes(k)) continue; // its secrets are chosen below
    tree[k] = isTextKey(k) ? value : JSON.parse(value);
  }
  if (c.environment !== undefined) tree.environment = c.environment;
  let merged: Record<string, unknown> = tree;
  for (const o of c.overrides) merged = setIn(merged, o.path, o.value);

  const config: Record<string, string> = {};
  for (const [k, value] of Object.entries(merged)) {
    if (value === undefined) continue;
    config[key(k)] = typeof value === "string" && isTextKey(k) ? value : JSON.stringify(value);
  }
  if (c.rawText) config[key(c.rawText.key)] = c.rawText.text;

  const secretKeys: string[] = [];
  const sentinels: Record<string, string> = {};
  const hex = c.tokenSeed.toString(16).padStart(6, "0");
  allSecretKeys.forEach((k, i) => {
    const deviations = c.secretDeviations.filter((d) => d.key === k).map((d) => d.deviation);
    const is = (kind: SecretDeviation["kind"]) => deviations.some((d) => d.kind === kind);
    if (is("unset")) return;
    const token = is("short token") ? shortTokens[i % shortTokens.length] : `Sntl${i}x${hex}Q`;
    const shape = deviations.find((d): d is Extract<SecretDeviation, { kind: "shape" }> => d.kind === "shape")?.shape ?? fittingShape[k];
    const word = is("ordinary word");
    config[key(k)] = word ? ["monitoring", "true", "alerts", "prometheus"][i % 4] : secretShapes[shape](token);
    if (!is("plain text")) secretKeys.push(key(k));
    if (!word) sentinels[k] = token;
  });
  // The team routes' credentials: secrets of the keys the routes name, each a sentinel the leak checks look for.
  teamSecretsNamed(config[key("alertmanager")]).forEach(([k, url], i) => {
    if (Object.hasOwn(config, key(k))) return;
    const token = `SntlTeam${i}x${hex}Q`;
    config[key(k)] = url ? `https://hooks.example.com/services/${token}` : token;
    secretKeys.push(key(k));
    sentinels[k] = token;
  });
  if (c.plainAsSecret) {
    const token = `sntlplain${hex}`;
    config[key(c.plainAsSecret)] = c.plainAsSecret === "runbookBaseUrl" ? `https://runbooks.example.com/${token}` : token;
    secretKeys.push(key(c.plainAsSecret));
    sentinels[`${c.plainAsSecret} (a plain key set as a secret)`] = token;
  }
  for (const [k, value] of Object.entries(config)) {
    if (secretKeys.includes(k)) continue;
    for (const password of value.match(USERINFO) ?? []) sentinels[`${k} (user-info password)`] = password;
  }
  return { stack: c.stack, config, secretKeys, sentinels };
}

export const generatedConfig: fc.Arbitrary<GeneratedConfig> = mixedConfigChoices.map(toRawConfig);
export const generatedConfigFor = (index: number): fc.Arbitrary<GeneratedConfig> => configChoicesFor(index).map(toRawConfig);
