// `exporters` and `mlModelExporter`: which exporters run, and the ML model exporter's service.
import { z } from "zod";
import { plainUrl, resourcesSchema } from "./primitives";

/** An exporter that a stack may switch off, and size. */
const exporter = z.strictObject({ enabled: z.boolean(), resources: resourcesSchema });

export const exportersSchema = z.strictObject({
  nodeExporter: exporter,
  cadvisor: exporter,
  kubeStateMetrics: exporter,
});

export const mlModelExporterSchema = z.strictObject({
  enabled: z.boolean(),
  image: z.string().regex(/^[\w./-]+(:\d+)?\/[\w./-]+:v?\d+\.\d+\.\d+$/, "must be an image reference pinned to a version, e.g. ghcr.io/novacron/ml-model-exporter:0.1.0")
    .describe("The exporter image (exporters/ml-model), pinned to a version."),
  endpoint: plainUrl(["http", "https"], "the exporter reaches the ML service inside the cluster, where its NetworkPolicy (not a password) decides who may call it")
    .describe("The ML service's base URL (the seed's ML_MODEL_ENDPOINT); no credentials in it."),
  scrapeInterval: z.number().int("must be a whole number of seconds").min(0).max(3600)
    .describe("Seconds; served ML data is never older (the seed's SCRAPE_INTERVAL)."),
  resources: resourcesSchema,
});
