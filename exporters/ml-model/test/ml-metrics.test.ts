import { MonitoringSnapshot } from "../src/contract";
import { renderMlMetrics, selectModels, seriesPerModel } from "../src/ml-metrics";
import { find, parseExposition, value } from "./support/exposition";
import { fixtureSnapshot, generatedSnapshot } from "./support/fixtures";

const render = (s: MonitoringSnapshot, maxSeries = 50_000) => {
  const { body, ...counts } = renderMlMetrics(MonitoringSnapshot.parse(s), maxSeries);
  return { text: body.toString("utf8"), ...counts };
};

describe("renderMlMetrics on the fixture", () => {
  let text: string;
  let samples: ReturnType<typeof parseExposition>;
  beforeAll(() => {
    text = render(fixtureSnapshot()).text;
    samples = parseExposition(text);
  });

  it("exports model quality per model and version as 0..1 gauges", () => {
    expect(value(samples, "ml_model_accuracy", { model_name: "classifier", version: "v1.2" })).toBe(0.93);
    expect(value(samples, "ml_model_accuracy", { model_name: "classifier", version: "v1.3" })).toBe(0.8);
    expect(value(samples, "ml_model_precision", { model_name: "fraud-detector", version: "v7" })).toBe(0.95);
    expect(value(samples, "ml_model_recall", { model_name: "classifier", version: "v1.2" })).toBe(0.89);
    expect(value(samples, "ml_model_f1_score", { model_name: "classifier", version: "v1.3" })).toBe(0.765);
    expect(text).toContain("# TYPE ml_model_accuracy gauge");
  });

  it("exports the last training run's duration, only for models that finished one", () => {
    expect(value(samples, "ml_training_duration_seconds", { model_name: "classifier" })).toBe(1834.5);
    expect(find(samples, "ml_training_duration_seconds", { model_name: "fraud-detector" })).toEqual([]);
  });

  it("exports failures and predictions as counters ending in _total", () => {
    expect(text).toContain("# TYPE ml_training_failures_total counter");
    expect(value(samples, "ml_training_failures_total", { model_name: "classifier", error_type: "data_error" })).toBe(3);
    expect(value(samples, "ml_training_failures_total", { model_name: "fraud-detector", error_type: "timeout" })).toBe(0);
    expect(text).toContain("# TYPE ml_predictions_total counter");
    expect(value(samples, "ml_predictions_total", { model_name: "classifier", status: "error" })).toBe(20);
  });

  it("re-exposes the service's latency buckets as a real histogram, buckets in ascending order", () => {
    expect(text).toContain("# TYPE ml_inference_duration_seconds histogram");
    const buckets = find(samples, "ml_inference_duration_seconds_bucket", { model_name: "classifier" });
    expect(buckets.map((b) => [b.labels.le, b.value])).toEqual([
      ["0.005", 100], ["0.01", 300], ["0.025", 600], ["0.05", 850], ["0.1", 950], ["0.25", 990], ["+Inf", 1000],
    ]);
    // The fixture lists fraud-detector's "+Inf" first; the exposition must not.
    const fraud = find(samples, "ml_inference_duration_seconds_bucket", { model_name: "fraud-detector" });
    expect(fraud.map((b) => b.labels.le)).toEqual(["0.01", "0.1", "+Inf"]);
    expect(value(samples, "ml_inference_duration_seconds_sum", { model_name: "classifier" })).toBe(42.5);
    expect(value(samples, "ml_inference_duration_seconds_count", { model_name: "classifier" })).toBe(1000);
  });

  it("exports reported drift scores and computes the rest as Jensen-Shannon distances", () => {
    expect(value(samples, "ml_data_drift_score", { model_name: "classifier", dataset: "production", method: "reported" })).toBe(0.12);
    // max(JS([1,3],[3,1]) = 0.4344214, JS([10,10,20],[5,5,10]) = 0): see drift.test.ts for the arithmetic.
    expect(value(samples, "ml_data_drift_score", { model_name: "fraud-detector", dataset: "production", method: "jensen_shannon_distance" })).toBeCloseTo(0.4344214, 6);
    expect(text).toMatch(/# HELP ml_data_drift_score .*Jensen-Shannon distance \(base 2\)/);
  });

  it("writes no timestamps and only the seed's ml_* families", () => {
    expect(samples.every((s) => Number.isFinite(s.value))).toBe(true);
    for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) expect(line.split(" ")).toHaveLength(2);
    const families = [...new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]))].sort();
    expect(families).toEqual([
      "ml_data_drift_score", "ml_inference_duration_seconds", "ml_model_accuracy", "ml_model_f1_score", "ml_model_precision",
      "ml_model_recall", "ml_predictions_total", "ml_training_duration_seconds", "ml_training_failures_total",
    ]);
  });

  it("escapes label values that need it", () => {
    const s = fixtureSnapshot();
    s.predictions.push({ model_name: "classifier", status: 'odd "quoted" \\ status\nline', count: 1 });
    const parsed = parseExposition(render(s).text);
    expect(value(parsed, "ml_predictions_total", { model_name: "classifier", status: 'odd "quoted" \\ status\nline' })).toBe(1);
  });
});

describe("the series cap", () => {
  it("counts each model's series: 4 per version, 1 per run, failure, prediction and dataset, buckets + 2", () => {
    const perModel = seriesPerModel(MonitoringSnapshot.parse(fixtureSnapshot()));
    // classifier: 2 versions × 4 + 1 run + 2 failures + (7 buckets + sum + count) + 2 predictions + 2 datasets
    expect(perModel.get("classifier")).toBe(8 + 1 + 2 + 9 + 2 + 2);
    // fraud-detector: 4 + 0 (no finished run) + 1 + (3 + 2) + 1 + 1
    expect(perModel.get("fraud-detector")).toBe(4 + 0 + 1 + 5 + 1 + 1);
    expect(generatedSnapshot(1, 5).drift).toHaveLength(5);
    expect(seriesPerModel(generatedSnapshot(1, 5)).get("model-0000")).toBe(22 + 5);
  });

  it("keeps whole models in name order and counts what it drops", () => {
    const s = generatedSnapshot(10, 5); // 27 series per model
    expect(selectModels(seriesPerModel(s), 100)).toMatchObject({ series: 81, droppedSeries: 189, droppedModels: 7 });
    const rendered = render(s, 100);
    expect(rendered).toMatchObject({ series: 81, droppedSeries: 189, droppedModels: 7 });
    const samples = parseExposition(rendered.text);
    expect(samples).toHaveLength(81);
    expect([...new Set(samples.map((x) => x.labels.model_name))]).toEqual(["model-0000", "model-0001", "model-0002"]);
  });

  it("exports everything when under the cap", () => {
    const rendered = render(generatedSnapshot(10, 5), 270);
    expect(rendered).toMatchObject({ series: 270, droppedSeries: 0, droppedModels: 0 });
    expect(parseExposition(rendered.text)).toHaveLength(270);
  });
});
