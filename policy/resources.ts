// Container resources: every container requests and limits CPU and memory.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, objectRef, podSpecsOf, propertyAt } from "./resource-inputs";

/** Every container requests and limits CPU and memory, so the scheduler places it and a leak cannot starve a node. */
export function validateResources(args: ResourceValidationArgs, report: ReportViolation): void {
  for (const pod of podSpecsOf(args.type, args.props)) {
    for (const { kind, container } of containersOf(pod.spec)) {
      if (kind === "ephemeralContainers") continue; // debug containers cannot set resources
      const missing = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"].filter((f) => {
        const v = propertyAt(container.resources, f);
        return v === undefined || v === null || v === "";
      });
      if (missing.length) report(`${args.props.kind} ${objectRef(args.props)} container "${container.name}": resources.${missing.join(", resources.")} not set`);
    }
  }
}

export const containerResourcesPolicy: ResourceValidationPolicy = {
  name: "containers-set-resources",
  description: "Every container requests and limits CPU and memory.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateResources,
};
