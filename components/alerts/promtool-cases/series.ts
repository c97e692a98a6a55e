// Builders for promtool unit-test input: series in promtool's expanding notation, and the standard sets of
// cases every alert is proved by (fires once `for` has elapsed, still pending one evaluation earlier, quiet
// just on the safe side of the threshold). The per-domain case files compose these from each alert's own
// `for` and threshold, so a case can never prove a different duration or number than the rule has.
import { durationSeconds, formatDuration } from "../../units";
import { AlertRule, AlertTestCase, AlertTestSeries } from "../types";

/** The interval promtool cases sample and evaluate at: the presets' scrape interval, the longest the rules allow. */
export const SCRAPE_INTERVAL_SECONDS = 15;

/** Every input series covers 2 hours, longer than any case's evaluation time (`for` is at most 1h). */
const HORIZON_SECONDS = 2 * 60 * 60;
const HORIZON_SAMPLES = HORIZON_SECONDS / SCRAPE_INTERVAL_SECONDS;

export type Labels = Record<string, string>;

/** Builds an alert's promtool cases from the rule itself (its `for`, its threshold). */
export type CaseBuilder = (alert: AlertRule) => AlertTestCase[];

/** The threshold of an alert that has one; a case builder for a threshold-less alert asking for it is a bug. */
export function thresholdOf(alert: AlertRule): number {
  if (alert.threshold === undefined) throw new Error(`${alert.name} has no threshold to build cases around`);
  return alert.threshold;
}

/** A number as promtool and humans want to read it: no floating-point noise such as 0.060000000000000005. */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** A percentage for case descriptions: 0.81 → "81%". */
export function pct(ratio: number): string {
  return `${num(ratio * 100)}%`;
}

export function seriesSelector(metric: string, labels: Labels): string {
  const matchers = Object.entries(labels).map(([name, value]) => `${name}="${value}"`);
  return `${metric}{${matchers.join(", ")}}`;
}

/** A gauge holding one value for the whole horizon. */
export function constant(metric: string, labels: Labels, value: number): AlertTestSeries {
  return { series: seriesSelector(metric, labels), values: `${num(value)}x${HORIZON_SAMPLES}` };
}

/**
 * A counter starting at 0 (services initialise their counters to 0) and growing by `perScrape` every 15s.
 * Starting every counter of a ratio at 0 gives all of them the same rate() extrapolation, so the ratios are
 * exact from the first evaluation that has two samples (15s).
 */
export function counter(metric: string, labels: Labels, perScrape: number): AlertTestSeries {
  return { series: seriesSelector(metric, labels), values: `0+${num(perScrape)}x${HORIZON_SAMPLES}` };
}

/**
 * A counter whose increase() over `window` exceeds `threshold` from its second sample on: it jumps by
 * threshold + 1 at the first scrape, then grows fast enough that every later window also holds more (the
 * window holds window / scrape interval − 1 whole intervals).
 */
export function counterAbove(metric: string, labels: Labels, threshold: number, window: string): AlertTestSeries {
  const perScrape = Math.floor(threshold / (durationSeconds(window) / SCRAPE_INTERVAL_SECONDS - 1)) + 1;
  return sampled(metric, labels, (t) => (t < SCRAPE_INTERVAL_SECONDS ? 0 : threshold + 1 + perScrape * (t / SCRAPE_INTERVAL_SECONDS - 1)));
}

/** A series whose value at each scrape is `valueAt(secondsFromStart)`, run-length encoded ("1x39 3x80"). */
export function sampled(metric: string, labels: Labels, valueAt: (seconds: number) => number): AlertTestSeries {
  const runs: { value: string; count: number }[] = [];
  for (let i = 0; i <= HORIZON_SAMPLES; i++) {
    const value = num(valueAt(i * SCRAPE_INTERVAL_SECONDS));
    const last = runs[runs.length - 1];
    if (last && last.value === value) last.count++;
    else runs.push({ value, count: 1 });
  }
  // promtool's "axn" expands to n+1 samples.
  const values = runs.map(({ value, count }) => (count === 1 ? value : `${value}x${count - 1}`)).join(" ");
  return { series: seriesSelector(metric, labels), values };
}

