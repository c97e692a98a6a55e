// The default SLOs of the NovaCron API, from the metric contract (README.md): availability (requests not
// answered with a 5xx) and latency (requests answered within a bucket bound of the duration histogram).
// The stack's presets take them from here; `novacron:slos` changes or switches them off.
import { HTTP_DURATION_BUCKETS, serviceJob } from "../prometheus/contract";
import { SloSpec } from "./types";

const api = serviceJob("api");

/** The latency SLO's bound, in seconds; a bucket bound of the contract's histogram, so the SLI is exact. */
export const API_LATENCY_BOUND: (typeof HTTP_DURATION_BUCKETS)[number] = 0.5;

export const apiAvailabilitySlo: SloSpec = {
  name: "api-availability",
  description: "The NovaCron API answers 99.9% of requests without a server error (5xx).",
  objective: 0.999,
  window: "30d",
  domain: "application",
  sli: {
    good: `sum(rate(http_requests_total{service="${api}", status!~"5.."}[$window]))`,
    total: `sum(rate(http_requests_total{service="${api}"}[$window]))`,
  },
};

export const apiLatencySlo: SloSpec = {
  name: "api-latency",
  description: `The NovaCron API answers 99% of requests within ${API_LATENCY_BOUND}s.`,
  objective: 0.99,
  window: "30d",
  domain: "application",
  sli: {
    // Prometheus 3 writes bucket bounds as floats ("0.5"; a whole bound would read "1.0"), as this one does.
    good: `sum(rate(http_request_duration_seconds_bucket{service="${api}", le="${API_LATENCY_BOUND}"}[$window]))`,
    total: `sum(rate(http_request_duration_seconds_count{service="${api}"}[$window]))`,
  },
};

/** The SLOs a stack runs unless its config says otherwise. */
export const defaultSlos: SloSpec[] = [apiAvailabilitySlo, apiLatencySlo];
