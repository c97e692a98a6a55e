import type { ComponentContract } from "../contract";

export const cadvisorContract = {
  name: "cadvisor",
  job: "cadvisor",
  ports: { http: 8080 },
} as const satisfies ComponentContract;

export const CADVISOR_PORT = cadvisorContract.ports.http;

/** What cAdvisor falls back on when its args leave a setting out. */
export const cadvisorDefaults = {
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
};
