import { constant, countingCases, counter, nearThreshold, num, sampled } from "./series";

describe("series builders", () => {
  it("writes gauges and counters in promtool's expanding notation over 2 hours of 15s samples (the longest `for` is 1h)", () => {
    expect(constant("up", { job: "a" }, 1)).toEqual({ series: 'up{job="a"}', values: "1x480" });
    expect(counter("c_total", { job: "a" }, 0.1 + 0.2)).toEqual({ series: 'c_total{job="a"}', values: "0+0.3x480" });
  });

  it("run-length encodes sampled series (axn is n+1 samples)", () => {
    const { values } = sampled("c_total", {}, (seconds) => (seconds >= 30 ? 2 : 1));
    expect(values).toBe("1x1 2x478");
  });

  it("strips floating-point noise", () => {
    expect(num(0.05 + 0.01)).toBe("0.06");
  });

  it("picks values just either side of a threshold", () => {
    expect(nearThreshold(0.8)).toEqual({ above: 0.81, below: 0.79 });
    expect(nearThreshold(0.01)).toEqual({ above: 0.012, below: 0.008 });
  });
});

describe("countingCases", () => {
  const cases = countingCases({
    metric: "failures_total",
    labels: { job: "svc" },
    split: { label: "instance", values: ["a", "b"] },
    threshold: 2,
    window: "10m",
    for: "0s",
    expectedLabels: { job: "svc" },
  });
  const total = (values: string) => values.split(" ").map((run) => Number(run.split("x")[0])).pop();

  it("fires on one more than the threshold, split across two series, and stays quiet at the threshold and when spread out", () => {
    expect(cases.map((c) => c.fires)).toEqual([true, false, false]);
    const [over, at] = cases;
    // Each counter starts at 1 (a failure long ago), so the final values carry that history.
    expect(over.series.map((s) => total(s.values)! - 1).reduce((a, b) => a + b)).toBe(3);
    expect(at.series.map((s) => total(s.values)! - 1).reduce((a, b) => a + b)).toBe(2);
  });
});

describe("countingCases for a large threshold", () => {
  const threshold = 1_000_000;
  const cases = countingCases({
    metric: "failures_total",
    labels: { job: "svc" },
    split: { label: "instance", values: ["a", "b"] },
    threshold,
    window: "5m",
    for: "0s",
    expectedLabels: { job: "svc" },
  });
  const finalValue = (values: string) => Number(values.split(" ").pop()!.split("x")[0]);

  it("stays as small as for a small one: failures come in bursts of a few scrapes, not one per scrape", () => {
    for (const c of cases) for (const s of c.series) expect(s.values.split(" ").length).toBeLessThanOrEqual(10);
    expect(cases[0].series.map((s) => finalValue(s.values) - 1).reduce((a, b) => a + b)).toBe(threshold + 1);
    expect(cases[2].series.map((s) => finalValue(s.values) - 1).reduce((a, b) => a + b)).toBe(threshold + 1);
  });
});
