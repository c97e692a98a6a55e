// `slos`: the SLOs the stack runs (components/slo), by name. The presets hold the NovaCron API's default SLOs
// (components/slo/presets.ts); config changes a field of one (objects merge key by key), switches one off, or
// adds one. Everything that can be checked without Prometheus is checked here, by key; the tests run
// Prometheus' own parser on the compiled rules.
import { z } from "zod";
import { AlertDomain } from "../../components/alerts/types";
import { MIN_OBJECTIVE, MIN_SLO_WINDOW, SLO_NAME, sliExprProblem, sloProblems } from "../../components/slo/compile";
import type { SloSpec } from "../../components/slo/types";
import { duration } from "./primitives";

/** The longest SLO window: the error ratio over it is averaged from recorded samples Prometheus must still hold. */
export const MAX_SLO_WINDOW = "90d";

const sliExpr = (what: string) =>
  z.string().superRefine((value, ctx) => {
    const problem = sliExprProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }).describe(`PromQL of ${what} per second, with [$window] as its range (the compiler substitutes each burn window), e.g. sum(rate(http_requests_total{service="novacron-api"}[$window])).`);

// Native bounds (not a refinement) so that tools reading the schema, such as the property suite's
// generators, see them; the messages are the compiler's (sloProblems).
const objective = z.number("must be a number, e.g. 0.999")
  .lt(1, sloProblems({ objective: 1 })[0].message)
  .gt(MIN_OBJECTIVE, sloProblems({ objective: MIN_OBJECTIVE })[0].message);

export const sloSchema = z.strictObject({
  enabled: z.boolean().optional().describe("false switches the SLO off: no recording rules, burn alerts or dashboard rows. Default true."),
  description: z.string().min(1, "must say what the SLO promises").refine((v) => !v.includes("{{"), "may not contain {{ (it goes into alert annotations)")
    .describe("What the SLO promises, one sentence; shown in the burn alerts and on the dashboard."),
  objective: objective.describe("Share of events that must be good, strictly between 0 and 1 (0.999 = 99.9%); above 0.9306 so that 100% errors can burn the budget 14.4× fast and page."),
  window: duration("window", MIN_SLO_WINDOW, MAX_SLO_WINDOW, undefined, "the budget is averaged over recorded samples, which Prometheus' retention must hold")
    .describe(`Compliance window over which the error budget is spent, ${MIN_SLO_WINDOW} (the slow burn's longest window) to ${MAX_SLO_WINDOW}, and at most prometheus.retentionTime.`),
  good: sliExpr("good events"),
  total: sliExpr("all events"),
  domain: z.enum(Object.values(AlertDomain), `must be one of ${Object.values(AlertDomain).join(", ")}`).optional()
    .describe("Team and route of the burn alerts, and the rule file of the SLO's rules. Default application."),
});
export type SloConfig = z.infer<typeof sloSchema>;

// The name is checked here rather than as the record's key schema, whose refusal zod reports only as "Invalid key".
// It runs even when an SLO's fields are refused, so every problem is reported at once.
// The name rule is the key's own schema, so tools that read the schema (the property generators) know it.
export const slosSchema = z.record(
  z.string().regex(SLO_NAME, "SLO names must be lowercase words joined by single dashes, each starting with a letter (e.g. api-availability)"),
  sloSchema,
);
export type SlosSpec = z.infer<typeof slosSchema>;

/** The SLO as the compiler takes it. */
export function sloSpecOf(name: string, slo: SloConfig): SloSpec {
  return { name, description: slo.description, objective: slo.objective, window: slo.window, sli: { good: slo.good, total: slo.total }, domain: slo.domain ?? AlertDomain.application };
}

/** The enabled SLOs, in config order. */
export function enabledSlos(slos: SlosSpec): SloSpec[] {
  return Object.entries(slos).filter(([, slo]) => slo.enabled !== false).map(([name, slo]) => sloSpecOf(name, slo));
}

/** An SloSpec as config writes it (the presets' form). */
export function sloConfigOf(spec: SloSpec): SloConfig {
  return { enabled: true, description: spec.description, objective: spec.objective, window: spec.window, good: spec.sli.good, total: spec.sli.total, domain: spec.domain };
}
