// Ties the pieces together: a scrape asks the shared cache for the rendered ml_* text, which refreshes
// it from the ML service when it is older than SCRAPE_INTERVAL, then appends the exporter's own metrics.
// A refresh never throws: any failure becomes ml_exporter_up 0 plus an error count, and the scrape
// still succeeds with the exporter's own metrics (and no stale ml_* values that could fire alerts).
import type { Config } from "./config";
import { type ErrorReason, ExporterMetrics } from "./exporter-metrics";
import type { Logger } from "./log";
import { FetchError, MlClient } from "./ml-client";
import { renderScoredSnapshot } from "./ml-metrics";
import { redactUrl } from "./redact";
import { SharedCache } from "./shared-cache";

const NOTHING = Buffer.alloc(0);

export class MlExporter {
  readonly metrics: ExporterMetrics;
  readonly contentType: string;
  private readonly client: MlClient;
  private readonly cache: SharedCache<Buffer>;
  private readonly shutdown = new AbortController();
  private healthy?: boolean;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    version: string,
  ) {
    this.client = new MlClient({ endpoint: config.mlModelEndpoint, timeoutMs: config.scrapeTimeoutMs, maxResponseBytes: config.maxResponseBytes });
    this.cache = new SharedCache(() => this.refresh(), config.scrapeIntervalMs);
    this.metrics = new ExporterMetrics({
      maxSeries: config.maxSeries,
      version,
      dataAgeSeconds: () => {
        const ms = this.cache.ageMs();
        return ms === undefined ? undefined : ms / 1000;
      },
    });
    this.contentType = this.metrics.registry.contentType;
  }

  /** The snapshot URL as logs and the landing page show it: credentials redacted. */
  get snapshotUrl(): string {
    return redactUrl(this.client.snapshotUrl);
  }

  /** The /metrics body as chunks (the ml_* part is shared between scrapes, so it is not copied). */
  async scrape(): Promise<Buffer[]> {
    const ml = await this.cache.get();
    const own = Buffer.from(await this.metrics.registry.metrics());
    return [own, ml];
  }

  /** Abandons a fetch in flight; scrapes waiting on it get the exporter's own metrics only. */
  close(): void {
    this.shutdown.abort();
  }

  private async refresh(): Promise<Buffer> {
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    try {
      const snapshot = await this.client.fetchSnapshot(this.shutdown.signal);
      const rendered = renderScoredSnapshot(snapshot, this.config.maxSeries);
      this.metrics.recordSuccess(elapsed(), rendered.series, rendered.droppedSeries);
      if (rendered.droppedSeries > 0) {
        this.log.warn("series limit exceeded; models dropped", {
          maxSeries: this.config.maxSeries,
          droppedModels: rendered.droppedModels,
          droppedSeries: rendered.droppedSeries,
        });
      }
      if (this.healthy !== true) this.log.info("ML service refresh succeeded", { url: this.snapshotUrl, series: rendered.series });
      this.healthy = true;
      return rendered.body;
    } catch (err) {
      if (this.shutdown.signal.aborted) return NOTHING; // abandoned on shutdown: not the ML service's fault
      const reason: ErrorReason = err instanceof FetchError ? err.reason : "internal";
      this.metrics.recordFailure(reason, elapsed());
      this.log.warn("ML service refresh failed", { url: this.snapshotUrl, reason, error: (err as Error).message });
      this.healthy = false;
      return NOTHING;
    }
  }
}
