// The SLO compiler against the SRE workbook's table (typed here by hand), and its promtool cases' arithmetic.
// promtool itself runs the cases in test/tools/promtool-rules.test.ts; Prometheus' parser reads every compiled
// expression in test/tools/slo-rules.test.ts.
import { HTTP_DURATION_BUCKETS } from "../prometheus/contract";
import { durationSeconds } from "../units";
import {
  apiAvailabilitySlo, apiLatencySlo, API_LATENCY_BOUND, burnWindows, compileSlos, defaultSlos, errorBudget, MIN_OBJECTIVE, sliExprProblem,
  sloAlertName, sloAlertRules, sloProblems, sloRecordingRules, SloSpec,
} from ".";
import { counterSeries, detectionSeconds, fastBurn, fixtureFor, sloCases, SLOW_BURN, WITHIN_BUDGET } from "./promtool-cases";

const custom: SloSpec = {
  name: "vm-create-success",
  description: "VM creations succeed.",
  objective: 0.995,
  window: "28d",
  domain: "application",
  sli: { good: "sum(rate(vm_created_total[$window]))", total: "sum(rate(vm_requested_total[$window]))" },
};

test("the workbook's pairs: page at 14.4× (1h, 5m) or 6× (6h, 30m), ticket at 3× (1d, 2h) or 1× (3d, 6h)", () => {
  const [fast, slow] = sloAlertRules(custom);
  expect([fast.name, fast.severity, slow.name, slow.severity]).toEqual(["VmCreateSuccessErrorBudgetFastBurn", "critical", "VmCreateSuccessErrorBudgetSlowBurn", "warning"]);
  const pairs = (expr: string) => [...expr.matchAll(/ratio_rate(\w+)\{slo="vm-create-success"\} > \(([\d.]+) \* 0\.005\)/g)].map((m) => [m[1], Number(m[2])]);
  expect(pairs(fast.expr)).toEqual([["1h", 14.4], ["5m", 14.4], ["6h", 6], ["30m", 6]]);
  expect(pairs(slow.expr)).toEqual([["1d", 3], ["2h", 3], ["3d", 1], ["6h", 1]]);
  // Both windows of a pair must agree; either pair fires.
  expect(fast.expr).toMatch(/^\(.+ and .+\) or \(.+ and .+\)$/);
  expect(fast.inhibits).toEqual([slow.name]);
  expect(fast.inhibitEqual).toEqual(["slo"]);
});

