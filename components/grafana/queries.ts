// Pure: every PromQL expression a dashboard sends, and how Grafana turns one into what Prometheus receives
// (template variables and $__ interval variables substituted). Tests parse and run them.
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";

export interface DashboardQuery {
  dashboard: string;
  /** Panel title, or `variable <name>` for a variable's query. */
  panel: string;
  panelType: string;
  refId: string;
  expr: string;
  instant: boolean;
}

type PanelLike = { title?: string; type?: string; targets?: { refId?: string; expr?: string; instant?: boolean }[]; panels?: PanelLike[] };

/** Panel queries and the selectors inside label_values() variable queries. */
export function dashboardQueries(model: Dashboard): DashboardQuery[] {
  const uid = model.uid ?? "";
  const queries: DashboardQuery[] = [];
  const visit = (panel: PanelLike) => {
    for (const t of panel.targets ?? []) {
      if (t.expr) queries.push({ dashboard: uid, panel: panel.title ?? "", panelType: panel.type ?? "", refId: t.refId ?? "", expr: t.expr, instant: t.instant === true });
    }
    (panel.panels ?? []).forEach(visit);
  };
  ((model.panels ?? []) as PanelLike[]).forEach(visit);
  for (const variable of model.templating?.list ?? []) {
    if (variable.type !== "query" || typeof variable.query !== "string") continue;
    // label_values(<series selector>, <label>) and query_result(<expression>) are Grafana's, not PromQL: what is inside is.
    const match = /^label_values\((.+),\s*\w+\)$/.exec(variable.query) ?? /^query_result\((.+)\)$/.exec(variable.query);
    queries.push({ dashboard: uid, panel: `variable ${variable.name}`, panelType: "variable", refId: variable.name, expr: match ? match[1] : variable.query, instant: true });
  }
  return queries;
}

/** What each variable stands for when substituted; `$__*` interval variables have defaults below. */
export type VariableValues = Record<string, string>;

/**
 * The expression as Grafana sends it: `$__rate_interval`, `$__interval` and `$__range` as durations, and each
 * dashboard variable (`$name` or `${name}`) as its value. Unknown `$` words (e.g. label_replace's `$1`) are
 * left alone, as Grafana leaves them.
 */
export function interpolate(expr: string, values: VariableValues, intervals = { rateInterval: "1m", interval: "15s", range: "1h" }): string {
  const builtins: Record<string, string> = { __rate_interval: intervals.rateInterval, __interval: intervals.interval, __range: intervals.range };
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    return builtins[name] ?? values[name] ?? whole;
  });
}

/** Each variable's value when set to All (its allValue). */
export function allValues(model: Dashboard): VariableValues {
  return Object.fromEntries((model.templating?.list ?? []).filter((v) => v.includeAll).map((v) => [v.name, v.allValue ?? ".*"]));
}
