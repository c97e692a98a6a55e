// The exporter end to end over HTTP, against a fake ML service on 127.0.0.1.
import { find, value } from "./support/exposition";
import { closedPortUrl, TestExporter } from "./support/exporter";
import { FakeMlService } from "./support/fake-ml-service";
import { fixtureSnapshot, withoutModel } from "./support/fixtures";

let ml: FakeMlService;
let exporter: TestExporter | undefined;

beforeEach(async () => {
  ml = await new FakeMlService().start();
  ml.behaviour = { kind: "json", body: fixtureSnapshot() };
});
afterEach(async () => {
  await exporter?.stop();
  exporter = undefined;
  await ml.stop();
});

const hasMlSeries = (samples: { name: string }[]) => samples.some((s) => s.name.startsWith("ml_") && !s.name.startsWith("ml_exporter_"));

describe("with a healthy ML service", () => {
  it("exports the ML metrics and reports itself up", async () => {
    exporter = await TestExporter.start(ml.url);
    const before = Date.now() / 1000;
    const { status, contentType, samples } = await exporter.scrape();
    expect(status).toBe(200);
    expect(contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(value(samples, "ml_model_accuracy", { model_name: "classifier", version: "v1.2" })).toBe(0.93);
    expect(value(samples, "ml_inference_duration_seconds_count", { model_name: "classifier" })).toBe(1000);
    expect(value(samples, "ml_exporter_up")).toBe(1);
    expect(value(samples, "ml_exporter_series")).toBe(24 + 12);
    expect(value(samples, "ml_exporter_scrape_duration_seconds")).toBeGreaterThan(0);
    expect(value(samples, "ml_exporter_last_success_timestamp_seconds")).toBeGreaterThanOrEqual(Math.floor(before));
    expect(find(samples, "ml_exporter_scrape_errors_total").map((s) => s.value)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(find(samples, "process_resident_memory_bytes")).toHaveLength(1);
  });

  it("drops a model, or a dataset, that disappears from the service", async () => {
    exporter = await TestExporter.start(ml.url);
    expect(find((await exporter.scrape()).samples, "ml_model_accuracy", { model_name: "fraud-detector" })).toHaveLength(1);

    const snapshot = withoutModel(fixtureSnapshot(), "fraud-detector");
    snapshot.drift = snapshot.drift.filter((d) => d.dataset !== "staging");
    ml.behaviour = { kind: "json", body: snapshot };
    const { samples } = await exporter.scrape();
    expect(samples.filter((s) => s.labels.model_name === "fraud-detector")).toEqual([]);
    expect(find(samples, "ml_data_drift_score", { dataset: "staging" })).toEqual([]);
    expect(find(samples, "ml_data_drift_score", { model_name: "classifier", dataset: "production" })).toHaveLength(1);
    expect(value(samples, "ml_exporter_series")).toBe(24 - 1);
  });

  it("caps the series, dropping whole models, and counts what it dropped", async () => {
    exporter = await TestExporter.start(ml.url, { maxSeries: 30 });
    const { samples } = await exporter.scrape();
    expect(find(samples, "ml_model_accuracy").map((s) => s.labels.model_name)).toEqual(["classifier", "classifier"]);
    expect(value(samples, "ml_exporter_series")).toBe(24);
    expect(value(samples, "ml_exporter_series_limit")).toBe(30);
    expect(value(samples, "ml_exporter_series_dropped_total")).toBe(12);
    expect(value(samples, "ml_exporter_up")).toBe(1);
  });
});

describe("fetch strategy", () => {
  it("shares one fetch between concurrent scrapes", async () => {
    ml.behaviour = { kind: "json", body: fixtureSnapshot(), delayMs: 200 };
    exporter = await TestExporter.start(ml.url, { scrapeIntervalMs: 0 });
    const results = await Promise.all(Array.from({ length: 8 }, () => exporter!.scrape()));
    expect(ml.requests).toBe(1);
    for (const r of results) expect(value(r.samples, "ml_model_accuracy", { model_name: "classifier", version: "v1.2" })).toBe(0.93);
  });

  it("serves the cache within SCRAPE_INTERVAL and fetches again after it", async () => {
    exporter = await TestExporter.start(ml.url, { scrapeIntervalMs: 400 });
    await exporter.scrape();
    const second = await exporter.scrape();
    expect(ml.requests).toBe(1);
    expect(value(second.samples, "ml_exporter_data_age_seconds")).toBeLessThan(0.4);
    await new Promise((r) => setTimeout(r, 450));
    await exporter.scrape();
    expect(ml.requests).toBe(2);
  });

  it("fetches on every scrape with SCRAPE_INTERVAL=0", async () => {
    exporter = await TestExporter.start(ml.url, { scrapeIntervalMs: 0 });
    for (let i = 0; i < 3; i++) await exporter.scrape();
    expect(ml.requests).toBe(3);
  });
});

describe("when the ML service misbehaves, the exporter keeps serving and says why", () => {
  type Case = [string, string, (ml: FakeMlService) => Promise<string> | string, Partial<{ maxResponseBytes: number }>?];
  const cases: Case[] = [
    ["is down (connection refused)", "connection", () => closedPortUrl()],
    ["drops the connection", "connection", (ml) => ((ml.behaviour = { kind: "reset" }), ml.url)],
    ["never answers", "timeout", (ml) => ((ml.behaviour = { kind: "hang" }), ml.url)],
    ["answers after the timeout", "timeout", (ml) => ((ml.behaviour = { kind: "json", body: fixtureSnapshot(), delayMs: 1_500 }), ml.url)],
    ["returns 500", "http_status", (ml) => ((ml.behaviour = { kind: "status", status: 500 }), ml.url)],
    ["returns 404", "http_status", (ml) => ((ml.behaviour = { kind: "status", status: 404 }), ml.url)],
    ["returns invalid JSON", "invalid_json", (ml) => ((ml.behaviour = { kind: "raw", body: '{"schema_version": 1, "models": [' }), ml.url)],
    ["returns HTML", "invalid_json", (ml) => ((ml.behaviour = { kind: "raw", body: "<html>maintenance</html>" }), ml.url)],
    [
      "returns JSON that breaks the contract",
      "schema",
      (ml) => {
        const body = fixtureSnapshot();
        body.models[0].accuracy = 93; // a percentage, not a ratio
        ml.behaviour = { kind: "json", body };
        return ml.url;
      },
    ],
    ["returns more than ML_MODEL_MAX_RESPONSE_BYTES", "too_large", (ml) => ml.url, { maxResponseBytes: 2048 }],
  ];

  it.each(cases)("the ML service %s → reason %s", async (_, reason, setup, overrides = {}) => {
    const endpoint = await setup(ml);
    exporter = await TestExporter.start(endpoint, { scrapeTimeoutMs: 500, ...overrides });
    const started = performance.now();
    const { status, samples } = await exporter.scrape();
    expect(performance.now() - started).toBeLessThan(1_500); // bounded by the timeout, not the ML service
    expect(status).toBe(200);
    expect(value(samples, "ml_exporter_up")).toBe(0);
    expect(value(samples, "ml_exporter_scrape_errors_total", { reason })).toBe(1);
    expect(find(samples, "ml_exporter_scrape_errors_total").reduce((n, s) => n + s.value, 0)).toBe(1);
    expect(value(samples, "ml_exporter_last_success_timestamp_seconds")).toBe(0);
    expect(value(samples, "ml_exporter_series")).toBe(0);
    expect(hasMlSeries(samples)).toBe(false);
    // And it is still alive: another scrape counts another error.
    const again = await exporter.scrape();
    expect(value(again.samples, "ml_exporter_scrape_errors_total", { reason })).toBe(2);
  });

  it("recovers when the service does, and never serves stale ML values in between", async () => {
    exporter = await TestExporter.start(ml.url, { scrapeTimeoutMs: 500 });
    const ok = await exporter.scrape();
    const lastSuccess = value(ok.samples, "ml_exporter_last_success_timestamp_seconds");

    ml.behaviour = { kind: "status", status: 500 };
    const failing = await exporter.scrape();
    expect(value(failing.samples, "ml_exporter_up")).toBe(0);
    expect(hasMlSeries(failing.samples)).toBe(false);
    expect(value(failing.samples, "ml_exporter_last_success_timestamp_seconds")).toBe(lastSuccess);

    ml.behaviour = { kind: "json", body: fixtureSnapshot() };
    const recovered = await exporter.scrape();
    expect(value(recovered.samples, "ml_exporter_up")).toBe(1);
    expect(value(recovered.samples, "ml_model_accuracy", { model_name: "classifier", version: "v1.2" })).toBe(0.93);
    expect(value(recovered.samples, "ml_exporter_scrape_errors_total", { reason: "http_status" })).toBe(1);
  });
});

describe("HTTP endpoints", () => {
  beforeEach(async () => {
    exporter = await TestExporter.start(ml.url);
  });

  it("serves a landing page, liveness and readiness", async () => {
    const landing = await fetch(`${exporter!.url}/`);
    expect(landing.status).toBe(200);
    expect(landing.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await landing.text()).toContain('<a href="metrics">/metrics</a>');
    for (const path of ["/healthz", "/readyz"]) expect((await fetch(`${exporter!.url}${path}`)).status).toBe(200);
  });

  it("answers 404 for unknown paths and 405 for other methods", async () => {
    expect((await fetch(`${exporter!.url}/nope`)).status).toBe(404);
    const post = await fetch(`${exporter!.url}/metrics`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });
});
