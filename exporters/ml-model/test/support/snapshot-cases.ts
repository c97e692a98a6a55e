// Snapshot bodies shared by the contract test (zod against OpenAPI) and the decoder test (the streaming
// decoder against zod): valid ones, ones each schema refuses, and ones only the rules across rows refuse.
import { MAX_HISTOGRAM_BINS } from "../../src/contract";
import { fixtureSnapshot, generatedSnapshot } from "./fixtures";

export type Edit = (s: any) => void;

export const edited = (edit: Edit) => {
  const s = fixtureSnapshot();
  edit(s);
  return s;
};

export const validBodies: [string, unknown][] = [
  ["the hand-written fixture", fixtureSnapshot()],
  ["a generated snapshot of 10 models × 5 datasets", generatedSnapshot(10, 5)],
  ["an empty service", { ...generatedSnapshot(0, 0) }],
  ["a response with fields the contract does not know", { ...fixtureSnapshot(), extra: { any: "thing" } }],
];

export const malformedEdits: [string, Edit][] = [
  ["accuracy above 1", (s) => (s.models[0].accuracy = 1.2)],
  ["a ratio given as a string", (s) => (s.models[0].recall = "0.9")],
  ["a missing table", (s) => delete s.predictions],
  ["an unknown schema_version", (s) => (s.schema_version = 2)],
  ["a negative count", (s) => (s.predictions[0].count = -1)],
  ["a fractional count", (s) => (s.training_failures[0].count = 1.5)],
  ["an empty model name", (s) => (s.models[0].model_name = "")],
  ["a bucket bound that is neither a number nor \"+Inf\"", (s) => (s.inference_latency_buckets[0].le = "inf")],
  ["a running training run as last_run", (s) => (s.training[0].last_run.status = "running")],
  ["a bad timestamp", (s) => (s.generated_at = "yesterday")],
  ["a drift row with both a score and distributions", (s) => (s.drift[0].features = s.drift[2].features)],
  ["a drift row with neither", (s) => delete s.drift[0].score],
  ["a drift feature with no bins", (s) => (s.drift[2].features[0].reference = [])],
  ["a drift feature with more bins than MAX_HISTOGRAM_BINS", (s) => {
    const bins = Array.from({ length: MAX_HISTOGRAM_BINS + 1 }, () => 1);
    s.drift[2].features[0] = { name: "wide", reference: bins, production: bins };
  }],
  ["not an object at all", (s) => Object.keys(s).forEach((k) => delete s[k])],
];

/** JSON Schema cannot express these; openapi.yaml states them in prose and zod enforces them. */
export const crossRowEdits: [string, Edit][] = [
  ["a duplicate model version", (s) => s.models.push({ ...s.models[0] })],
  ["a duplicate drift row", (s) => s.drift.push({ ...s.drift[0] })],
  ["buckets that are not cumulative", (s) => (s.inference_latency_buckets[1].count = 50)],
  ["a histogram without \"+Inf\"", (s) => s.inference_latency_buckets.splice(6, 1)],
  ["a \"+Inf\" bucket that differs from count", (s) => (s.inference_latency[0].count = 999)],
  ["buckets for a model with no latency row", (s) => s.inference_latency_buckets.push({ model_name: "ghost", le: "+Inf", count: 1 })],
  ["feature histograms with different bins", (s) => (s.drift[2].features[0].production = [1, 2, 3])],
  ["an all-zero histogram", (s) => (s.drift[2].features[0].reference = [0, 0])],
];
