// The leaf of the stack schema: value formats every config section shares. Imports nothing of ours but the
// units, so every section file can import it and none imports another section.
import { z } from "zod";
import { parseDuration, STORAGE_QUANTITY } from "../../components/units";

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const CPU_QUANTITY = /^(\d+m|\d+(\.\d+)?)$/;
const MEMORY_QUANTITY = /^\d+(Mi|Gi)$/;

/** A Prometheus duration between `min` and `max`; `format` is how the error message names the format. */
export const duration = (what: string, min = "1s", max = "3650d", format = "a Prometheus duration such as 30s, 5m or 30d") =>
  z.string().refine((v) => parseDuration(v) !== undefined, { error: `${what} must be ${format}`, abort: true })
    .refine((v) => (parseDuration(v) ?? 0) >= parseDuration(min)!, `${what} must be at least ${min}`)
    .refine((v) => (parseDuration(v) ?? 0) <= parseDuration(max)!, `${what} must be at most ${max}`);

/** A whole count from 1 to `max` (replicas, shards, nodes). */
export const count = (max: number) => z.number().int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);
export const days = z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(3650, "must be at most 3650 days");
export const ratio = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
export const port = z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535");
export const storageSize = z.string().regex(STORAGE_QUANTITY, "must be a Kubernetes storage size in Mi, Gi or Ti, e.g. 100Gi");
export const storageClass = z.string().regex(DNS_LABEL, "must be a StorageClass name");
export const namespaceName = z.string().regex(DNS_LABEL, "must be a Kubernetes namespace name");
export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
export const httpsUrl = z.url({ protocol: /^https$/, error: "must be an https URL" });
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

/** A check across fields of one object, and the fields it reads. */
export interface CrossCheck<T> {
  reads: readonly (keyof T & string)[];
  check: (value: T, report: Report) => void;
}

/** Marks the issues cross-checks raise, so that one check's finding does not count as another's invalid input. */
const CROSS_CHECK = { crossCheck: true };
const isCrossCheckIssue = (issue: z.core.$ZodIssue) => issue.code === "custom" && issue.params?.crossCheck === true;

/**
 * Adds checks across fields of one object. Each runs when the fields it reads are individually valid (other
 * cross-checks' findings aside), even when other fields are not: one run reports every problem, and a field
 * the schema already refused is not judged again.
 */
export function withCrossChecks<T extends z.ZodObject>(schema: T, ...checks: CrossCheck<z.infer<T>>[]): T {
  return checks.reduce((refined, { reads, check }) => {
    // loose: the object's other keys are not this check's business.
    const readsOnly = schema.pick(Object.fromEntries(reads.map((key) => [key, true])) as never).loose();
    return refined.superRefine(
      (value, ctx) => check(value as z.infer<T>, (path, message) => ctx.addIssue({ code: "custom", path: path as (string | number)[], message, params: CROSS_CHECK })),
      { when: (payload) => readsOnly.safeParse(payload.value).error?.issues.every(isCrossCheckIssue) ?? true },
    ) as T;
  }, schema);
}

/** Indices of the values that repeat an earlier one. */
export function repeats(values: unknown[]): number[] {
  const seen = new Set<unknown>();
  return values.flatMap((v, i) => (v !== undefined && seen.has(v) ? [i] : (seen.add(v), [])));
}
