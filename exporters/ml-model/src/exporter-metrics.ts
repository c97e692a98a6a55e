// The exporter's own health, kept in a long-lived registry rendered on every scrape. These series are
// always present, even when the ML service is down, so Prometheus can tell "the ML service is failing"
// (ml_exporter_up 0) apart from "the exporter is gone" (up 0).
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { FETCH_ERROR_REASONS } from "./ml-client";

/** Why a refresh failed: the ML client's reasons, plus `internal` for a bug in the exporter itself. */
export const ERROR_REASONS = [...FETCH_ERROR_REASONS, "internal"] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

export interface ExporterMetricsOptions {
  maxSeries: number;
  version: string;
  /** Age of the ML data being served, evaluated at each scrape; undefined before the first refresh. */
  dataAgeSeconds: () => number | undefined;
}

export class ExporterMetrics {
  readonly registry = new Registry();
  private readonly up: Gauge;
  private readonly duration: Gauge;
  private readonly errors: Counter<"reason">;
  private readonly lastSuccess: Gauge;
  private readonly series: Gauge;
  private readonly droppedSeries: Counter;

  constructor(options: ExporterMetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // These prom-client gauges break the naming rules (`promtool check metrics`: "non-counter metrics
    // should not have _total suffix"); nodejs_active_handles{type} etc. carry the same figures.
    for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
      this.registry.removeSingleMetric(name);
    }
    this.up = new Gauge({
      name: "ml_exporter_up",
      help: "1 if the last fetch from the ML service succeeded and matched the contract, else 0.",
      registers,
    });
    this.duration = new Gauge({
      name: "ml_exporter_scrape_duration_seconds",
      help: "Duration of the last refresh from the ML service (fetch, validation and rendering), in seconds.",
      registers,
    });
    this.errors = new Counter({
      name: "ml_exporter_scrape_errors_total",
      help: "Failed refreshes from the ML service, by reason.",
      labelNames: ["reason"],
      registers,
    });
    // Every reason is present from the start at 0, so rate() and increase() see the first error.
    for (const reason of ERROR_REASONS) this.errors.inc({ reason }, 0);
    this.lastSuccess = new Gauge({
      name: "ml_exporter_last_success_timestamp_seconds",
      help: "Unix time of the last successful refresh from the ML service (0 if none yet).",
      registers,
    });
    this.series = new Gauge({
      name: "ml_exporter_series",
      help: "ml_* series exported from the last refresh (0 while the ML service is failing).",
      registers,
    });
    new Gauge({
      name: "ml_exporter_series_limit",
      help: "Most ml_* series the exporter exports (MAX_SERIES); models beyond it are dropped whole.",
      registers,
    }).set(options.maxSeries);
    this.droppedSeries = new Counter({
      name: "ml_exporter_series_dropped_total",
      help: "ml_* series left out because the series limit was exceeded, summed over refreshes.",
      registers,
    });
    new Gauge({
      name: "ml_exporter_data_age_seconds",
      help: "Age of the ML data served by this scrape: time since its fetch started.",
      registers,
      collect() {
        const age = options.dataAgeSeconds();
        if (age !== undefined) this.set(age);
      },
    });
    new Gauge({
      name: "ml_exporter_build_info",
      help: "Always 1; labelled with the exporter's version.",
      labelNames: ["version", "nodejs_version"],
      registers,
    }).set({ version: options.version, nodejs_version: process.version }, 1);
  }

  recordSuccess(durationSeconds: number, series: number, droppedSeries: number): void {
    this.up.set(1);
    this.duration.set(durationSeconds);
    this.lastSuccess.set(Date.now() / 1000);
    this.series.set(series);
    this.droppedSeries.inc(droppedSeries);
  }

  recordFailure(reason: ErrorReason, durationSeconds: number): void {
    this.up.set(0);
    this.duration.set(durationSeconds);
    this.errors.inc({ reason });
    this.series.set(0);
  }
}
