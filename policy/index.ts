// The policy pack the Pulumi CLI runs: `pulumi preview --policy-pack policy`. The policies live one per file
// (pure validators, unit-tested without the CLI), listed in policies.ts; this file only registers them.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("novacron-kubernetes", {
  description: "What the NovaCron observability components promise, enforced on every Kubernetes object: hardened pods, resources, pinned images, no secrets in ConfigMaps, no unplanned load balancers, HA replicas in production.",
  enforcementLevel: "mandatory",
  policies,
});
