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
import { crossRowEdits, edited, malformedEdits, validBodies } from "./support/snapshot-cases";

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
  it.each(validBodies)("%s", (_, body) => {
    expect(zodAccepts(body)).toBe(true);
    expect(openapiValidate(body) ? [] : openapiValidate.errors).toEqual([]);
  });
});

describe("malformed responses fail both schemas", () => {
  it.each(malformedEdits)("%s", (_, edit) => {
    const body = edited(edit);
    expect(zodAccepts(body)).toBe(false);
    expect(openapiAccepts(body)).toBe(false);
  });
});

// JSON Schema cannot express rules across rows; openapi.yaml states them in prose and zod enforces them.
describe("rules across rows (zod; stated in openapi.yaml's descriptions)", () => {
  it.each(crossRowEdits)("%s", (_, edit) => {
    const body = edited(edit);
    expect(openapiAccepts(body)).toBe(true);
    expect(zodAccepts(body)).toBe(false);
  });
});