/** Input that either breaches an alert's condition or stays on the safe side of it, with a readable name. */
export interface Scenario {
  what: string;
  series: AlertTestSeries[];
}

export interface SustainedCasesOptions {
  /** The alert's `for`. */
  for: string;
  /**
   * Seconds from the start at which the condition is first evaluated as true for `breach`: 0 for gauges,
   * 15 for anything built on rate()/increase(), which needs two samples.
   */
  activeFrom: number;
  breach: Scenario;
  /** Scenarios that must never fire: just under the threshold, excluded series, other jobs … */
  normal: Scenario[];
  /** Labels the firing alert carries beyond severity and domain. */
  labels: Labels;
}

/**
 * The cases for an alert whose condition holds continuously under `breach`: firing at the first evaluation
 * once `for` has elapsed, pending (so not in exp_alerts) one evaluation earlier, and quiet under every
 * `normal` scenario long after `for`.
 */
export function sustainedCases(options: SustainedCasesOptions): AlertTestCase[] {
  const holdFor = durationSeconds(options.for);
  const firesAt = options.activeFrom + holdFor;
  const cases: AlertTestCase[] = [
    {
      description: `fires when ${options.breach.what} for ${options.for}`,
      series: options.breach.series,
      evalTime: formatDuration(firesAt),
      fires: true,
      expectedLabels: options.labels,
    },
  ];
  if (holdFor > 0) {
    cases.push({
      description: `still pending one evaluation before ${options.for} of ${options.breach.what}`,
      series: options.breach.series,
      evalTime: formatDuration(firesAt - SCRAPE_INTERVAL_SECONDS),
      fires: false,
    });
  }
  for (const normal of options.normal) {
    cases.push({
      description: `quiet when ${normal.what}`,
      series: normal.series,
      evalTime: formatDuration(firesAt + 5 * 60),
      fires: false,
    });
  }
  return cases;
}

/**
 * Cases for a "more failures than the threshold in `window`" alert on `metric`: fires when failures keep
 * coming, quiet with none, and quiet after a single failure where a threshold of 0 with a `for` longer than
 * the window lets it pass (the window forgets it first).
 */
export function failureCountCases(alert: AlertRule, metric: string, labels: Labels, window: string, what: { failing: string; none: string; once: string }): AlertTestCase[] {
  const once = thresholdOf(alert) >= 1 || durationSeconds(alert.for) > durationSeconds(window) + SCRAPE_INTERVAL_SECONDS;
  return sustainedCases({
    for: alert.for,
    activeFrom: SCRAPE_INTERVAL_SECONDS,
    breach: { what: what.failing, series: [counterAbove(metric, labels, thresholdOf(alert), window)] },
    normal: [
      { what: what.none, series: [counter(metric, labels, 0)] },
      ...(once ? [{ what: what.once, series: [sampled(metric, labels, (s) => (s >= 60 ? 1 : 0))] }] : []),
    ],
    labels,
  });
}

/**
 * Cases for an alert that fires above its own threshold: `scenario` just over it breaches (from `activeFrom`),
 * just under it stays quiet.
 */
export function aboveThresholdCases(alert: AlertRule, scenario: (value: number) => Scenario, options: { activeFrom: number; labels: Labels }): AlertTestCase[] {
  const { above, below } = nearThreshold(thresholdOf(alert));
  return sustainedCases({ for: alert.for, activeFrom: options.activeFrom, breach: scenario(above), normal: [scenario(below)], labels: options.labels });
}