test("recording rules: the error ratio over every burn window, over the SLO's window, the objective and the budget left", () => {
  const rules = sloRecordingRules(custom);
  expect(burnWindows).toEqual(["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
  expect(rules.map((r) => r.record)).toEqual([
    ...burnWindows.map((w) => `slo:sli_error:ratio_rate${w}`),
    "slo:sli_error:ratio_avg_window", "slo:objective:ratio", "slo:error_budget_remaining:ratio",
  ]);
  expect(rules.every((r) => r.labels?.slo === "vm-create-success" && r.domain === "application")).toBe(true);
  const oneHour = rules.find((r) => r.record === "slo:sli_error:ratio_rate1h")!;
  // No good events at all is an error ratio of 1, not an empty result.
  expect(oneHour.expr).toBe("1 - ((sum(rate(vm_created_total[1h]))) or (0 * (sum(rate(vm_requested_total[1h]))))) / (sum(rate(vm_requested_total[1h])))");
  expect(rules.find((r) => r.record === "slo:sli_error:ratio_avg_window")!.expr).toBe('avg_over_time(slo:sli_error:ratio_rate5m{slo="vm-create-success"}[28d])');
  expect(rules.find((r) => r.record === "slo:objective:ratio")!.expr).toBe("vector(0.995)");
});

test("the budget is 1 − objective without floating-point noise", () => {
  expect(errorBudget({ objective: 0.999 })).toBe(0.001);
  expect(errorBudget({ objective: 0.9995 })).toBe(0.0005);
});

test("compiling refuses duplicate names and what the config schema refuses", () => {
  expect(() => compileSlos([custom, custom])).toThrow(/duplicate SLO vm-create-success/);
  expect(() => compileSlos([{ ...custom, objective: 0.9 }])).toThrow(/objective must be above 0.93/);
  expect(() => compileSlos([{ ...custom, name: "VM" }])).toThrow(/name must be lowercase/);
  expect(compileSlos(defaultSlos).alerts.map((a) => a.name)).toEqual([
    "ApiAvailabilityErrorBudgetFastBurn", "ApiAvailabilityErrorBudgetSlowBurn", "ApiLatencyErrorBudgetFastBurn", "ApiLatencyErrorBudgetSlowBurn",
  ]);
});

test("an objective can page only if 100% errors burn faster than 14.4×", () => {
  expect(MIN_OBJECTIVE).toBeCloseTo(0.9306, 4);
  expect(sloProblems({ objective: 0.94 })).toEqual([]);
  expect(sloProblems({ objective: 0.93 }).map((p) => p.field)).toEqual(["objective"]);
  expect(sloProblems({ objective: 0 }).map((p) => p.message)).toEqual(["must be a ratio strictly between 0 and 1, e.g. 0.999"]);
  expect(sloProblems({ objective: 1 }).map((p) => p.message)).toEqual(["must be a ratio strictly between 0 and 1, e.g. 0.999"]);
});

test.each([
  ["sum(rate(x[$window]))", undefined],
  ['sum(rate(x{a="(["}[$window]))', undefined],
  ["sum(rate(x[5m]))", /must use \[\$window\]/],
  ["sum(rate(x[$window])", /missing a closing \)/],
  ["sum(rate(x[$window])))", /unmatched \)/],
  ['sum(rate(x{a="b}[$window]))', /unterminated " string/],
  ["sum(rate(x[$window])) / $total", /no \$ other than \$window/],
  ["  ", /must be a PromQL expression/],
])("the config-time check of an SLI expression: %s", (expr, problem) => {
  if (problem) expect(sliExprProblem(expr)).toMatch(problem);
  else expect(sliExprProblem(expr)).toBeUndefined();
});

test("the default SLOs come from the metric contract: 5xx are the errors, and the latency bound is a bucket bound", () => {
  expect(apiAvailabilitySlo.sli.good).toContain('status!~"5.."');
  expect(HTTP_DURATION_BUCKETS).toContain(API_LATENCY_BOUND);
  expect(apiLatencySlo.sli.good).toContain(`le="${API_LATENCY_BOUND}"`);
  expect(apiLatencySlo.sli.total).toContain("http_request_duration_seconds_count");
});

describe("promtool cases", () => {
  test("a counter is encoded as runs of equal increments", () => {
    expect(counterSeries("c", { a: "b" }, (t) => (t > 30 ? 2 : 1), 75).values).toBe("0+1x2 4+2x2") // 0, 1, 2, then 4, 6, 8;
    expect(counterSeries("c", {}, () => 0.5, 30).values).toBe("0+0.5x2");
  });

  test("burn scenarios sit between the pairs' factors", () => {
    expect(SLOW_BURN).toBe(4.5); // above every ticket factor (3), below every page factor (6)
    expect(WITHIN_BUDGET).toBe(0.9);
    expect(fastBurn(apiAvailabilitySlo)).toBe(28.8);
    // A 95% objective cannot burn 28.8× (that would be 144% errors): 100% errors, 20×.
    expect(fastBurn({ ...apiAvailabilitySlo, objective: 0.95 })).toBe(20);
  });

  test("the page is predicted when the 1h window's error ratio crosses 14.4× after a healthy history", () => {
    // 28.8×: half an hour into the burn the last hour holds 30 minutes of it, i.e. 14.4× on average.
    expect(detectionSeconds(28.8)).toBe(1800);
    // 100% errors on a 99.9% SLO: 52 seconds.
    expect(detectionSeconds(1000)).toBeCloseTo(51.84, 2);
  });

  test("cases are built from the alert as the stack runs it, and need a fixture for the SLI", () => {
    const [fast] = sloAlertRules(apiAvailabilitySlo);
    const longer = sloCases(apiAvailabilitySlo, "fast", { ...fast, for: "10m" });
    const firing = longer.find((c) => c.fires && !c.interval)!;
    expect(durationSeconds(firing.evalTime)).toBe(15 + 600);
    const pages = longer.find((c) => c.description.startsWith("pages within"))!;
    expect(pages).toMatchObject({ interval: "1m", evaluationInterval: "1m", evalTime: "6h42m" });
    expect(fixtureFor(apiLatencySlo)).toBeDefined();
    expect(fixtureFor(custom)).toBeUndefined();
    expect(sloCases(custom, "fast", sloAlertRules(custom)[0])).toEqual([]);
  });

  test("alert names are the SLO's name in UpperCamelCase", () => {
    expect(sloAlertName({ name: "api-availability" }, "fast")).toBe("ApiAvailabilityErrorBudgetFastBurn");
  });
});
