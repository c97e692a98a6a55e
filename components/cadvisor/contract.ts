import type { ComponentContract } from "../contract";

export const cadvisorContract = {
  name: "cadvisor",
  job: "cadvisor",
  ports: { http: 8080 },
} as const satisfies ComponentContract;

export const CADVISOR_PORT = cadvisorContract.ports.http;

/**
 * cAdvisor runs standalone (not inside the kubelet), so a container's pod, namespace and name are its runtime
 * labels (--whitelisted_container_labels in cadvisor.ts). The plain `namespace`, `pod` and `node` labels on its
 * series are the scrape target's: the cAdvisor pod's own. Every query about workloads reads these.
 */
export const cadvisorWorkloadLabels = {
  namespace: "container_label_io_kubernetes_pod_namespace",
  pod: "container_label_io_kubernetes_pod_name",
  container: "container_label_io_kubernetes_container_name",
} as const;

/** What cAdvisor falls back on when its args leave a setting out. */
export const cadvisorDefaults = {
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
};
