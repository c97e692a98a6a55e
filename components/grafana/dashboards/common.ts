// Shared pieces of the dashboards: the Prometheus datasource, variables, query and panel helpers, and the
// threshold steps read from the alert catalog (so a threshold changed there moves the dashboards' lines).
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import * as heatmap from "@grafana/grafana-foundation-sdk/heatmap";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { RECORDED_QUANTILE } from "../../alerts/catalog";
import { defaultThresholds, ThresholdName } from "../../alerts/thresholds";
import { SHARD_LABEL } from "../../prometheus/render-config";
import type { AlertDefinition } from "../../alerts/types";
import { datasourceUids } from "../render-datasources";

export const prometheusDatasource: common.DataSourceRef = { type: "prometheus", uid: datasourceUids.prometheus };

/** What every variable selects when set to All: any value, including a missing label. */
export const ALL = ".*";

/** The folders dashboards are provisioned into. */
export const folders = {
  novacron: { uid: "novacron", title: "NovaCron" },
  stack: { uid: "novacron-monitoring-stack", title: "Monitoring stack" },
  kubernetes: { uid: "novacron-kubernetes", title: "Kubernetes" },
} as const;
export type FolderKey = keyof typeof folders;

/** A dashboard as provisioned: its JSON model and the folder it goes into. */
export interface DashboardDefinition {
  uid: string;
  title: string;
  folder: FolderKey;
  model: dashboard.Dashboard;
}

/** Options every dashboard builder takes. */
export interface DashboardOptions {
  /** The alert catalog whose thresholds the panels draw. */
  catalog: readonly AlertDefinition[];
  /** Prometheus' scrape shards (novacron:prometheus.shards); default 1. */
  scrapeShards?: number;
}

/**
 * Recorded series over split jobs with scrape shards: each shard records its part of a service's (or model's)
 * series, told apart by the `shard` label, and the panels add the parts up. With one shard, the series as
 * recorded (the panels do not change).
 */
export function acrossShards({ scrapeShards = 1 }: Pick<DashboardOptions, "scrapeShards">) {
  const sharded = scrapeShards > 1;
  const sum = (expr: string) => (sharded ? `sum without (${SHARD_LABEL}) (${expr})` : expr);
  return {
    /** A recorded rate: the shards' parts summed. */
    sum,
    /** A recorded quantile: the quantile of the shards' summed bucket rates, exactly the whole's. */
    quantile: (recorded: string, buckets: string) => (sharded ? `histogram_quantile(${RECORDED_QUANTILE}, ${sum(buckets)})` : recorded),
    /** A recorded ratio of a rate: each shard's ratio weighted by its rate, exactly the whole's. */
    ratio: (ratio: string, rate: string) => (sharded ? `${sum(`${ratio} * ${rate}`)} / ${sum(rate)}` : ratio),
  };
}

/**
 * The threshold of an alert in the catalog; undefined when the stack switched the alert off (it is not in the
 * catalog: no line to draw). Fails loudly if the alert is there without a threshold.
 */
export function thresholdOf(catalog: readonly AlertDefinition[], alert: string): number | undefined {
  const found = catalog.find((a) => a.name === alert);
  if (found && found.threshold === undefined) throw new Error(`alert ${alert} has no threshold in the catalog`);
  return found?.threshold;
}

/**
 * For a panel whose query needs the number (a floor, a share): the alert's threshold, or, with the alert
 * switched off, the catalog's default for it, so the panel still answers its question.
 */
export function thresholdOrDefault(catalog: readonly AlertDefinition[], alert: ThresholdName): number {
  return thresholdOf(catalog, alert) ?? defaultThresholds[alert];
}

export type Steps = dashboard.Threshold[];

/** Green below, then each alert's colour from its threshold up (e.g. HighCPUUsage orange, CriticalCPUUsage red). */
export function above(catalog: readonly AlertDefinition[], ...alerts: [name: string, color: string][]): Steps {
  return [{ value: null, color: "green" }, ...alerts.flatMap(([name, color]) => {
    const value = thresholdOf(catalog, name);
    return value === undefined ? [] : [{ value, color }];
  })];
}

/**
 * For counts: the alert fires when more than its threshold happened, so the colour starts at the next whole
 * number (Grafana colours from a step's value up; "> 0 failures" is "from 1").
 */
export function countAbove(catalog: readonly AlertDefinition[], alert: string, color: string): Steps {
  const value = thresholdOf(catalog, alert);
  return [{ value: null, color: "green" }, ...(value === undefined ? [] : [{ value: Math.floor(value) + 1, color }])];
}

