// The SLO compiler: pure, from SloSpec to recording rules and the SRE workbook's multi-window, multi-burn-rate
// alerts (https://sre.google/workbook/alerting-on-slos/, table 5-8). The alerts are catalog AlertRules, so
// Prometheus, Alertmanager (routes and inhibitions) and the clouds' rules take them like any other alert.
import type { AlertRule, RecordingRule } from "../alerts/types";
import { num, pct } from "../alerts/promtool-cases/series";
import { durationSeconds } from "../units";
import { SloSpec, WINDOW_PLACEHOLDER } from "./types";

/** One pair of windows: fires when both the long and the short window burn faster than `factor`. */
export interface BurnWindowPair {
  long: string;
  short: string;
  /** Burn rate: how many times faster than the rate that spends the budget exactly over the SLO window. */
  factor: number;
}

/**
 * The workbook's pairs for a 30-day window: a page when 2% of the budget goes in an hour (14.4×) or 5% in six
 * hours (6×); a ticket when 10% goes in a day (3×) or in three days (1×). The short window (1/12 of the long)
 * makes the alert reset soon after the burn stops. Factors are burn rates, so they hold for any window; what
 * share of the budget is gone at detection scales with it (docs/slos.md).
 */
export const burnRateAlerts = {
  fast: {
    suffix: "ErrorBudgetFastBurn",
    severity: "critical",
    for: "2m",
    pairs: [{ long: "1h", short: "5m", factor: 14.4 }, { long: "6h", short: "30m", factor: 6 }],
  },
  slow: {
    suffix: "ErrorBudgetSlowBurn",
    severity: "warning",
    for: "15m",
    pairs: [{ long: "1d", short: "2h", factor: 3 }, { long: "3d", short: "6h", factor: 1 }],
  },
} as const satisfies Record<string, { suffix: string; severity: "critical" | "warning"; for: string; pairs: readonly BurnWindowPair[] }>;
export type BurnSpeed = keyof typeof burnRateAlerts;

/** Every window an error ratio is recorded over, shortest first. */
export const burnWindows: string[] = [
  ...new Set(Object.values(burnRateAlerts).flatMap((a) => a.pairs.flatMap((p: BurnWindowPair) => [p.long, p.short]))),
].sort((a, b) => durationSeconds(a) - durationSeconds(b));

/** The fastest burn that pages: an objective whose whole budget cannot burn this fast could never page. */
export const FASTEST_PAGE_FACTOR = Math.max(...burnRateAlerts.fast.pairs.map((p) => p.factor));
/** The lowest objective that can still page (1 − 1/14.4 ≈ 0.9306): 100% errors must burn faster than 14.4×. */
export const MIN_OBJECTIVE = 1 - 1 / FASTEST_PAGE_FACTOR;
/** The shortest SLO window: the slow burn's longest window must fit in it. */
export const MIN_SLO_WINDOW = "3d";

/** Names of the recorded series (level:metric:operations); every one carries the `slo` label. */
export const sloRecordingNames = {
  /** Error ratio (1 − good/total) over a burn window, e.g. slo:sli_error:ratio_rate1h. */
  errorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  /** Error ratio averaged over the SLO's own window (from the 5m ratio, which is cheap to keep). */
  errorRatioWindow: "slo:sli_error:ratio_avg_window",
  /** The objective, as a constant series, so dashboards and ad-hoc queries need no copy of it. */
  objective: "slo:objective:ratio",
  /** Share of the window's error budget left: 1 − error ratio over the window / (1 − objective); negative when overspent. */
  budgetRemaining: "slo:error_budget_remaining:ratio",
} as const;

/** The label that tells SLOs' series apart. */
export const SLO_LABEL = "slo";

/** api-availability → ApiAvailability: the alerts' name stem. */
export function sloCamelName(name: string): string {
  return name.split("-").map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("");
}

