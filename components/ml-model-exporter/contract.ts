import type { ComponentContract } from "../contract";
import { serviceJob } from "../prometheus/contract";

const name = "ml-model-exporter";

/** The ML model exporter, scraped as an application service (a ServiceTarget named after it). */
export const mlModelExporterContract = {
  name,
  job: serviceJob(name),
  ports: { metrics: 9200 },
} as const satisfies ComponentContract;

export const ML_EXPORTER_PORT = mlModelExporterContract.ports.metrics;
/** Its ServiceTarget's name: the job the alert catalog's ExporterDown and MLExporterUpstreamDown alerts select is novacron-<name>. */
export const ML_EXPORTER_TARGET_NAME = mlModelExporterContract.name;

/** What the ML model exporter falls back on when its args leave a setting out. */
export const mlModelExporterDefaults = {
  scrapeInterval: 30,
  fetchTimeout: 5,
  resources: { requests: { cpu: "50m", memory: "96Mi" }, limits: { cpu: "500m", memory: "192Mi" } },
};
