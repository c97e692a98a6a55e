import { maxScrapeIntervalSeconds, rateWindows } from "../../components/alerts";
import { durationSeconds } from "../../components/units";
import { presets } from "../presets";
import { accepts, problemsOf } from "../../test/helpers/config-problems";
import { prometheusSchema } from "./prometheus";

const withInterval = (scrapeInterval: string) => ({ ...presets.dev.prometheus, scrapeInterval, scrapeTimeout: "5s" });
const problems = (value: unknown) => prometheusSchema.safeParse(value).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

describe("prometheus.scrapeInterval and the alert rules' rate windows", () => {
  it("allows at most a quarter of the shortest rate window", () => {
    const shortest = Math.min(...Object.values(rateWindows).map(durationSeconds));
    expect(maxScrapeIntervalSeconds).toBe(shortest / 4);
    expect(problems(withInterval(`${maxScrapeIntervalSeconds}s`))).toEqual([]);
  });

  it("refuses a longer interval, naming the window it would starve", () => {
    expect(problems(withInterval("30s"))).toEqual([`scrapeInterval: scrapeInterval must be at most 15s: the alert rules' shortest rate window (${rateWindows.cpu}) needs 4 samples`]);
  });

  it("still refuses a scrape timeout above the interval", () => {
    expect(problems({ ...withInterval("10s"), scrapeTimeout: "12s" })).toEqual(["scrapeTimeout: (12s) must not exceed prometheus.scrapeInterval (10s)"]);
  });
});

describe("prometheus.shards", () => {
  const prodWithWebhook = { environment: "prod", notifications: { webhook: { enabled: true } }, webhookUrl: "https://hooks.example.com/x" };

  it("defaults to one shard in both presets", () => {
    expect(presets.dev.prometheus.shards).toBe(1);
    expect(presets.prod.prometheus.shards).toBe(1);
  });

  it("accepts a whole number of shards from 1 to the maximum, with Thanos", () => {
    expect(problems({ ...presets.prod.prometheus, shards: 4 })).toEqual([]);
    const thanos = { enabled: true, storage: "s3-compatible", s3Compatible: { url: "http://minio.storage.svc:9000", bucket: "novacron-thanos", pathStyle: true } };
    const keys = { thanosS3AccessKeyId: "AKID-example-1234", thanosS3SecretAccessKey: "secret-example-5678" };
    expect(accepts({ ...prodWithWebhook, ...keys, prometheus: { shards: 3 }, thanos })).toBe(true);
    expect(accepts({ environment: "dev", ...keys, prometheus: { shards: 16 }, thanos })).toBe(true);
  });

  it.each([
    [0, "shards: must be at least 1"],
    [2.5, "shards: must be a whole number"],
    [17, "shards: must be at most 16"],
  ])("refuses %p by its key", (shards, message) => {
    expect(problems({ ...presets.prod.prometheus, shards })).toEqual([message]);
  });

  it("refuses more than one shard without Thanos, beside every other problem", () => {
    expect(problemsOf({ environment: "dev", prometheus: { shards: 2, retentionTime: "bogus" } })).toEqual([
      "novacron:prometheus.retentionTime: retentionTime must be a Prometheus duration such as 30s, 5m or 30d",
      "novacron:prometheus.shards: (2) needs thanos.enabled: each shard holds only its targets' series, and only Thanos Query gives Grafana one view across shards; enable thanos or keep one shard",
    ]);
    expect(problemsOf({ ...prodWithWebhook, prometheus: { shards: 2 }, thanos: { enabled: false } })).toEqual([
      "novacron:prometheus.shards: (2) needs thanos.enabled: each shard holds only its targets' series, and only Thanos Query gives Grafana one view across shards; enable thanos or keep one shard",
    ]);
    expect(accepts({ environment: "dev", prometheus: { shards: 1 } })).toBe(true);
  });
});
