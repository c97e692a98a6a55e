// novacron:slos: defaults from the presets, one SLO changed or switched off by key, a new one added, and every
// bad value refused by its key, all at once.
import { alertCatalog, buildAlertCatalog, buildRecordingRules } from "../../components/alerts";
import { apiLatencySlo, defaultSlos } from "../../components/slo";
import { accepts, problemsOf } from "../../test/helpers/config-problems";
import { parseStackConfig } from "../config";
import { presets } from "../presets";
import { enabledSlos } from "./slos";

const dev = (slos: unknown, more: Record<string, unknown> = {}) => ({ environment: "dev", slos, ...more });
const specOf = (raw: Record<string, unknown>) =>
  parseStackConfig(Object.fromEntries(Object.entries(raw).map(([k, v]) => [`novacron:${k}`, typeof v === "string" ? v : JSON.stringify(v)]))).spec;

test("the presets run the default SLOs: over 30d in prod, over the week dev keeps", () => {
  expect(enabledSlos(presets.prod.slos)).toEqual(defaultSlos);
  const dev7 = enabledSlos(specOf({ environment: "dev" }).slos);
  expect(dev7.map((s) => [s.name, s.window])).toEqual([["api-availability", "7d"], ["api-latency", "7d"]]);
});

test("one field of one SLO changes it, enabled: false switches it off, a new name adds one", () => {
  // dev with prod's retention keeps a 30d window.
  const spec = specOf({
    environment: "dev",
    prometheus: { retentionTime: "30d" },
    slos: {
      "api-availability": { objective: 0.995, window: "30d" },
      "api-latency": { enabled: false },
      "scheduler-availability": {
        description: "The scheduler places 99% of requests without a server error.",
        objective: 0.99, window: "28d",
        good: 'sum(rate(http_requests_total{service="novacron-scheduler", status!~"5.."}[$window]))',
        total: 'sum(rate(http_requests_total{service="novacron-scheduler"}[$window]))',
      },
    },
  });
  const slos = enabledSlos(spec.slos);
  expect(slos.map((s) => [s.name, s.objective, s.window, s.domain])).toEqual([
    ["api-availability", 0.995, "30d", "application"],
    ["scheduler-availability", 0.99, "28d", "application"],
  ]);
  const names = buildAlertCatalog({}, undefined, slos).map((a) => a.name);
  expect(names).toContain("SchedulerAvailabilityErrorBudgetFastBurn");
  expect(names).not.toContain("ApiLatencyErrorBudgetFastBurn");
  expect(buildRecordingRules(slos).filter((r) => r.labels?.slo === apiLatencySlo.name)).toEqual([]);
  // The changed objective is in the alert's thresholds (14.4 × 0.005).
  expect(buildAlertCatalog({}, undefined, slos).find((a) => a.name === "ApiAvailabilityErrorBudgetFastBurn")?.expr).toContain("> (14.4 * 0.005)");
});

test("bad SLOs are refused by key, all at once", () => {
  expect(problemsOf(dev({
    "api-availability": { objective: 1 },
    "api-latency": { objective: 0.9, window: "2d", good: "sum(rate(http_requests_total[5m]))", total: 'sum(rate(x{a="b"}[$window])' },
    "Bad_Name": { description: "x", objective: 0.99, window: "7d", good: "a[$window]", total: "b[$window]" },
    "no-sli": { description: "{{ $value }}", objective: "high", window: "a month" },
    "api-availability-low": { ...presets.dev.slos["api-availability"], objective: -1 },
  })).sort()).toEqual([
    "novacron:slos.Bad_Name: SLO names must be lowercase words joined by single dashes, each starting with a letter (e.g. api-availability)",
    "novacron:slos.api-availability-low.objective: must be above 0.930555555556: below it even 100% errors burn the budget no faster than 14.4×, so the fast burn could never page",
    "novacron:slos.api-availability.objective: must be a ratio strictly between 0 and 1, e.g. 0.999",
    "novacron:slos.api-latency.good: must use [$window] as its range (the compiler substitutes each burn window), e.g. sum(rate(http_requests_total[$window]))",
    "novacron:slos.api-latency.objective: must be above 0.930555555556: below it even 100% errors burn the budget no faster than 14.4×, so the fast burn could never page",
    "novacron:slos.api-latency.total: is missing a closing )",
    "novacron:slos.api-latency.window: window must be at least 3d",
    "novacron:slos.no-sli.description: may not contain {{ (it goes into alert annotations)",
    "novacron:slos.no-sli.good: Invalid input: expected string, received undefined",
    "novacron:slos.no-sli.objective: must be a number, e.g. 0.999",
    "novacron:slos.no-sli.total: Invalid input: expected string, received undefined",
    "novacron:slos.no-sli.window: window must be a Prometheus duration such as 30s, 5m or 30d",
  ]);
});

test("an SLO's window must fit in Prometheus' retention; a switched-off one is not judged", () => {
  expect(problemsOf(dev({ "api-availability": { window: "30d" } }))).toEqual([
    "novacron:slos.api-availability.window: (30d) must be at most prometheus.retentionTime (7d): the error budget over the window is averaged from samples Prometheus no longer holds; shorten the window, keep more, or set enabled: false",
  ]);
  expect(accepts(dev({ "api-availability": { window: "30d", enabled: false } }))).toBe(true);
  expect(accepts(dev({ "api-availability": { window: "30d" } }, { prometheus: { retentionTime: "30d" } }))).toBe(true);
});

test("pulumi config set --path stores numbers and booleans as strings; they still count", () => {
  const spec = specOf({ environment: "dev", "slos": { "api-latency": { objective: "0.995", enabled: "true" } } });
  expect(enabledSlos(spec.slos).find((s) => s.name === "api-latency")?.objective).toBe(0.995);
});

test("the default catalog is the prod preset's", () => {
  expect(buildAlertCatalog({}, undefined, enabledSlos(presets.prod.slos))).toEqual(alertCatalog);
});
