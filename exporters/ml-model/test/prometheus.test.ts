// A real Prometheus (the pinned version from scripts/install-tools.sh) scrapes the exporter, which reads
// the fake ML service, and evaluates the seed's ML alerts on its metrics. promtool lints the output.
import { spawnSync } from "node:child_process";
import { find, value } from "./support/exposition";
import { TestExporter } from "./support/exporter";
import { FakeMlService } from "./support/fake-ml-service";
import { fixtureSnapshot } from "./support/fixtures";
import { PrometheusProcess, toolPath, waitFor } from "./support/prometheus";

// The seed's ML alerts with the expressions of the shared alert catalog. The catalog's `for` is 5m;
// here it is 0s so the test sees them fire within seconds, which is the only difference.
const RULES = `groups:
  - name: ml-pipeline
    rules:
      - alert: ModelPerformanceDegradation
        expr: ml_model_accuracy < 0.85
        for: 0s
        labels: { severity: warning }
      - alert: DataDriftDetected
        expr: ml_data_drift_score > 0.3
        for: 0s
        labels: { severity: warning }
`;

type Alert = { labels: Record<string, string>; state: string };

let ml: FakeMlService;
let exporter: TestExporter;
let prometheus: PrometheusProcess | undefined;

beforeAll(async () => {
  toolPath("prometheus"); // builds the pinned tools on a machine's first run only (cached after)
  ml = await new FakeMlService().start();
  ml.behaviour = { kind: "json", body: fixtureSnapshot() };
  exporter = await TestExporter.start(ml.url, { scrapeIntervalMs: 1_000, scrapeTimeoutMs: 500 });
}, 600_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.stop();
  await ml?.stop();
});

it("passes promtool's metric lint (names, units, suffixes, HELP)", async () => {
  const { text } = await exporter.scrape();
  const lint = spawnSync(toolPath("promtool"), ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
  expect(lint.stdout + lint.stderr).toBe("");
  expect(lint.status).toBe(0);
});

it("is scraped by Prometheus, and the ML alerts fire from its metrics", async () => {
  const port = new URL(exporter.url).port;
  prometheus = await PrometheusProcess.start(
    `global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files: [ml-alerts.yml]
scrape_configs:
  - job_name: ml-model-exporter
    static_configs:
      - targets: ["127.0.0.1:${port}"]
`,
    { "ml-alerts.yml": RULES },
  );
  const p = prometheus;

  const firing = async () => {
    const { alerts } = await p.api<{ alerts: Alert[] }>("/api/v1/alerts");
    return alerts.filter((a) => a.state === "firing");
  };
  const alerts = await waitFor("the ML alerts to fire", async () => ((await firing()).length >= 3 ? firing() : undefined), 30_000);
  const summary = alerts.map((a) => [a.labels.alertname, a.labels.model_name, a.labels.version ?? a.labels.dataset]).sort();
  expect(summary).toEqual([
    // classifier/staging reports 0.4; fraud-detector/production's distributions give JS distance 0.434 (drift.test.ts).
    ["DataDriftDetected", "classifier", "staging"],
    ["DataDriftDetected", "fraud-detector", "production"],
    // classifier v1.3 has accuracy 0.80; v1.2 (0.93) and fraud-detector v7 (0.97) stay quiet.
    ["ModelPerformanceDegradation", "classifier", "v1.3"],
  ]);
  expect(alerts.find((a) => a.labels.model_name === "fraud-detector")!.labels.method).toBe("jensen_shannon_distance");

  expect((await p.query('up{job="ml-model-exporter"}'))[0].value[1]).toBe("1");
  expect((await p.query("ml_exporter_up"))[0].value[1]).toBe("1");
  // The histogram is usable as one: the median of classifier's buckets is in (0.01, 0.025]:
  // 500th of 1000 inferences, 200 past the 300 at 0.01, of the 300 up to 0.025 → 0.01 + 200/300·0.015 = 0.02.
  const median = await p.query('histogram_quantile(0.5, ml_inference_duration_seconds_bucket{model_name="classifier"})');
  expect(Number(median[0].value[1])).toBeCloseTo(0.02, 10);
});

it("when the ML service fails, Prometheus sees ml_exporter_up 0 and the alerts resolve (no stale values)", async () => {
  const p = prometheus!;
  ml.behaviour = { kind: "status", status: 500 };
  await waitFor("ml_exporter_up to drop to 0", async () => ((await p.query("ml_exporter_up"))[0]?.value[1] === "0" ? true : undefined), 15_000);
  await waitFor("the ML alerts to resolve", async () => {
    const { alerts } = await p.api<{ alerts: Alert[] }>("/api/v1/alerts");
    return alerts.length === 0 ? true : undefined;
  }, 15_000);
  expect(await p.query("ml_model_accuracy")).toEqual([]);
  expect((await p.query('up{job="ml-model-exporter"}'))[0].value[1]).toBe("1"); // the exporter itself is fine
  const errors = await p.query('ml_exporter_scrape_errors_total{reason="http_status"}');
  expect(Number(errors[0].value[1])).toBeGreaterThanOrEqual(1);

  // And the exporter's own scrape says the same.
  const { samples } = await exporter.scrape();
  expect(value(samples, "ml_exporter_up")).toBe(0);
  expect(find(samples, "ml_model_accuracy")).toEqual([]);
});
