import type { ComponentContract } from "../contract";

export const cadvisorContract = {
  name: "cadvisor",
  job: "cadvisor",
  ports: { http: 8080 },
} as const satisfies ComponentContract;

export const CADVISOR_PORT = cadvisorContract.ports.http;