/** Cases for `<metric> == 0` alerts (a target, probe or reload that is down / failed). */
export function zeroCases(metric: string, labels: Labels, forDuration: string, thing: string): AlertTestCase[] {
  return sustainedCases({
    for: forDuration,
    activeFrom: 0,
    breach: { what: `${thing} is 0`, series: [constant(metric, labels, 0)] },
    normal: [{ what: `${thing} is 1`, series: [constant(metric, labels, 1)] }],
    labels,
  });
}

/**
 * A value just past a threshold and one just short of it, for a ratio or small number: ±0.01, or ±20% of
 * thresholds below 0.05 so "just under 1%" is not 0%.
 */
export function nearThreshold(threshold: number): { above: number; below: number } {
  const delta = Math.min(0.01, threshold * 0.2);
  return { above: Number(num(threshold + delta)), below: Number(num(threshold - delta)) };
}

export interface CountingCasesOptions {
  metric: string;
  /** Labels shared by the counter series, including the ones the alert sums by. */
  labels: Labels;
  /** Two values of one label (e.g. two instances or error types) to prove that failures are summed. */
  split: { label: string; values: [string, string] };
  /** The alert fires on more than this many failures … */
  threshold: number;
  /** … within this window (the increase() range). */
  window: string;
  /** How long the condition must hold before the alert fires (the alert's `for`; at most half the window). */
  for: string;
  /** The labels the alert keeps (its `sum by`). */
  expectedLabels: Labels;
}

/** Failures recorded at one scrape: `count` of them, `at` seconds from the start. */
interface FailureBurst {
  at: number;
  count: number;
}

/** The most scrapes a burst of failures is spread over; more failures share them (size independent of N). */
const BURST_SCRAPES = 4;

/** `count` failures in at most BURST_SCRAPES consecutive scrapes from `from`, as evenly as whole numbers go. */
function burstOf(count: number, from: number): FailureBurst[] {
  const scrapes = Math.min(count, BURST_SCRAPES);
  return Array.from({ length: scrapes }, (_, i) => ({
    at: from + i * SCRAPE_INTERVAL_SECONDS,
    count: Math.floor(count / scrapes) + (i < count % scrapes ? 1 : 0),
  }));
}

/**
 * Cases for "more than N failures in W" alerts built on round(sum(increase(counter[W]))) > N.
 *
 * The counters start at 1 (one failure long before the window) so that, as in production, the window's
 * first sample is non-zero and increase() extrapolates to the window edges: N failures read as ~N·W/(W-15s),
 * which must not fire, and N+1 must. (thresholds.ts bounds N so that the extrapolation keeps rounding back.)
 * Failures arrive in bursts of a few scrapes, so a case's size does not grow with N.
 */
export function countingCases(options: CountingCasesOptions): AlertTestCase[] {
  const { metric, labels, split, threshold } = options;
  const window = durationSeconds(options.window);
  const step = SCRAPE_INTERVAL_SECONDS;
  // Failures start once a whole window of history exists.
  const firstFailure = window + 60;
  const history = 1;
  const failuresAt = (bursts: FailureBurst[]) => (t: number) => history + bursts.reduce((sum, b) => sum + (b.at <= t ? b.count : 0), 0);
  const seriesWith = (value: string, bursts: FailureBurst[]) => sampled(metric, { ...labels, [split.label]: value }, failuresAt(bursts));

  const over = threshold + 1;
  const overBurst = burstOf(over, firstFailure);
  // Alternate scrapes between the two split values: the alert must sum them.
  const firstHalf = overBurst.filter((_, i) => i % 2 === 0);
  const secondHalf = overBurst.filter((_, i) => i % 2 === 1);
  // Evaluated once the burst is in and `for` has passed, while the window still holds the whole burst.
  const holdFor = durationSeconds(options.for);
  const evalAfterBurst = formatDuration(firstFailure + BURST_SCRAPES * step + holdFor + 60);
  const cases: AlertTestCase[] = [
    {
      description: `fires on ${over} failures within ${options.window}, split across ${split.label}s`,
      series: [seriesWith(split.values[0], firstHalf), seriesWith(split.values[1], secondHalf)],
      evalTime: evalAfterBurst,
      fires: true,
      expectedLabels: options.expectedLabels,
    },
    {
      description:
        threshold === 0
          ? `quiet without failures`
          : `quiet on exactly ${threshold} failures within ${options.window} (extrapolated increase rounds back)`,
      series: [seriesWith(split.values[0], threshold === 0 ? [] : burstOf(threshold, firstFailure)), seriesWith(split.values[1], [])],
      evalTime: evalAfterBurst,
      fires: false,
    },
  ];
  if (threshold > 0) {
    // One failure, then N more a whole window later: N+1 in all, never more than N in one window. Evaluated
    // right after the last, when the window holds all N.
    const later = burstOf(threshold, firstFailure + window + 2 * step);
    cases.push({
      description: `quiet when ${over} failures are spread wider than ${options.window}`,
      series: [seriesWith(split.values[0], [{ at: firstFailure, count: 1 }, ...later]), seriesWith(split.values[1], [])],
      evalTime: formatDuration(later[later.length - 1].at + holdFor),
      fires: false,
    });
  }
  return cases;
}

