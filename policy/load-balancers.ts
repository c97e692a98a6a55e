// Load balancers: a Service of type LoadBalancer only where the policy config lists it.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, stringList } from "./policy-config";
import { objectRef } from "./resource-inputs";

interface LoadBalancerConfig {
  allowedLoadBalancers: string[];
}

/** A Service of type LoadBalancer exposes a cloud load balancer: only the ones listed in policy config. */
export function validateLoadBalancers(args: ResourceValidationArgs, report: ReportViolation): void {
  if (!args.type.startsWith("kubernetes:") || args.props?.kind !== "Service" || args.props.spec?.type !== "LoadBalancer") return;
  const { allowedLoadBalancers } = configOf<LoadBalancerConfig>(args, { allowedLoadBalancers: [] });
  const ref = objectRef(args.props);
  if (!allowedLoadBalancers.includes(ref)) {
    report(`Service ${ref} is of type LoadBalancer, which is not configured (policy config allowedLoadBalancers: ${JSON.stringify(allowedLoadBalancers)}); use ClusterIP behind an Ingress, or add "${ref}"`);
  }
}

export const loadBalancersPolicy: ResourceValidationPolicy = {
  name: "load-balancers-only-where-configured",
  description: "Services of type LoadBalancer only where the policy config lists them (namespace/name).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: { properties: { allowedLoadBalancers: { ...stringList, default: [] } } },
  validateResource: validateLoadBalancers,
};
