// `alertThresholds`: derived from the alert catalog's thresholds table, so a threshold added there is
// configurable, validated and documented without touching this file.
import { z } from "zod";
import { defaultThresholds, ThresholdName, thresholdNames, thresholdTable, ThresholdUnit } from "../../components/alerts/thresholds";
import { withCrossChecks } from "./primitives";

const byUnit: Record<ThresholdUnit, z.ZodNumber> = {
  ratio: z.number().min(0, "must be a ratio from 0 to 1").max(1, "must be a ratio from 0 to 1"),
  seconds: z.number().positive("must be a number of seconds above 0"),
  count: z.number().int("must be a whole number").min(0, "must be 0 or more"),
};

const thresholdFields = Object.fromEntries(
  thresholdNames.map((name) => [name, byUnit[thresholdTable[name].unit].optional().describe(`${thresholdTable[name].doc} Default ${thresholdTable[name].default}.`)]),
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
