// promtool cases of the NovaCron service alerts (rules/application.ts).
import { serviceJob } from "../../prometheus/contract";
import { failureWindows } from "../rules/selectors";
import {
  aboveThresholdCases,
  CaseBuilder,
  constant,
  counter,
  countingCases,
  Labels,
  latencyCases,
  Scenario,
  SCRAPE_INTERVAL_SECONDS,
  thresholdOf,
  zeroCases,
} from "./series";
import { mlExporter } from "./targets";

const service = serviceJob("api");
const api: Labels = { instance: "api-0:8080", job: service };
const request = (status: string, perScrape: number) =>
  counter("http_requests_total", { ...api, service, method: "GET", route: "/api/v1/vms", status }, perScrape);
/** 100 requests per scrape: `errors` 5xx split over 500 and 503, 5 client errors (not failures), the rest 200. */
const trafficScenario = (errorRatio: number): Scenario => {
  const errors = Math.round(errorRatio * 100);
  return {
    what: `${errors}% of requests fail with 5xx (and 5% with 404)`,
    series: [
      request("200", 95 - errors),
      request("404", 5),
      request("500", Math.ceil(errors / 2)),
      request("503", Math.floor(errors / 2)),
    ],
  };
};
const vmManager: Labels = { job: "novacron-vm-manager" };
const migration: Labels = { job: "novacron-migration" };

export const applicationCases: Record<string, CaseBuilder> = {
  ApplicationDown: (alert) => [
    ...zeroCases("up", api, alert.for, "novacron-api's up"),
    {
      description: "quiet when only the ML model exporter is down (ExporterDown's job)",
      series: [constant("up", api, 1), constant("up", mlExporter, 0)],
      evalTime: "5m",
      fires: false,
    },
  ],
  HighResponseTime: (alert) =>
    latencyCases({
      metric: "http_request_duration_seconds",
      labels: { ...api, service, method: "GET", route: "/api/v1/vms" },
      fastNeighbour: { instance: "scheduler-0:8083", job: "novacron-scheduler", service: "novacron-scheduler", method: "POST", route: "/api/v1/schedule" },
      threshold: thresholdOf(alert),
      for: alert.for,
      expectedLabels: { service },
    }),
  HighErrorRate: (alert) => aboveThresholdCases(alert, trafficScenario, { activeFrom: SCRAPE_INTERVAL_SECONDS, labels: { service } }),
  VMCreationFailure: (alert) =>
    countingCases({
      metric: "novacron_vm_creation_failures_total",
      labels: vmManager,
      split: { label: "instance", values: ["vm-manager-0:8081", "vm-manager-1:8081"] },
      threshold: thresholdOf(alert),
      window: failureWindows.VMCreationFailure,
      for: alert.for,
      expectedLabels: vmManager,
    }),
  MigrationFailure: (alert) =>
    countingCases({
      metric: "novacron_migration_failures_total",
      labels: migration,
      split: { label: "instance", values: ["migration-0:8082", "migration-1:8082"] },
      threshold: thresholdOf(alert),
      window: failureWindows.MigrationFailure,
      for: alert.for,
      expectedLabels: migration,
    }),
};
