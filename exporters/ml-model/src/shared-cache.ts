// Fetch strategy: pull-through cache with single flight. There is no background timer (Prometheus'
// "writing exporters" advice: fetch when scraped); a scrape that finds the last result older than
// maxAgeMs starts one load, and every scrape arriving while it runs awaits that same promise. So the
// ML service sees at most one request in flight and, with maxAgeMs = SCRAPE_INTERVAL, at most one per
// interval however many Prometheus replicas scrape, and no scrape is answered with data older than
// maxAgeMs. Age counts from when the load started, the moment the data describes.

export class SharedCache<T> {
  private latest?: { value: T; loadedAt: number };
  private inFlight?: Promise<T>;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly maxAgeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The cached value while fresh, else the result of the (shared) load in flight. */
  get(): Promise<T> {
    if (this.latest && this.now() - this.latest.loadedAt < this.maxAgeMs) return Promise.resolve(this.latest.value);
    this.inFlight ??= this.refresh();
    return this.inFlight;
  }

  /** Milliseconds since the cached value's load started, or undefined before the first load. */
  ageMs(): number | undefined {
    return this.latest && this.now() - this.latest.loadedAt;
  }

  /** Whether a load is running now. */
  get loading(): boolean {
    return this.inFlight !== undefined;
  }

  private async refresh(): Promise<T> {
    const startedAt = this.now();
    try {
      const value = await this.load();
      this.latest = { value, loadedAt: startedAt };
      return value;
    } finally {
      // A load that throws is not cached: every waiter sees the error and the next get() retries.
      this.inFlight = undefined;
    }
  }
}
