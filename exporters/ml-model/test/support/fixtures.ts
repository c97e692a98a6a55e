// Snapshots for tests: the hand-written fixture (test/fixtures/snapshot.json) and generated ones.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { MonitoringSnapshot } from "../../src/contract";

export const FIXTURES_DIR = path.join(__dirname, "..", "fixtures");

/** A fresh deep copy of the fixture, so tests can edit it freely. */
export function fixtureSnapshot(): MonitoringSnapshot {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, "snapshot.json"), "utf8")) as MonitoringSnapshot;
}

/** Removes every row of one model from every table. */
export function withoutModel(s: MonitoringSnapshot, model: string): MonitoringSnapshot {
  const keep = <R extends { model_name: string }>(rows: R[]) => rows.filter((r) => r.model_name !== model);
  return {
    ...s,
    models: keep(s.models),
    training: keep(s.training),
    training_failures: keep(s.training_failures),
    inference_latency: keep(s.inference_latency),
    inference_latency_buckets: keep(s.inference_latency_buckets),
    predictions: keep(s.predictions),
    drift: keep(s.drift),
  };
}

const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * `models` models named model-0000…, each with one version, a training run, two failure types, a
 * 10-bucket latency histogram, two prediction statuses and `datasets` drift scores: 4+1+2+(11+2)+2
 * = 22 series plus one per dataset.
 */
export function generatedSnapshot(models: number, datasets: number): MonitoringSnapshot {
  const s: MonitoringSnapshot = {
    schema_version: 1,
    generated_at: "2025-06-01T12:00:00Z",
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
