// The leaf of the stack schema: value formats every config section shares. Imports nothing of ours but the
// units, so every section file can import it and none imports another section.
import { z } from "zod";
import { parseBytes, parseDuration, STORAGE_QUANTITY } from "../../components/units";

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** host:port, the port from 1 to 65535. */
export function isHostPort(value: string): boolean {
  const match = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?:(\d{1,5})$/.exec(value);
  return !!match && Number(match[1]) >= 1 && Number(match[1]) <= 65535;
}
export const hostPort = (example: string) => z.string().refine(isHostPort, `must be host:port with a port from 1 to 65535, e.g. ${example}`);
const CPU_QUANTITY = /^(\d+m|\d+(\.\d+)?)$/;
const MEMORY_QUANTITY = /^\d+(Mi|Gi)$/;

/**
 * A Prometheus duration between `min` and `max`; `format` is how the error message names the format, and
 * `whyMax` says why the maximum is what it is.
 */
export const duration = (what: string, min = "1s", max = "3650d", format = "a Prometheus duration such as 30s, 5m or 30d", whyMax?: string, units = /./) =>
  // One message per value, and none that aborts the parse: an aborting issue would silence every cross-check.
  z.string().superRefine((value, ctx) => {
    const seconds = units.test(value) ? parseDuration(value) : undefined;
    const problem =
      seconds === undefined ? `${what} must be ${format}`
      : seconds < parseDuration(min)! ? `${what} must be at least ${min}`
      : seconds > parseDuration(max)! ? `${what} must be at most ${max}${whyMax ? `: ${whyMax}` : ""}`
      : undefined;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Durations a Go program reads (time.ParseDuration: Alloy, Jaeger): no d, w or y units. */
const GO_DURATION = /^(\d+(h|m|s|ms))+$/;
export const goDuration = (what: string, min: string, max: string) =>
  duration(what, min, max, "a duration in h, m, s or ms such as 3s or 1m30s (read by Go, which has no d, w or y)", undefined, GO_DURATION);

/**
 * Sizes of what a stack lists. Each list and every text value is bounded, so that the largest config the
 * schema accepts still renders every ConfigMap under the 1 MiB Kubernetes allows
 * (test/unit/config-limits.test.ts renders exactly that config).
 */
export const MAX_TEXT_LENGTH = 1024;
export const listOf = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z.array(item).max(max, `must list at most ${max} ${what} (every list is bounded so the stack's ConfigMaps stay under Kubernetes' 1 MiB)`);

/** Every text value of `value` longer than MAX_TEXT_LENGTH, by path. */
export function overlongTexts(value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (typeof value === "string") return value.length > MAX_TEXT_LENGTH ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => overlongTexts(v, [...path, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => overlongTexts(v, [...path, k]));
  return [];
}

/** A whole count from 1 to `max` (replicas, shards, nodes). */
export const count = (max: number) => z.number().int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);
export const days = z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(3650, "must be at most 3650 days");
export const ratio = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
export const port = z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535");
export const storageSize = z.string().regex(STORAGE_QUANTITY, "must be a Kubernetes storage size in Mi, Gi or Ti, e.g. 100Gi")
  .refine((size) => (parseBytes(size) ?? 1) > 0, "must be more than 0"); // a malformed one has its own message
export const storageClass = z.string().regex(DNS_LABEL, "must be a StorageClass name");
/** Namespaces Kubernetes itself owns (kube-system, kube-public, kube-node-lease, and any future kube-*). */
const KUBERNETES_OWNED = /^kube-/;
export const namespaceName = z.string().regex(DNS_LABEL, "must be a Kubernetes namespace name (a lowercase DNS label)")
  .refine((name) => !KUBERNETES_OWNED.test(name), "must not be a kube-* namespace: Kubernetes owns those (its own components and their policies live there)");

/** A label name: an optional DNS-subdomain prefix and `/`, then up to 63 alphanumerics, `-`, `_` or `.`. */
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export function isLabelKey(key: string): boolean {
  const [prefix, name, ...rest] = key.includes("/") ? key.split("/") : [undefined, key];
  return rest.length === 0 && LABEL_NAME.test(name ?? "") && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
}
/** A label value: empty, or up to 63 alphanumerics, `-`, `_` or `.`, starting and ending alphanumeric. */
export const isLabelValue = (value: string) => value === "" || LABEL_NAME.test(value);

/** Pod labels a NetworkPolicy selects on: keys and values as the Kubernetes API accepts them. */
export const podLabelSelector = z.record(
  z.string().refine(isLabelKey, "must be a label key: an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
  z.string().refine(isLabelValue, "must be a label value: up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"),
).refine((labels) => Object.keys(labels).length > 0, "must name at least one label")
  .refine((labels) => Object.keys(labels).length <= 20, "must name at most 20 labels");
/** What a URL may hold as written (RFC 3986); anything else (spaces, quotes, braces, `<>`…) must be percent-encoded. */
const URL_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
/** Query parameters that carry credentials by name. */
const CREDENTIAL_PARAMETER = /^(.*[-_])?(pass(word)?|secret|token|api[-_]?key|key|auth|sig(nature)?|credentials?)$/i;

/**
 * A URL written in plain text (config files, ConfigMaps, logs, pages): it must not carry credentials, and
 * only the characters RFC 3986 allows unencoded, so no `{{` reaches a template. `credentials` says where
 * credentials for this endpoint go instead.
 */
export const plainUrl = (protocols: string[], credentials = "credentials never go in a URL here") => {
  const names = protocols.join(",") === "http,https" ? ["http(s)"] : protocols;
  const format = `must be an ${names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}` : names[0]} URL`;
  return z.string().superRefine((value, ctx) => {
    const problem = (() => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return format;
      }
      if (!protocols.includes(url.protocol.replace(/:$/, "")) || !url.hostname) return format;
      // The value is not echoed: it may hold a credential.
      if (url.username || url.password) return `must not carry credentials (user:password@): it is written in plain text into config files and logs; ${credentials}`;
      const parameter = [...url.searchParams.keys()].find((name) => CREDENTIAL_PARAMETER.test(name));
      if (parameter) return `must not carry credentials in its query (${parameter}=…): it is written in plain text into config files and logs; ${credentials}`;
      const bad = [...value].find((c) => !URL_CHARACTERS.test(c));
      if (bad) return `must not contain ${JSON.stringify(bad)}: percent-encode it (a URL holds only RFC 3986 characters, and \`{{\` would be read as a template)`;
      return undefined;
    })();
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }).meta({ format: "uri" }); // the config reference says "URL"
};
export const httpUrl = plainUrl(["http", "https"]);
export const httpsUrl = plainUrl(["https"]);
export const slackChannel = z.string().regex(/^#[a-z0-9_-]+$/, "must be a Slack channel such as #alerts");
export const enabled = z.strictObject({ enabled: z.boolean() });


/** Reports a problem at `path`, relative to the object being checked. */
export type Report = (path: PropertyKey[], message: string) => void;

/** A field a check reads: a key of the object, or a path into it (e.g. ["prometheus", "replicas"]). */
export type FieldPath = string | readonly PropertyKey[];

/** A check across fields of one object, and the fields it reads. */
export interface CrossCheck<T> {
  reads: readonly FieldPath[];
  /** Reads only `reads` as validated; anything else it touches may be invalid and must be guarded. */
  check: (value: T, report: Report) => void;
}

/** Marks the issues cross-checks raise, so that one check's finding does not count as another's invalid input. */
const CROSS_CHECK = { crossCheck: true };
const isCrossCheckIssue = (issue: z.core.$ZodRawIssue) => issue.code === "custom" && issue.params?.crossCheck === true;
/** Whether one path is a prefix of the other: a refused parent makes its fields unreadable, and vice versa. */
const overlaps = (a: readonly PropertyKey[], b: readonly PropertyKey[]) => a.slice(0, b.length).every((key, i) => key === b[i]);

/**
 * Adds checks across fields of one object. Each runs when the fields it reads were not refused, whatever
 * else in the object was: one run reports every problem, and a field the schema already refused is not
 * judged again.
 */
export function withCrossChecks<T extends z.ZodObject>(schema: T, ...checks: CrossCheck<z.infer<T>>[]): T {
  return checks.reduce((refined, { reads, check }) => {
    const paths = reads.map((read) => (typeof read === "string" ? [read] : read));
    return refined.superRefine(
      (value, ctx) => {
        // A key the schema already refused is not judged again (e.g. an empty target is not also "not a URL").
        const refused = (path: PropertyKey[]) => ctx.issues.some((issue) => !isCrossCheckIssue(issue) && (issue.path ?? []).length === path.length && overlaps(issue.path ?? [], path));
        check(value as z.infer<T>, (path, message) => refused(path) || ctx.addIssue({ code: "custom", path: path as (string | number)[], message, params: CROSS_CHECK }));
      },
      { when: (payload) => !payload.issues.some((issue) => !isCrossCheckIssue(issue) && paths.some((path) => overlaps(issue.path ?? [], path))) },
    ) as T;
  }, schema);
}

/** Indices of the values that repeat an earlier one. */
export function repeats(values: unknown[]): number[] {
  const seen = new Set<unknown>();
  return values.flatMap((v, i) => (v !== undefined && seen.has(v) ? [i] : (seen.add(v), [])));
}

const cpuQuantity = (example: string) => z.string().regex(CPU_QUANTITY, `must be a CPU quantity such as ${example}`).refine((q) => !CPU_QUANTITY.test(q) || cpuCores(q) > 0, "must be more than 0");
const memoryQuantity = z.string().regex(MEMORY_QUANTITY, "must be a memory quantity in Mi or Gi").refine((q) => (parseBytes(q) ?? 1) > 0, "must be more than 0"); // a malformed one has its own message
/** CPU cores of a quantity the schema accepts (250m → 0.25). */
const cpuCores = (quantity: string) => (quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity));

export const resourcesSchema = withCrossChecks(
  z.strictObject({
    requests: z.strictObject({ cpu: cpuQuantity("250m or 1"), memory: memoryQuantity }),
    limits: z.strictObject({ cpu: cpuQuantity("500m or 2"), memory: memoryQuantity }),
  }),
  {
    // The API server refuses a container whose request exceeds its limit.
    reads: [["requests", "cpu"], ["limits", "cpu"]],
    check: ({ requests, limits }, report) => {
      if (cpuCores(requests.cpu) > cpuCores(limits.cpu)) report(["requests", "cpu"], `(${requests.cpu}) must not exceed limits.cpu (${limits.cpu})`);
    },
  },
  {
    reads: [["requests", "memory"], ["limits", "memory"]],
    check: ({ requests, limits }, report) => {
      if (parseBytes(requests.memory)! > parseBytes(limits.memory)!) report(["requests", "memory"], `(${requests.memory}) must not exceed limits.memory (${limits.memory})`);
    },
  },
);
export type Resources = z.infer<typeof resourcesSchema>;
