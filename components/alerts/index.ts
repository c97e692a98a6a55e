// The alert catalog and its renderers: typed data in, Prometheus rule files, promtool tests and Alertmanager
// inhibit rules out. The promtool case builders (promtool-cases/) are internal and not exported.
export * from "./types";
export * from "./thresholds";
export * from "./settings";
export * from "./scope";
export * from "./catalog";
export * from "./custom";
export { parsePromql } from "./promql";
export type { PromqlVerdict } from "./promql";
export * from "./render-rules";
export { durationSeconds, formatDuration } from "../units";
export { SCRAPE_INTERVAL_SECONDS } from "./promtool-cases/series";
export * from "./shards";