export function sloAlertName(spec: Pick<SloSpec, "name">, speed: BurnSpeed): string {
  return `${sloCamelName(spec.name)}${burnRateAlerts[speed].suffix}`;
}

/** An SLI expression with its `$window` placeholder replaced by a range. */
export function sliAt(expr: string, window: string): string {
  return expr.split(WINDOW_PLACEHOLDER).join(window);
}

/** The error budget: the share of events allowed to be bad. */
export function errorBudget(spec: Pick<SloSpec, "objective">): number {
  return Number(num(1 - spec.objective));
}

/**
 * 1 − good/total. A `good` with no series at all (nothing has ever succeeded) counts as 0, so a total outage
 * reads as an error ratio of 1, not as no data.
 */
export function errorRatioExpr(spec: SloSpec, window: string): string {
  const good = sliAt(spec.sli.good, window);
  const total = sliAt(spec.sli.total, window);
  return `1 - ((${good}) or (0 * (${total}))) / (${total})`;
}

/** The recording rules of one SLO: the error ratio over every burn window, over its own window, objective and budget. */
export function sloRecordingRules(spec: SloSpec): RecordingRule[] {
  const labels = { [SLO_LABEL]: spec.name };
  const own = `{${SLO_LABEL}="${spec.name}"}`;
  return [
    ...burnWindows.map((window) => ({ record: sloRecordingNames.errorRatio(window), expr: errorRatioExpr(spec, window), labels, domain: spec.domain })),
    {
      record: sloRecordingNames.errorRatioWindow,
      expr: `avg_over_time(${sloRecordingNames.errorRatio(burnWindows[0])}${own}[${spec.window}])`,
      labels,
      domain: spec.domain,
    },
    { record: sloRecordingNames.objective, expr: `vector(${num(spec.objective)})`, labels, domain: spec.domain },
    {
      record: sloRecordingNames.budgetRemaining,
      expr: `1 - ${sloRecordingNames.errorRatioWindow}${own} / on (${SLO_LABEL}) group_left () (1 - ${sloRecordingNames.objective}${own})`,
      labels,
      domain: spec.domain,
    },
  ];
}

/** `(long > f·budget and short > f·budget) or (…)`, over the SLO's recorded error ratios. */
export function burnExpr(spec: SloSpec, pairs: readonly BurnWindowPair[]): string {
  const budget = num(errorBudget(spec));
  const over = (window: string, factor: number) => `${sloRecordingNames.errorRatio(window)}{${SLO_LABEL}="${spec.name}"} > (${num(factor)} * ${budget})`;
  return pairs.map((p) => `(${over(p.long, p.factor)} and ${over(p.short, p.factor)})`).join(" or ");
}

/** Days, hours or minutes, whichever reads best: 50 h → "2.1d". */
function humanDuration(seconds: number): string {
  if (seconds >= 86400) return `${num(Number((seconds / 86400).toFixed(1)))}d`;
  if (seconds >= 3600) return `${num(Number((seconds / 3600).toFixed(1)))}h`;
  return `${Math.round(seconds / 60)}m`;
}

/** The two burn alerts of one SLO: the fast burn pages (critical), the slow burn opens a ticket (warning). */
export function sloAlertRules(spec: SloSpec): AlertRule[] {
  const windowSeconds = durationSeconds(spec.window);
  const budget = `${pct(errorBudget(spec))} of events over ${spec.window}`;
  const alert = (speed: BurnSpeed): AlertRule => {
    const { severity, pairs } = burnRateAlerts[speed];
    const fastest = Math.max(...pairs.map((p: BurnWindowPair) => p.factor));
    const pairText = pairs.map((p: BurnWindowPair) => `${num(p.factor)}× over ${p.long} and ${p.short}`).join(", or ");
    return {
      name: sloAlertName(spec, speed),
      domain: spec.domain,
      severity,
      expr: burnExpr(spec, pairs),
      for: burnRateAlerts[speed].for,
      summary: speed === "fast" ? `SLO {{ $labels.slo }} is burning its error budget fast` : `SLO {{ $labels.slo }} is burning its error budget`,
      description:
        `${spec.description} The objective is ${pct(spec.objective)} (an error budget of ${budget}); its errors burn that budget faster than ` +
        `${pairText}. At ${num(fastest)}× the whole budget lasts ${humanDuration(windowSeconds / fastest)}. ` +
        (speed === "fast" ? "Users are affected now: find what changed (deploys, dependencies) and mitigate first." : "Not urgent, but the budget will not last the window: plan the fix in working hours."),
      // A page says it all: the ticket of the same SLO would only repeat it.
      ...(speed === "fast" ? { inhibits: [sloAlertName(spec, "slow")], inhibitEqual: [SLO_LABEL] } : {}),
    };
  };
  return [alert("fast"), alert("slow")];
}

