// The contract lives twice: as zod in src/contract.ts (what the exporter enforces) and as OpenAPI in
// openapi.yaml (what the ML service's developers read). These tests keep the two in step: the same
// fixtures pass both, the same broken responses fail both, and the field lists agree.
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import * as contract from "../src/contract";
import { MonitoringSnapshot, SNAPSHOT_PATH } from "../src/contract";
import { fixtureSnapshot, generatedSnapshot } from "./support/fixtures";

const openapi = parseYaml(readFileSync(path.join(__dirname, "..", "openapi.yaml"), "utf8"));
const schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> = openapi.components.schemas;

// OpenAPI 3.1 schemas are JSON Schema 2020-12; move them under $defs so Ajv can resolve the $refs.
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const openapiValidate = ajv.compile(
  JSON.parse(JSON.stringify({ $defs: schemas, $ref: "#/$defs/MonitoringSnapshot" }).replaceAll("#/components/schemas/", "#/$defs/")),
);

const zodAccepts = (body: unknown) => MonitoringSnapshot.safeParse(body).success;
const openapiAccepts = (body: unknown) => openapiValidate(body) as boolean;

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and describes GET on every path the exporter calls", () => {
    expect(openapi.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(openapi.paths)).toEqual([SNAPSHOT_PATH]);
    const get = openapi.paths[SNAPSHOT_PATH].get;
    expect(get.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/MonitoringSnapshot");
  });

  it("names the same fields as the zod schema, table by table", () => {
    const tables: [string, z.ZodObject][] = [
      ["MonitoringSnapshot", MonitoringSnapshot],
      ["ModelVersionEvaluation", contract.ModelVersionEvaluation],
      ["ModelTraining", contract.ModelTraining],
      ["TrainingRun", contract.TrainingRun],
      ["TrainingFailures", contract.TrainingFailures],
      ["InferenceLatency", contract.InferenceLatency],
      ["InferenceLatencyBucket", contract.InferenceLatencyBucket],
      ["Predictions", contract.Predictions],
      ["DriftScore", contract.DriftScore],
      ["DriftDistributions", contract.DriftDistributions],
      ["FeatureDistributions", contract.FeatureDistributions],
    ];
    for (const [name, zodSchema] of tables) {
      // Required fields in zod are those that are not optional (the variants' `never` keys are optional).
      const zodRequired = Object.entries(zodSchema.shape)
        .filter(([, s]) => !(s as z.ZodType).safeParse(undefined).success)
        .map(([k]) => k)
        .sort();
      expect({ name, required: [...(schemas[name].required ?? [])].sort() }).toEqual({ name, required: zodRequired });
    }
  });
});

describe("valid responses pass both schemas", () => {
  it.each([
    ["the hand-written fixture", fixtureSnapshot()],
    ["a generated snapshot of 10 models × 5 datasets", generatedSnapshot(10, 5)],
    ["an empty service", { ...generatedSnapshot(0, 0) }],
    ["a response with fields the contract does not know", { ...fixtureSnapshot(), extra: { any: "thing" } }],
  ])("%s", (_, body) => {
    expect(zodAccepts(body)).toBe(true);
    expect(openapiValidate(body) ? [] : openapiValidate.errors).toEqual([]);
  });
});

type Edit = (s: any) => void;
const edited = (edit: Edit) => {
  const s = fixtureSnapshot();
  edit(s);
  return s;
};

describe("malformed responses fail both schemas", () => {
  it.each<[string, Edit]>([
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
    ["not an object at all", (s) => Object.keys(s).forEach((k) => delete s[k])],
  ])("%s", (_, edit) => {
    const body = edited(edit);
    expect(zodAccepts(body)).toBe(false);
    expect(openapiAccepts(body)).toBe(false);
  });
});

// JSON Schema cannot express rules across rows; openapi.yaml states them in prose and zod enforces them.
describe("rules across rows (zod; stated in openapi.yaml's descriptions)", () => {
  it.each<[string, Edit]>([
    ["a duplicate model version", (s) => s.models.push({ ...s.models[0] })],
    ["a duplicate drift row", (s) => s.drift.push({ ...s.drift[0] })],
    ["buckets that are not cumulative", (s) => (s.inference_latency_buckets[1].count = 50)],
    ["a histogram without \"+Inf\"", (s) => s.inference_latency_buckets.splice(6, 1)],
    ["a \"+Inf\" bucket that differs from count", (s) => (s.inference_latency[0].count = 999)],
    ["buckets for a model with no latency row", (s) => s.inference_latency_buckets.push({ model_name: "ghost", le: "+Inf", count: 1 })],
    ["feature histograms with different bins", (s) => (s.drift[2].features[0].production = [1, 2, 3])],
    ["an all-zero histogram", (s) => (s.drift[2].features[0].reference = [0, 0])],
  ])("%s", (_, edit) => {
    const body = edited(edit);
    expect(openapiAccepts(body)).toBe(true);
    expect(zodAccepts(body)).toBe(false);
  });
});
