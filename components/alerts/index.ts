// The alert catalog and its renderers: typed data in, Prometheus rule files, promtool tests and Alertmanager
// inhibit rules out.
export * from "./types";
export * from "./catalog";
export * from "./render";
export { formatDuration, parseDuration, SCRAPE_INTERVAL_SECONDS } from "./scenarios";