/** Every SLO's recording rules and alerts. */
export function compileSlos(specs: readonly SloSpec[]): { recording: RecordingRule[]; alerts: AlertRule[] } {
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.name)) throw new Error(`duplicate SLO ${spec.name}`);
    names.add(spec.name);
    validateSlo(spec);
  }
  return { recording: specs.flatMap(sloRecordingRules), alerts: specs.flatMap(sloAlertRules) };
}

export const SLO_NAME = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/;

/** Fails fast on a spec the stack's config schema would have refused (components used on their own). */
export function validateSlo(spec: SloSpec): void {
  const problems = sloProblems(spec);
  if (problems.length > 0) throw new Error(`SLO ${spec.name}: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}`);
}

/** What is wrong with a spec, field by field; the config schema reports the same problems by key. */
export function sloProblems(spec: Partial<SloSpec> & { sli?: Partial<SloSpec["sli"]> }): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (spec.name !== undefined && !SLO_NAME.test(spec.name)) problems.push({ field: "name", message: "must be lowercase words joined by single dashes, each starting with a letter (e.g. api-availability)" });
  if (spec.objective !== undefined) {
    if (!(spec.objective > 0 && spec.objective < 1)) problems.push({ field: "objective", message: "must be a ratio strictly between 0 and 1, e.g. 0.999" });
    else if (spec.objective <= MIN_OBJECTIVE) problems.push({ field: "objective", message: `must be above ${num(MIN_OBJECTIVE)}: below it even 100% errors burn the budget no faster than ${FASTEST_PAGE_FACTOR}×, so the fast burn could never page` });
  }
  for (const field of ["good", "total"] as const) {
    const expr = spec.sli?.[field];
    if (expr === undefined) continue;
    const problem = sliExprProblem(expr);
    if (problem) problems.push({ field, message: problem });
  }
  return problems;
}

/**
 * What can be checked of an SLI expression without Prometheus' parser (the tests run the parser on every
 * compiled rule): it uses `[$window]`, and its brackets and quotes balance.
 */
export function sliExprProblem(expr: string): string | undefined {
  if (expr.trim() === "") return "must be a PromQL expression";
  if (!expr.includes(`[${WINDOW_PLACEHOLDER}]`)) return `must use [${WINDOW_PLACEHOLDER}] as its range (the compiler substitutes each burn window), e.g. sum(rate(http_requests_total[${WINDOW_PLACEHOLDER}]))`;
  if (sliAt(expr, "5m").includes("$")) return `may use no $ other than ${WINDOW_PLACEHOLDER}`;
  if (expr.includes("{{")) return "may not contain {{ (alert templates)";
  const closing: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === "\\" && quote !== "`") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c in closing) stack.push(closing[c]);
    else if (c === ")" || c === "]" || c === "}") {
      if (stack.pop() !== c) return `has an unmatched ${c} at character ${i + 1}`;
    }
  }
  if (quote) return `has an unterminated ${quote} string`;
  if (stack.length > 0) return `is missing a closing ${stack[stack.length - 1]}`;
  return undefined;
}
