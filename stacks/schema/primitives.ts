// The leaf of the stack schema: value formats every config section shares. Imports nothing of ours but the
// units, so every section file can import it and none imports another section.
import { z } from "zod";
import { parseDuration, STORAGE_QUANTITY } from "../../components/units";

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

/** A whole count from 1 to `max` (replicas, shards, nodes). */
export const count = (max: number) => z.number().int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);
export const days = z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(3650, "must be at most 3650 days");
export const ratio = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
export const port = z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535");
export const storageSize = z.string().regex(STORAGE_QUANTITY, "must be a Kubernetes storage size in Mi, Gi or Ti, e.g. 100Gi");
export const storageClass = z.string().regex(DNS_LABEL, "must be a StorageClass name");
export const namespaceName = z.string().regex(DNS_LABEL, "must be a Kubernetes namespace name");
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
  const format = `must be an ${protocols.join(" or ").replace(/^(https?) or (https?)$/, "http(s)")} URL`;
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
  });
};
export const httpUrl = plainUrl(["http", "https"]);
export const httpsUrl = plainUrl(["https"]);
export const slackChannel = z.string().regex(/^#[a-z0-9_-]+$/, "must be a Slack channel such as #alerts");
export const enabled = z.strictObject({ enabled: z.boolean() });

export const resourcesSchema = z.strictObject({
  requests: z.strictObject({
    cpu: z.string().regex(CPU_QUANTITY, "must be a CPU quantity such as 250m or 1"),
    memory: z.string().regex(MEMORY_QUANTITY, "must be a memory quantity in Mi or Gi"),
  }),
  limits: z.strictObject({
    cpu: z.string().regex(CPU_QUANTITY, "must be a CPU quantity such as 500m or 2"),
    memory: z.string().regex(MEMORY_QUANTITY, "must be a memory quantity in Mi or Gi"),
  }),
});
export type Resources = z.infer<typeof resourcesSchema>;

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
