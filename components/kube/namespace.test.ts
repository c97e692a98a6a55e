// Namespaces and their Pod Security Standards labels.
import { renderNamespace } from "./namespace";

test("namespaces enforce their level and always warn and audit at restricted", () => {
  const labels = (renderNamespace("monitoring-host", "privileged") as any).metadata.labels;
  expect(labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
  expect(labels["pod-security.kubernetes.io/warn"]).toBe("restricted");
  expect(labels["pod-security.kubernetes.io/audit"]).toBe("restricted");
});
