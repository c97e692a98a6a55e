import { maxScrapeIntervalSeconds, rateWindows } from "../../components/alerts";
import { durationSeconds } from "../../components/units";
import { presets } from "../presets";
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
