// promtool cases of the burn alerts, built from each alert as the stack runs it (its `for`) and from its
// SLO's objective: the fast burn pages within the time the burn rate predicts, a slow burn opens a ticket and
// does not page, and budget-neutral error rates stay quiet. Input series come from an SLI fixture: synthetic
// counters for a given error ratio over time, which only a known SLI (a preset's, unchanged) can have.
import { Labels, num, seriesSelector, SCRAPE_INTERVAL_SECONDS } from "../alerts/promtool-cases/series";
import type { AlertRule, AlertTestCase, AlertTestSeries } from "../alerts/types";
import { HTTP_DURATION_BUCKETS, serviceJob } from "../prometheus/contract";
import { durationSeconds, formatDuration } from "../units";
import { burnRateAlerts, BurnSpeed, BurnWindowPair, errorBudget, SLO_LABEL, sloAlertName } from "./compile";
import { API_LATENCY_BOUND, apiAvailabilitySlo, apiLatencySlo } from "./presets";
import { Sli, SloSpec } from "./types";

const STEP = SCRAPE_INTERVAL_SECONDS;
/** Sample interval of the cases with hours of history. */
const HISTORY_STEP = 60;

/**
 * Input series whose SLI reads `errorRatioAt(t)` (events in the sample interval ending at t), up to `until`
 * seconds, sampled every `step` seconds.
 */
export type SliFixture = (errorRatioAt: (seconds: number) => number, until: number, step?: number) => AlertTestSeries[];

/**
 * A counter from 0 whose increment at each scrape is `perScrapeAt(t)`, in promtool's expanding notation, one
 * `start+stepxN` run per stretch of equal increments (so a 7-hour series stays a few runs long).
 */
export function counterSeries(metric: string, labels: Labels, perScrapeAt: (seconds: number) => number, until: number, interval = STEP): AlertTestSeries {
  const last = Math.ceil(until / interval);
  const runs: string[] = [];
  let start = 0;
  let value = 0;
  while (start <= last) {
    if (start === last) {
      runs.push(num(value));
      break;
    }
    const increment = perScrapeAt((start + 1) * interval);
    let end = start + 1;
    while (end < last && perScrapeAt((end + 1) * interval) === increment) end++;
    runs.push(`${num(value)}+${num(increment)}x${end - start}`);
    value += increment * (end - start);
    start = end + 1;
    if (start <= last) value += perScrapeAt(start * interval);
  }
  return { series: seriesSelector(metric, labels), values: runs.join(" ") };
}

/** Events per scrape in the fixtures: enough that a 0.1% budget is a tenth of an event per scrape … of 100. */
const EVENTS_PER_SCRAPE = 1000;
const api = serviceJob("api");
const apiRequest: Labels = { instance: "api-0:8080", job: api, service: api, method: "GET", route: "/api/v1/vms" };
/** Another service failing (and slow) throughout: the SLI must select the API alone. */
const scheduler = serviceJob("scheduler");
const schedulerRequest: Labels = { instance: "scheduler-0:8083", job: scheduler, service: scheduler, method: "POST", route: "/api/v1/schedule" };

const availability: SliFixture = (errorRatioAt, until, step) => {
  const requests = (labels: Labels, status: string, perScrape: (r: number) => number) =>
    counterSeries("http_requests_total", { ...labels, status }, (t) => perScrape(errorRatioAt(t)), until, step);
  return [
    requests(apiRequest, "200", (r) => 0.95 * EVENTS_PER_SCRAPE * (1 - r)),
    // Client errors are the client's: good events.
    requests(apiRequest, "404", (r) => 0.05 * EVENTS_PER_SCRAPE * (1 - r)),
    requests(apiRequest, "503", (r) => EVENTS_PER_SCRAPE * r),
    requests(schedulerRequest, "500", () => 100),
  ];
};

const latency: SliFixture = (errorRatioAt, until, step) => {
  const bounds = HTTP_DURATION_BUCKETS.map(String);
  const histogram = (labels: Labels, slowShare: (t: number) => number, perScrape: number) => {
    // Fast requests take half the bound, slow ones four times it.
    const fastLe = API_LATENCY_BOUND / 2;
    const slowLe = API_LATENCY_BOUND * 4;
    const within = (le: number) => (t: number) => (le < fastLe ? 0 : le < slowLe ? perScrape * (1 - slowShare(t)) : perScrape);
    return [
      ...bounds.map((le) => counterSeries("http_request_duration_seconds_bucket", { ...labels, le }, within(Number(le)), until, step)),
      counterSeries("http_request_duration_seconds_bucket", { ...labels, le: "+Inf" }, () => perScrape, until, step),
      counterSeries("http_request_duration_seconds_count", labels, () => perScrape, until, step),
    ];
  };
  return [...histogram(apiRequest, errorRatioAt, EVENTS_PER_SCRAPE), ...histogram(schedulerRequest, () => 1, 100)];
};

/** Fixtures by the SLI they feed; a changed SLI text has none (its alerts then have no cases: docs/slos.md). */
const fixtures: { sli: Sli; fixture: SliFixture }[] = [
  { sli: apiAvailabilitySlo.sli, fixture: availability },
  { sli: apiLatencySlo.sli, fixture: latency },
];

export function fixtureFor(spec: SloSpec): SliFixture | undefined {
  return fixtures.find(({ sli }) => sli.good === spec.sli.good && sli.total === spec.sli.total)?.fixture;
}