export interface LatencyCasesOptions {
  /** Histogram base name, e.g. http_request_duration_seconds. */
  metric: string;
  /** Labels of the slow series (including the ones the quantile is grouped by). */
  labels: Labels;
  /** Labels of a second, fast series in the breach scenario, proving the quantile is per group. */
  fastNeighbour: Labels;
  threshold: number;
  for: string;
  expectedLabels: Labels;
}

/**
 * Cases for "p95 latency above T" alerts. Buckets are T/2, T, 2.5·T and +Inf; 100 observations per scrape.
 * 6 slow ones (in (T, 2.5T]) put the 95th at 1.25·T; 4 slow ones keep it at T/2 + T/2·95/96 < T.
 */
export function latencyCases(options: LatencyCasesOptions): AlertTestCase[] {
  const t = options.threshold;
  const bounds = [t / 2, t, 2.5 * t];
  const histogram = (labels: Labels, slowPerHundred: number) => {
    // Cumulative counts per scrape: nothing under T/2, the fast ones ≤ T, everything ≤ 2.5T.
    const perScrape = [0, 100 - slowPerHundred, 100];
    return [
      ...bounds.map((le, i) => counter(`${options.metric}_bucket`, { ...labels, le: num(le) }, perScrape[i])),
      counter(`${options.metric}_bucket`, { ...labels, le: "+Inf" }, 100),
    ];
  };
  return sustainedCases({
    for: options.for,
    activeFrom: SCRAPE_INTERVAL_SECONDS,
    breach: {
      what: `6% of requests are slower than ${num(t)}s (p95 ${num(1.25 * t)}s) while another series stays fast`,
      series: [...histogram(options.labels, 6), ...histogram(options.fastNeighbour, 0)],
    },
    normal: [{ what: `4% of requests are slower than ${num(t)}s (p95 just under it)`, series: histogram(options.labels, 4) }],
    labels: options.expectedLabels,
  });
}

/** A gauge alert: `breach` crosses the threshold (either direction), `normal` stays just short of it. */
export function gaugeCases(metric: string, labels: Labels, forDuration: string, values: { breach: number; normal: number }): AlertTestCase[] {
  const scenario = (value: number): Scenario => ({ what: `${metric} is ${value}`, series: [constant(metric, labels, value)] });
  return sustainedCases({
    for: forDuration,
    activeFrom: 0,
    breach: scenario(values.breach),
    normal: [scenario(values.normal)],
    labels,
  });
}

/** A share of failing attempts, fed to a builder of the attempt and failure counters (per 100 attempts). */
export function failureRatioScenario(ratio: number, attempts: (perScrape: number) => AlertTestSeries[]): Scenario {
  return { what: `${pct(ratio)} of attempts fail`, series: attempts(ratio * 100) };
}
