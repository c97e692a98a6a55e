// A fake ML service for the benchmark, run as its own process so that serving the payload does not
// compete with the load generator's event loop. Usage: node fake-ml-service.mjs <models> <datasets>.
// Prints {"port": N, "bytes": N} on stdout once listening on 127.0.0.1, then serves the snapshot
// (serialized once) on GET /v1/monitoring/snapshot until SIGTERM.
//
// The payload has the shape of exporters/ml-model/test/support/fixtures.ts#generatedSnapshot: per
// model one version, a finished training run, two failure types, a 10-bucket latency histogram, two
// prediction statuses and one drift score per dataset (scores, not distributions, because
// json_exporter can only copy values, not compute a distance).
import * as http from "node:http";

const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function snapshot(models, datasets) {
  const s = {
    schema_version: 1,
    generated_at: new Date().toISOString(),
    models: [],
    training: [],
    training_failures: [],
    inference_latency: [],
    inference_latency_buckets: [],
    predictions: [],
    drift: [],
  };
  for (let i = 0; i < models; i++) {
    const model_name = `model-${String(i).padStart(4, "0")}`;
    const q = 0.8 + (i % 20) / 100;
    s.models.push({ model_name, version: "v1", accuracy: q, precision: q - 0.01, recall: q - 0.02, f1_score: q - 0.015 });
    s.training.push({
      model_name,
      last_run: { run_id: `run-${i}`, status: "succeeded", started_at: "2025-06-01T10:00:00Z", finished_at: "2025-06-01T10:10:00Z", duration_seconds: 600 + i },
    });
    s.training_failures.push({ model_name, error_type: "data_error", count: i % 3 }, { model_name, error_type: "oom", count: i % 2 });
    const total = 1000 + i;
    BOUNDS.forEach((le, j) => s.inference_latency_buckets.push({ model_name, le, count: Math.floor((total * (j + 1)) / (BOUNDS.length + 1)) }));
    s.inference_latency_buckets.push({ model_name, le: "+Inf", count: total });
    s.inference_latency.push({ model_name, count: total, sum_seconds: total * 0.042 });
    s.predictions.push({ model_name, status: "success", count: total - 10 }, { model_name, status: "error", count: 10 });
    for (let d = 0; d < datasets; d++) s.drift.push({ model_name, dataset: `dataset-${d}`, score: ((i + d) % 50) / 100 });
  }
  return s;
}

const [models, datasets] = process.argv.slice(2).map(Number);
const body = Buffer.from(JSON.stringify(snapshot(models, datasets)));
const server = http.createServer((req, res) => {
  if (req.url !== "/v1/monitoring/snapshot") return res.writeHead(404).end();
  res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
  res.end(body);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port, bytes: body.length }) + "\n");
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
// Never outlive the benchmark that started it.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