const factors = (speed: BurnSpeed) => burnRateAlerts[speed].pairs.map((p: BurnWindowPair) => p.factor);
/** A slow burn: faster than every ticket pair, slower than every page pair (4.5×). */
export const SLOW_BURN = (Math.max(...factors("slow")) + Math.min(...factors("fast"))) / 2;
/** A fast burn: twice the fastest page pair (28.8×), or 100% errors if the budget cannot burn that fast. */
export const fastBurn = (spec: SloSpec) => Math.min(2 * Math.max(...factors("fast")), 1 / errorBudget(spec));
/** Spending the budget at 90% of the rate that lasts exactly the window. */
export const WITHIN_BUDGET = 0.9 * Math.min(...factors("slow"));

/**
 * How long after a burn of `burn`× starts, on a healthy history, the page's condition holds: the long window's
 * error ratio grows linearly until it crosses the factor (the short window crosses sooner).
 */
export function detectionSeconds(burn: number): number {
  return Math.min(...burnRateAlerts.fast.pairs.map((p: BurnWindowPair) => (durationSeconds(p.long) * p.factor) / burn));
}

const roundUp = (seconds: number) => Math.ceil(seconds / HISTORY_STEP) * HISTORY_STEP;
const roundDown = (seconds: number) => Math.floor(seconds / HISTORY_STEP) * HISTORY_STEP;

/** The cases of one burn alert of `spec`, or none when the SLI has no fixture. */
export function sloCases(spec: SloSpec, speed: BurnSpeed, alert: AlertRule): AlertTestCase[] {
  const fixture = fixtureFor(spec);
  if (!fixture) return [];
  const budget = errorBudget(spec);
  const holdFor = durationSeconds(alert.for);
  const labels = { [SLO_LABEL]: spec.name };
  const x = (burn: number) => `${num(Number(burn.toFixed(2)))}×`;
  // A steady burn from the first scrape: every window reads it from the second sample (15s) on.
  const steady = (burn: number, evalAt: number) => fixture(() => burn * budget, evalAt + STEP);
  // Long enough after `for` that a wrongly firing alert would have fired.
  const later = STEP + holdFor + 5 * 60;
  const cases: AlertTestCase[] = [];
  const firesAfterFor = (burn: number) => {
    const firesAt = STEP + holdFor;
    const series = steady(burn, firesAt);
    cases.push({ description: `fires when errors burn the budget at ${x(burn)} for ${alert.for}`, series, evalTime: formatDuration(firesAt), fires: true, expectedLabels: labels });
    if (holdFor > 0) cases.push({ description: `still pending one evaluation before ${alert.for} at ${x(burn)}`, series, evalTime: formatDuration(firesAt - STEP), fires: false });
  };
  if (speed === "fast") {
    const burn = fastBurn(spec);
    firesAfterFor(burn);
    // A healthy history as long as the longest page window, then the burn: the page must come when the burn
    // rate predicts (a sample of rate() extrapolation and an evaluation later at most), and not at 90% of it.
    // Sampled and evaluated every minute: hours of history at 15s would be the slowest cases of the catalog.
    const history = Math.max(...burnRateAlerts.fast.pairs.map((p: BurnWindowPair) => durationSeconds(p.long)));
    const detection = detectionSeconds(burn);
    const firesBy = history + roundUp(detection + HISTORY_STEP) + roundUp(holdFor) + HISTORY_STEP;
    const series = fixture((t) => (t > history ? burn * budget : 0), firesBy + HISTORY_STEP, HISTORY_STEP);
    const after = (seconds: number) => `${formatDuration(seconds)} of a ${x(burn)} burn after ${formatDuration(history)} without errors`;
    const slow = { interval: formatDuration(HISTORY_STEP), evaluationInterval: formatDuration(HISTORY_STEP) };
    cases.push({ description: `pages within ${after(roundUp(detection))} (+ ${alert.for})`, ...slow, series, evalTime: formatDuration(firesBy), fires: true, expectedLabels: labels });
    const early = roundDown(0.9 * detection);
    cases.push({ description: `not yet paging ${after(early)}`, ...slow, series, evalTime: formatDuration(history + early), fires: false });
    cases.push({ description: `does not page on a slow burn (${x(SLOW_BURN)})`, series: steady(SLOW_BURN, later), evalTime: formatDuration(later), fires: false });
    cases.push({ description: `quiet at a budget-neutral error rate (1×)`, series: steady(1, later), evalTime: formatDuration(later), fires: false });
  } else {
    firesAfterFor(SLOW_BURN);
    cases.push({ description: `quiet while errors stay within budget (${x(WITHIN_BUDGET)})`, series: steady(WITHIN_BUDGET, later), evalTime: formatDuration(later), fires: false });
  }
  return cases;
}

/** Case builders of every SLO's burn alerts, by alert name (the catalog adds them to its own). */
export function sloCaseBuilders(specs: readonly SloSpec[]): Record<string, (alert: AlertRule) => AlertTestCase[]> {
  return Object.fromEntries(
    specs.flatMap((spec) => (Object.keys(burnRateAlerts) as BurnSpeed[]).map((speed) => [sloAlertName(spec, speed), (alert: AlertRule) => sloCases(spec, speed, alert)])),
  );
}
