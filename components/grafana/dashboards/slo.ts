// SLOs and error budgets: for each SLO (components/slo), the SLI against its objective, the error budget left
// over its window, and the burn rates the page and the ticket evaluate, with their factors as threshold lines.
// Everything reads the SLOs' recorded series (the `prometheus-rules` source of the metric inventory), so the
// dashboard needs no copy of any SLO: the `slo` variable lists what the stack records.
import { burnRateAlerts, BurnSpeed, BurnWindowPair, sloRecordingNames } from "../../slo/compile";
import {
  CLUSTER, dashboardBuilder, DashboardDefinition, DashboardOptions, finish, labelVariable, row, SCOPE, statPanel, steps, tablePanel,
  timeseriesPanel,
} from "./common";

export const SLO_UID = "novacron-slos";

const { errorRatio, errorRatioWindow, objective, budgetRemaining } = sloRecordingNames;
const sel = `slo=~"$slo", ${SCOPE}`;
/** Error ratio over a window as a multiple of the budget: 1 spends the budget exactly over the SLO's window. */
const burnRate = (window: string) => `${errorRatio(window)}{${sel}} / on (${CLUSTER}, slo) group_left () (1 - ${objective}{${sel}})`;

function burnPanel(speed: BurnSpeed, title: string, what: string) {
  const { pairs, severity } = burnRateAlerts[speed];
  const factors = pairs.map((p: BurnWindowPair) => p.factor);
  return timeseriesPanel({
    title, span: 12, height: 8, min: 0,
    description:
      `${what} Burn rate = error ratio over the window ÷ error budget; 1 spends the budget exactly over the SLO's window. ` +
      `The ${severity} alert fires when both windows of a pair are above its factor (dashed): ` +
      pairs.map((p: BurnWindowPair) => `${p.factor}× over ${p.long} and ${p.short}`).join(", or ") + ".",
    queries: pairs.flatMap((p: BurnWindowPair) => [p.long, p.short]).map((w) => ({ expr: burnRate(w), legend: `{{slo}} ${w}` })),
    thresholds: steps(...[...factors].sort((a, b) => a - b).map((f, i): [number, string] => [f, i === factors.length - 1 ? "red" : "orange"])),
  });
}

export function sloDashboard(_: DashboardOptions): DashboardDefinition {
  const builder = dashboardBuilder(SLO_UID, "SLOs and error budgets", "Each SLO's indicator against its objective, the error budget left over its window, and the burn rates its page and ticket alerts evaluate.", ["slo"])
    .withVariable(labelVariable("slo", "SLO", `label_values(${objective}{${SCOPE}}, slo)`, "SLOs the stack records (novacron:slos)."))

    .withRow(row("Error budget"))
    .withPanel(statPanel({
      title: "SLI over the window", span: 6, height: 5, unit: "percentunit",
      description: "Share of good events over each SLO's own window (e.g. 30d), averaged from the 5m error ratio.",
      queries: [{ expr: `1 - ${errorRatioWindow}{${sel}}`, legend: "{{slo}}", instant: true }],
    }))
    .withPanel(statPanel({
      title: "Objective", span: 6, height: 5, unit: "percentunit",
      description: "The share of good events each SLO promises (novacron:slos.<name>.objective).",
      queries: [{ expr: `${objective}{${sel}}`, legend: "{{slo}}", instant: true }],
    }))
    .withPanel(statPanel({
      title: "Error budget remaining", span: 12, height: 5, unit: "percentunit",
      description: "Share of the window's error budget not yet spent: 1 − (error ratio over the window ÷ (1 − objective)). Below 0 the SLO is missed.",
      queries: [{ expr: `${budgetRemaining}{${sel}}`, legend: "{{slo}}", instant: true }],
      thresholds: [{ value: null, color: "red" }, { value: 0, color: "orange" }, { value: 0.25, color: "green" }],
    }))
    .withPanel(timeseriesPanel({
      title: "Error budget remaining over time", span: 24, height: 8, unit: "percentunit",
      description: "How the budget left over the sliding window has moved; a steep fall is a burn the alerts below judge.",
      queries: [{ expr: `${budgetRemaining}{${sel}}`, legend: "{{slo}}" }],
      thresholds: [{ value: null, color: "red" }, { value: 0, color: "transparent" }],
    }))

    .withRow(row("Burn rates"))
    .withPanel(burnPanel("fast", "Burn rate: page windows", "The fast burn pages: a large share of the budget is going in hours."))
    .withPanel(burnPanel("slow", "Burn rate: ticket windows", "The slow burn opens a ticket: the budget will not last the window at this pace."))

    .withRow(row("Indicator"))
    .withPanel(timeseriesPanel({
      title: "SLI (5m) and objective", span: 12, height: 8, unit: "percentunit", max: 1,
      description: "Share of good events over the last 5 minutes, against the objective (one line per SLO).",
      queries: [
        { expr: `1 - ${errorRatio("5m")}{${sel}}`, legend: "{{slo}} SLI" },
        { expr: `${objective}{${sel}}`, legend: "{{slo}} objective" },
      ],
    }))
    .withPanel(timeseriesPanel({
      title: "Error ratio (1h and 1d)", span: 12, height: 8, unit: "percentunit", min: 0,
      description: "Share of bad events over the last hour and the last day, the long windows of the first page and ticket pairs.",
      queries: [
        { expr: `${errorRatio("1h")}{${sel}}`, legend: "{{slo}} 1h" },
        { expr: `${errorRatio("1d")}{${sel}}`, legend: "{{slo}} 1d" },
      ],
    }))
    .withPanel(tablePanel({
      title: "Burn alerts pending or firing", span: 24, height: 6,
      description: "The SLOs' burn alerts Prometheus holds now (ALERTS): fast burns page, slow burns open tickets.",
      queries: [{
        expr: `sum by (${CLUSTER}, alertname, slo, severity, alertstate) (ALERTS{alertname=~".+(${Object.values(burnRateAlerts).map((a) => a.suffix).join("|")})", ${sel}})`,
        instant: true, format: "table",
      }],
    }));

  return { uid: SLO_UID, title: "SLOs and error budgets", folder: "novacron", model: finish(builder) };
}
