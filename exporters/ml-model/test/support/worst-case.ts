// Response bodies that cost the exporter the most memory per byte, each filled to just under a size:
// many small rows (every one kept, keyed and counted), and drift features at the contract's bin bound.
// test/memory.test.ts and bench/ml-exporter/peak-rss.mjs serve them at the response cap.
import { MAX_HISTOGRAM_BINS } from "../../src/contract";

const TABLES = ["models", "training", "training_failures", "inference_latency", "inference_latency_buckets", "predictions", "drift"];

/** A snapshot whose `table` holds rows from `row(i)` until the body would exceed `bytes`. */
function filled(bytes: number, table: string, row: (i: number) => string): Buffer {
  const head = `{"schema_version":1,"generated_at":"2025-06-01T12:00:00Z",${TABLES.filter((t) => t !== table).map((t) => `"${t}":[]`).join(",")},"${table}":[`;
  const parts: string[] = [];
  let size = Buffer.byteLength(head) + 2;
  for (let i = 0; ; i++) {
    const r = row(i);
    const n = Buffer.byteLength(r) + (i > 0 ? 1 : 0);
    if (size + n > bytes) break;
    parts.push(r);
    size += n;
  }
  return Buffer.from(`${head}${parts.join(",")}]}`);
}

export const WORST_CASE_SHAPES: Record<string, (bytes: number) => Buffer> = {
  "one evaluation row per model": (bytes) =>
    filled(bytes, "models", (i) => `{"model_name":"m${i}","version":"v","accuracy":0.5,"precision":0.5,"recall":0.5,"f1_score":0.5}`),
  "one prediction row per model": (bytes) => filled(bytes, "predictions", (i) => `{"model_name":"m${i}","status":"s","count":0}`),
  "one reported drift score per model": (bytes) => filled(bytes, "drift", (i) => `{"model_name":"m${i}","dataset":"d","score":0}`),
  "one single-bin feature per model": (bytes) =>
    filled(bytes, "drift", (i) => `{"model_name":"m${i}","dataset":"d","features":[{"name":"f","reference":[1],"production":[1]}]}`),
  [`features of ${MAX_HISTOGRAM_BINS} bins`]: (bytes) => {
    const bins = `[1${",0".repeat(MAX_HISTOGRAM_BINS - 1)}]`;
    return filled(bytes, "drift", (i) => `{"model_name":"m${i}","dataset":"d","features":[{"name":"f","reference":${bins},"production":${bins}}]}`);
  },
};
