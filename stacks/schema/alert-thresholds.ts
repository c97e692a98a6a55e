// `alertThresholds`: derived from the alert catalog's thresholds table, so a threshold added there is
// configurable, validated and documented without touching this file.
import { z } from "zod";
import { defaultThresholds, ThresholdName, thresholdNames, ThresholdSpec, thresholdTable, ThresholdUnit } from "../../components/alerts/thresholds";
import { withCrossChecks } from "./primitives";

const byUnit: Record<ThresholdUnit, z.ZodNumber> = {
  ratio: z.number().min(0, "must be a ratio from 0 to 1").max(1, "must be a ratio from 0 to 1"),
  // Latency thresholds: a millisecond to an hour (beyond either, a p95 alert says nothing an SRE acts on).
  seconds: z.number().min(0.001, "must be at least 0.001 seconds").max(3600, "must be at most 3600 seconds"),
  count: z.number().int("must be a whole number").min(0, "must be 0 or more"),
};

/** The unit's validator, narrowed to the threshold's own bounds where it has them. */
function thresholdSchema(spec: ThresholdSpec): z.ZodNumber {
  let schema = byUnit[spec.unit];
  if (spec.min !== undefined) schema = schema.min(spec.min, `must be at least ${spec.min}: ${spec.bounds}`);
  if (spec.max !== undefined) schema = schema.max(spec.max, `must be at most ${spec.max}: ${spec.bounds}`);
  return schema;
}

const thresholdFields = Object.fromEntries(
  thresholdNames.map((name) => {
    const spec: ThresholdSpec = thresholdTable[name];
    return [name, thresholdSchema(spec).optional().describe(`${spec.doc} Default ${spec.default}.`)];
  }),
) as Record<ThresholdName, z.ZodOptional<z.ZodNumber>>;

/** Each threshold in its expression's unit; an alert not listed keeps its default. */
export const alertThresholdsSchema = withCrossChecks(z.strictObject(thresholdFields), {
  // CriticalCPUUsage inhibits HighCPUUsage; a critical threshold at or below the warning one would hide the warning.
  reads: ["CriticalCPUUsage", "HighCPUUsage"],
  check: (overrides, report) => {
    const { CriticalCPUUsage: critical, HighCPUUsage: high } = { ...defaultThresholds, ...overrides };
    if (critical <= high) report(["CriticalCPUUsage"], `(${critical}) must be above alertThresholds.HighCPUUsage (${high})`);
  },
});