/** Red below the alert's threshold, green from it up (a floor, e.g. model accuracy). */
export function below(catalog: readonly AlertDefinition[], alert: string): Steps {
  const value = thresholdOf(catalog, alert);
  // Switched off: no floor to colour by.
  return value === undefined ? [{ value: null, color: "green" }] : [{ value: null, color: "red" }, { value, color: "green" }];
}

/** Fixed steps for values that have no alert (green, then the given colours). */
export function steps(...levels: [value: number, color: string][]): Steps {
  return [{ value: null, color: "green" }, ...levels.map(([value, color]) => ({ value, color }))];
}

const thresholdsOf = (s: Steps) => new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(s);

/** A query variable over label values; All selects every value (and series without the label). */
export function labelVariable(name: string, label: string, query: string, description: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(prometheusDatasource)
    .query(query)
    .definition(query)
    .includeAll(true)
    .allValue(ALL)
    .multi(true)
    .current({ selected: true, text: "All", value: "$__all" })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}

/**
 * A query variable over one label of an expression's result (Grafana's `query_result`), for values no single
 * series carries (e.g. a pod's workload, from a join); All selects every value.
 */
export function resultVariable(name: string, label: string, expr: string, resultLabel: string, description: string): dashboard.QueryVariableBuilder {
  return labelVariable(name, label, `query_result(${expr})`, description).regex(`/\\b${resultLabel}="([^"]+)"/`);
}

/**
 * The labels that say where a series comes from. Both are Prometheus *external* labels
 * (components/prometheus/render-config.ts): a local Prometheus does not store them on its series; Thanos
 * Query, federation, remote_write and alerts add them. So each is a variable whose All is `.*`, which also
 * matches a missing label: in a single-cluster Grafana reading its own Prometheus the variables have no
 * values, All is selected and every series matches; through Thanos Query they list every cluster and
 * environment, and a selection narrows every panel. Adding them as target labels at scrape time instead
 * would change every stored series (and every rule's output) for what a query-time matcher does for free.
 */
export const scopeLabels = { cluster: "cluster", environment: "environment" } as const;

/** The label every `by` and `on` list starts with, so All over several clusters keeps them apart (absent on one Prometheus: harmless). */
export const CLUSTER = scopeLabels.cluster;

/** The matchers every selector in every dashboard carries (a test refuses any selector without them). */
export const SCOPE = `${scopeLabels.cluster}=~"$${scopeLabels.cluster}", ${scopeLabels.environment}=~"$${scopeLabels.environment}"`;

/** A counter's per-second rate over Grafana's rate interval (at least four scrapes, whatever the zoom). */
export const rateOf = (metric: string, selector: string) => `rate(${metric}{${selector}}[$__rate_interval])`;

/** The environment (dev, prod) variable: first, as the cluster variable's values depend on it. */
export function environmentVariable(): dashboard.QueryVariableBuilder {
  return labelVariable(scopeLabels.environment, "Environment", `label_values(up, ${scopeLabels.environment})`, "The stack's environment (dev, prod): an external label, listed where several stacks' series meet (Thanos Query); with none listed, All matches the local Prometheus' series.");
}

/** The cluster variable, narrowed to the selected environments. */
export function clusterVariable(): dashboard.QueryVariableBuilder {
  return labelVariable(scopeLabels.cluster, "Cluster", `label_values(up{${scopeLabels.environment}=~"$${scopeLabels.environment}"}, ${scopeLabels.cluster})`, "The Kubernetes cluster: an external label, listed where several clusters' series meet (Thanos Query); with none listed, All matches the local Prometheus' series.");
}

export interface Query {
  expr: string;
  legend?: string;
  /** One value per series (stat, bar gauge, table) instead of a range. */
  instant?: boolean;
  format?: "time_series" | "table" | "heatmap";
}

function target(q: Query, refId: string): prometheus.DataqueryBuilder {
  const builder = new prometheus.DataqueryBuilder().refId(refId).datasource(prometheusDatasource).expr(q.expr);
  if (q.legend) builder.legendFormat(q.legend);
  if (q.instant) builder.instant();
  else builder.range();
  if (q.format) builder.format(q.format as prometheus.PromQueryFormat);
  return builder;
}

/** Layout and text every panel has. */
export interface PanelBase {
  title: string;
  description: string;
  queries: Query[];
  /** Width in grid columns (of 24) and height in rows. */
  span: number;
  height: number;
  unit?: string;
  min?: number;
  max?: number;
  thresholds?: Steps;
}

function base<B extends { title(v: string): B; description(v: string): B; datasource(v: common.DataSourceRef): B; span(v: number): B; height(v: number): B; unit(v: string): B; min(v: number): B; max(v: number): B; thresholds(v: dashboard.ThresholdsConfigBuilder): B; withTarget(t: prometheus.DataqueryBuilder): B }>(builder: B, p: PanelBase): B {
  builder.title(p.title).description(p.description).datasource(prometheusDatasource).span(p.span).height(p.height);
  if (p.unit) builder.unit(p.unit);
  if (p.min !== undefined) builder.min(p.min);
  if (p.max !== undefined) builder.max(p.max);
  if (p.thresholds) builder.thresholds(thresholdsOf(p.thresholds));
  p.queries.forEach((q, i) => builder.withTarget(target(q, String.fromCharCode(65 + i))));
  return builder;
}

/** A time series; thresholds are drawn as dashed lines (the alert thresholds). */
export function timeseriesPanel(p: PanelBase & { stacked?: boolean }): timeseries.PanelBuilder {
  const builder = base(new timeseries.PanelBuilder(), p)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Bottom).calcs(["mean", "max", "lastNotNull"]))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .fillOpacity(p.stacked ? 30 : 10)
    .lineWidth(1)
    .showPoints(common.VisibilityMode.Never);
  if (p.thresholds) builder.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  if (p.stacked) builder.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  return builder;
}

/** A single value per series, coloured by its thresholds. */
export function statPanel(p: PanelBase & { mappings?: dashboard.ValueMapping[] }): stat.PanelBuilder {
  const builder = base(new stat.PanelBuilder(), { ...p, queries: p.queries.map((q) => ({ ...q, instant: true })) })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None);
  if (p.mappings) builder.mappings(p.mappings);
  return builder;
}

/** Horizontal bars, one per series (e.g. filesystems), coloured by thresholds. */
export function barGaugePanel(p: PanelBase): bargauge.PanelBuilder {
  return base(new bargauge.PanelBuilder(), { ...p, queries: p.queries.map((q) => ({ ...q, instant: true })) })
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
}

/** A latency distribution from histogram buckets (queries must use format heatmap). */
export function heatmapPanel(p: PanelBase): heatmap.PanelBuilder {
  return base(new heatmap.PanelBuilder(), { ...p, queries: p.queries.map((q) => ({ ...q, format: "heatmap" as const })) })
    .calculate(false)
    .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme("Spectral").steps(64))
    .yAxis(new heatmap.YAxisConfigBuilder().unit(p.unit ?? "s"));
}

/** A table of the series an instant query returns (e.g. targets that are down). */
export function tablePanel(p: PanelBase): table.PanelBuilder {
  return base(new table.PanelBuilder(), { ...p, queries: p.queries.map((q) => ({ ...q, instant: true, format: "table" as const })) })
    .withTransformation({ id: "organize", options: { excludeByName: { Time: true, Value: true } } });
}

/** Up (1) and down (0) as words and colours. */
export const upDownMappings: dashboard.ValueMapping[] = [
  { type: dashboard.MappingType.ValueToText, options: { "0": { text: "DOWN", color: "red", index: 0 }, "1": { text: "UP", color: "green", index: 1 } } },
];

/** Success (1) and failure (0) as words and colours. */
export const okFailedMappings: dashboard.ValueMapping[] = [
  { type: dashboard.MappingType.ValueToText, options: { "0": { text: "FAILED", color: "red", index: 0 }, "1": { text: "OK", color: "green", index: 1 } } },
];

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}

/** The dashboard's JSON model, with panel ids numbered in layout order (Grafana links panels by id). */
export function finish(builder: dashboard.DashboardBuilder): dashboard.Dashboard {
  const model = builder.build();
  (model.panels ?? []).forEach((panel, i) => {
    panel.id = i + 1;
  });
  return model;
}

/**
 * A dashboard with the settings all of ours share: UTC, 1 h window, 30 s refresh, linked to each other (the
 * links keep the variables), and the environment and cluster variables first.
 */
export function dashboardBuilder(uid: string, title: string, description: string, tags: string[]): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(["novacron", ...tags])
    .editable()
    .timezone("utc")
    .time({ from: "now-1h", to: "now" })
    .refresh("30s")
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(new dashboard.DashboardLinkBuilder("NovaCron dashboards").type(dashboard.DashboardLinkType.Dashboards).tags(["novacron"]).asDropdown(true).includeVars(true).keepTime(true))
    .withVariable(environmentVariable())
    .withVariable(clusterVariable());
}
